"""Amounts and currencies: minor units, parsing and the rounding rules owed uses.

Every amount in owed is a `Decimal` paired with an ISO 4217 currency code. A currency's
minor units are the number of decimal places an amount in it may carry: VND and IRR have
none (CLDR and owed store whole dong and whole rials), THB, USD, GBP and EUR have two.

Rounding rules, each named so a result can say which one produced it:

- ``HALF_UP`` (``ROUND_HALF_UP``): invoice lines and tax, as on a printed invoice.
- ``HALF_EVEN`` (``ROUND_HALF_EVEN``): interest accrual, so that many small daily
  amounts do not drift upwards.
- ``DOWN`` (``ROUND_DOWN``): amounts offered to the client (a factoring advance, a plan
  instalment before the last one), never promising more than there is.

Amounts are never rounded silently when they come in: `parse_amount` refuses an amount
with more decimals than its currency allows instead of rounding it.
"""

from __future__ import annotations

import enum
import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision, list_currencies

# CLDR says IRR has 0 digits while ISO 4217 says 2; rials are paid in whole units, so owed
# follows CLDR. The explicit entries here are the currencies the playbook names; any other
# ISO currency takes its CLDR precision.
_MINOR_UNITS: dict[str, int] = {
    "VND": 0,
    "IRR": 0,
    "THB": 2,
    "USD": 2,
    "GBP": 2,
    "EUR": 2,
}

# The largest amount owed accepts: far above any invoice, far below what a 64-bit count of
# hundredths holds (about 9.2e16).
MAX_AMOUNT = Decimal(10) ** 15

# Amounts are stored as whole hundredths (see ledger.fields.MoneyField), so a currency with
# more than two minor units cannot be held exactly and is refused.
MAX_MINOR_UNITS = 2


class Rounding(enum.StrEnum):
    """The named rounding rules; the value is the `decimal` module's constant."""

    HALF_UP = ROUND_HALF_UP
    HALF_EVEN = ROUND_HALF_EVEN
    DOWN = ROUND_DOWN


class MoneyError(ValueError):
    """An amount or currency that owed cannot accept, with a message fit for a user."""


def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    """Return the upper-cased currency code, or raise `MoneyError` saying why not."""
    normalized = (code or "").strip().upper()
    if not normalized:
        raise MoneyError("currency is missing")
    if normalized not in _MINOR_UNITS and normalized not in _known_currencies():
        raise MoneyError(f"unknown currency {code!r} (use an ISO 4217 code such as USD)")
    if minor_units(normalized) > MAX_MINOR_UNITS:
        raise MoneyError(
            f"currency {normalized} has {minor_units(normalized)} minor units; "
            f"owed supports currencies with at most {MAX_MINOR_UNITS}"
        )
    return normalized


def minor_units(currency: str) -> int:
    """How many decimal places an amount in `currency` may carry."""
    code = currency.upper()
    if code in _MINOR_UNITS:
        return _MINOR_UNITS[code]
    return get_currency_precision(code)


def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency`: 1 for VND, 0.01 for USD."""
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str, rounding: Rounding = Rounding.HALF_UP) -> Decimal:
    """Round `amount` to the minor unit of `currency` by the named rule."""
    return amount.quantize(quantum(currency), rounding=str(rounding))


def is_exact(amount: Decimal, currency: str) -> bool:
    """True when `amount` needs no rounding in `currency`."""
    return amount == amount.quantize(quantum(currency), rounding=ROUND_DOWN)


def excerpt(text: str, limit: int = 30) -> str:
    """`text` cut to its first `limit` characters (and "…"), to quote it in a message."""
    return text if len(text) <= limit else text[:limit] + "…"


# What an amount may look like: ASCII digits, then optionally a point and more digits.
# Python's `\d` and `Decimal()` also take other scripts' digits, exponents, signs and
# underscores; a file saying "1e3" or "١٢٣" is refused and told the form instead.
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NEGATIVE = re.compile(r"-[0-9]+(?:\.[0-9]+)?")
_SCIENTIFIC = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+")


def parse_amount(text: str, currency: str, *, allow_zero: bool = False) -> Decimal:
    """Read an amount written like `1234.50`, exact to the currency's unit.

    Only ASCII digits with an optional `.` and more digits are read, after surrounding
    spaces are stripped. Refuses (with `MoneyError`, quoting at most 30 characters of
    the text) an empty, non-numeric, negative, too large or too precise amount, and
    anything else `Decimal()` would take: exponents, signs, underscores, other scripts'
    digits, a point without digits on both sides. Zero only when `allow_zero`.
    Thousands separators are refused rather than guessed.
    """
    raw = (text or "").strip()
    shown = excerpt(raw)
    if not raw:
        raise MoneyError("amount is missing")
    if not _AMOUNT.fullmatch(raw):
        raise MoneyError(_why_not_an_amount(raw, shown))
    value = Decimal(raw)
    if value >= MAX_AMOUNT:
        raise MoneyError(f"amount {shown} is too large")
    if value == 0 and not allow_zero:
        raise MoneyError("amount is zero")
    check_exact(value, currency, shown)
    return round_money(value, currency)


def check_exact(amount: Decimal, currency: str, shown: str | None = None) -> None:
    """Raise `MoneyError` when `amount` has more decimals than `currency` allows.

    `shown` is how the message quotes the amount (default: the amount itself).
    """
    if is_exact(amount, currency):
        return
    shown = str(amount) if shown is None else shown
    units = minor_units(currency)
    if units == 0:
        raise MoneyError(f"amount {shown} has decimals but {currency} has no minor units")
    raise MoneyError(f"amount {shown} has more than {units} decimals for {currency}")


def _why_not_an_amount(raw: str, shown: str) -> str:
    """The message for text that is not digits with an optional `.` and more digits."""
    if "," in raw:
        return f"amount {shown!r} contains a comma; write it like 1234.50"
    if _NEGATIVE.fullmatch(raw):
        return f"amount {shown} is negative"
    if any(c.isdigit() and not c.isascii() for c in raw):
        return f"amount {shown!r} has digits other than 0-9; write it like 1234.50"
    if _SCIENTIFIC.fullmatch(raw):
        return f"amount {shown!r} is in scientific notation; write every digit, like 1234.50"
    if re.fullmatch(r"\.[0-9]+", raw):
        return f"amount {shown!r} needs a digit before the point; write it like 0{excerpt(raw)}"
    if re.fullmatch(r"[0-9]+\.", raw):
        return f"amount {shown!r} needs digits after the point; write it like {excerpt(raw[:-1])}"
    if not any(c.isdigit() for c in raw):
        return f"amount {shown!r} is not a number"
    return f"amount {shown!r} is not written like 1234.50 (digits 0-9 and one '.' only)"


def allocate_evenly(total: Decimal, parts: int, currency: str) -> list[Decimal]:
    """Split `total` into `parts` amounts that differ by at most one minor unit.

    The earlier parts are rounded down and the remainder goes to the last ones, so the
    parts always add up to `total` exactly (used for instalments and percentage milestones).
    """
    if parts < 1:
        raise ValueError("parts must be at least 1")
    unit = quantum(currency)
    base = (total / parts).quantize(unit, rounding=ROUND_DOWN)
    remainder_units = int((total - base * parts) / unit)
    return [base + (unit if i >= parts - remainder_units else 0) for i in range(parts)]


def percent_of(total: Decimal, percent: Decimal, currency: str) -> Decimal:
    """`percent` % of `total`, rounded half-up to the currency's unit."""
    return round_money(total * percent / Decimal(100), currency, Rounding.HALF_UP)
