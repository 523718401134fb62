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
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

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


def parse_amount(text: str, currency: str, *, allow_zero: bool = False) -> Decimal:
    """Read an amount written with `.` as the decimal point, exact to the currency's unit.

    Refuses (with `MoneyError`) an empty, non-numeric, negative or too precise amount;
    zero only when `allow_zero`. Thousands separators are refused rather than guessed.
    """
    raw = (text or "").strip()
    if not raw:
        raise MoneyError("amount is missing")
    if "," in raw:
        raise MoneyError(f"amount {raw!r} contains a comma; write it like 1234.50")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MoneyError(f"amount {raw!r} is not a number") from None
    if not value.is_finite():
        raise MoneyError(f"amount {raw!r} is not a number")
    if value < 0:
        raise MoneyError(f"amount {raw} is negative")
    if value >= MAX_AMOUNT:
        raise MoneyError(f"amount {raw} is too large")
    if value == 0 and not allow_zero:
        raise MoneyError("amount is zero")
    if not is_exact(value, currency):
        units = minor_units(currency)
        if units == 0:
            raise MoneyError(f"amount {raw} has decimals but {currency} has no minor units")
        raise MoneyError(f"amount {raw} has more than {units} decimals for {currency}")
    return round_money(value, currency)


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
