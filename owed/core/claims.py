"""Where a claim can go: small-claims limits as dated data, and a factoring quote.

The limits ship in ``owed/core/data/small_claims.csv`` with the columns
``jurisdiction,party_kind,currency,limit,valid_from,source,procedure``. ``party_kind`` is
``any``, ``individual`` or ``business`` and means the claimant (California's limit
depends on who sues); an empty ``limit`` means the procedure has no amount limit. A row
applies from its ``valid_from`` until a later row for the same jurisdiction and kind. A
source marked ``(secondary)`` is flagged in the check's warning. The rules and their
sources are in the project's legal research (LAW.md, section 2).
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Final, Literal

from owed.core.basis import Caveat, CaveatCode, _
from owed.core.money import Rounding, check_currency, round_money

PartyKind = Literal["any", "individual", "business"]

_COLUMNS: Final = (
    "jurisdiction", "party_kind", "currency", "limit", "valid_from", "source", "procedure",
)  # fmt: skip
_KINDS: Final = ("any", "individual", "business")

_C_ABOVE = _(
    "The claim of {amount} {currency} is above the limit of {limit} {currency} ({procedure})."
)
_C_NONE = _("owed knows no small-claims procedure for {jurisdiction} on {on}.")
_C_SECONDARY = _(
    "The limit of {limit} {currency} ({procedure}) comes from a secondary source; check "
    "it with the court."
)
_C_CONDITIONS = _(
    "There is no amount limit ({procedure}), but the facts must be simple, the defendant "
    "must admit the obligation and no party may be abroad."
)


class ClaimError(ValueError):
    """A claim check that cannot be made, with a message fit for a user."""


@dataclass(frozen=True, slots=True)
class SmallClaimsLimit:
    jurisdiction: str
    party_kind: PartyKind
    currency: str
    limit: Decimal | None
    """None: the procedure has no amount limit."""
    valid_from: date
    source: str
    procedure: str


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """Whether a claim fits a jurisdiction's small-claims (or simplified) procedure."""

    fits: bool
    limit: Decimal | None
    procedure: str | None
    warning: Caveat | None


@dataclass(frozen=True, slots=True)
class Quote:
    """A factoring offer on one balance.

    `advance` is paid now, `reserve` (balance - advance) when the client pays, less the
    `fee`; `net` = balance - fee is what the seller receives in all.
    """

    advance: Decimal
    fee: Decimal
    reserve: Decimal
    net: Decimal


@functools.cache
def small_claims_limits() -> tuple[SmallClaimsLimit, ...]:
    """Every shipped limit, as read from the CSV file."""
    text = resources.files("owed.core.data").joinpath("small_claims.csv").read_text("utf-8")
    return parse_limits(text)


def parse_limits(text: str) -> tuple[SmallClaimsLimit, ...]:
    """Read small-claims limits from CSV text with the shipped file's columns."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ClaimError(f"small-claims limits: the columns must be {','.join(_COLUMNS)}")
    limits = []
    for line, row in enumerate(reader, start=2):
        try:
            kind = row["party_kind"].strip()
            if kind not in _KINDS:
                raise ValueError(f"party kind {kind!r} is not one of {', '.join(_KINDS)}")
            raw_limit = row["limit"].strip()
            limits.append(
                SmallClaimsLimit(
                    jurisdiction=row["jurisdiction"].strip(),
                    party_kind=kind,  # type: ignore[arg-type]
                    currency=check_currency(row["currency"]),
                    limit=Decimal(raw_limit) if raw_limit else None,
                    valid_from=date.fromisoformat(row["valid_from"].strip()),
                    source=row["source"].strip(),
                    procedure=row["procedure"].strip(),
                )
            )
        except (ValueError, ArithmeticError) as error:
            raise ClaimError(f"small-claims limits, line {line}: {error}") from error
    return tuple(limits)


def small_claims_limit(
    jurisdiction: str, on: date, party_kind: PartyKind = "any"
) -> SmallClaimsLimit | None:
    """The limit in force on `on` for a claimant of `party_kind`, or None if owed knows none.

    A row for the claimant's own kind wins over an ``any`` row. Raises `ClaimError` when
    the jurisdiction's limit depends on the kind of claimant and `party_kind` is ``any``.
    """
    if party_kind not in _KINDS:
        raise ClaimError(f"party kind {party_kind!r} is not one of {', '.join(_KINDS)}")
    rows = [
        row
        for row in small_claims_limits()
        if row.jurisdiction == jurisdiction and row.valid_from <= on
    ]
    if party_kind == "any" and rows and all(row.party_kind != "any" for row in rows):
        raise ClaimError(
            f"the small-claims limit in {jurisdiction} depends on who claims; "
            "say whether the claimant is an individual or a business"
        )
    for kind in (party_kind, "any"):
        matching = [row for row in rows if row.party_kind == kind]
        if matching:
            return max(matching, key=lambda row: row.valid_from)
    return None


def check_claim(
    amount: Decimal, currency: str, jurisdiction: str, on: date, party_kind: PartyKind = "any"
) -> ClaimCheck:
    """Whether a claim of `amount` fits the small-claims procedure in force on `on`.

    `amount` is compared as given: several courts leave interest and costs out of the
    limit (Florida, New York City), so pass the principal claimed there.
    """
    currency = check_currency(currency)
    found = small_claims_limit(jurisdiction, on, party_kind)
    if found is None:
        values = {"jurisdiction": jurisdiction, "on": on.isoformat()}
        return ClaimCheck(False, None, None, Caveat(CaveatCode.NO_LIMIT_KNOWN, _C_NONE, values))
    if found.currency != currency:
        raise ClaimError(
            f"the {found.procedure} limit is in {found.currency}; "
            f"the claim is in {currency}: convert it first"
        )
    values = {"procedure": found.procedure, "currency": currency}
    if found.limit is None:
        warning = Caveat(CaveatCode.PROCEDURE_CONDITIONS, _C_CONDITIONS, values)
        return ClaimCheck(True, None, found.procedure, warning)
    values["limit"] = format(found.limit, "f")
    if amount > found.limit:
        values["amount"] = format(amount, "f")
        warning = Caveat(CaveatCode.ABOVE_LIMIT, _C_ABOVE, values)
        return ClaimCheck(False, found.limit, found.procedure, warning)
    warning = None
    if "(secondary)" in found.source:
        warning = Caveat(CaveatCode.SECONDARY_SOURCE, _C_SECONDARY, values)
    return ClaimCheck(True, found.limit, found.procedure, warning)


def factoring_quote(
    balance: Decimal, currency: str, advance_percent: Decimal, fee_percent: Decimal
) -> Quote:
    """What a factor would pay on `balance`: `advance_percent` now, the rest less a fee.

    The advance is rounded down (`Rounding.DOWN`), never promising more than the
    percentage; the fee is rounded half-up like an invoice line.
    """
    currency = check_currency(currency)
    if balance < 0:
        raise ClaimError("a factored balance cannot be negative")
    for name, percent in (("advance", advance_percent), ("fee", fee_percent)):
        if not 0 <= percent <= 100:
            raise ClaimError(f"the {name} percentage must be between 0 and 100, not {percent}")
    advance = round_money(balance * advance_percent / 100, currency, Rounding.DOWN)
    fee = round_money(balance * fee_percent / 100, currency, Rounding.HALF_UP)
    return Quote(advance=advance, fee=fee, reserve=balance - advance, net=balance - fee)
