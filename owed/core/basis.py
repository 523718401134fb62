"""The legal ground and the warnings a calculation returns, as translatable templates.

A result names its legal ground with a `Basis` (a law key, a citation and a sentence) and
flags what the user should know with `Caveat`s (a stable `CaveatCode` and a sentence).
The sentences are English templates with named values such as ``{rate}``, so the web
layer can translate a template first and fill in its values after; `text` fills them
in untranslated. `_` only marks the templates for Django's makemessages, and
`format_figure` writes the numbers that go into them.

The templates the interest calculation and the contractual terms use are here, so both
share one catalogue; they stay private to owed's core. This module imports nothing from
the modules that use it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

import jdatetime

__all__ = [
    "Basis",
    "Caveat",
    "CaveatCode",
    "InterestError",
    "Reason",
    "format_figure",
    "missing_rate",
]


def _(text: str) -> str:
    """Mark `text` for translation; it is returned unchanged (no Django here)."""
    return text


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a calculation cannot be made, for a user: a translatable sentence."""

    template: str
    values: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def text(self) -> str:
        """The sentence in English, with its values filled in."""
        return self.template.format_map(self.values)


class InterestError(ValueError):
    """Input a calculation cannot use, with a message fit for a user.

    Raised with a `Reason` for what a user's own data can cause (a debt in the wrong
    currency for the law, a figure the law needs and the ledger lacks): `reason` is then
    the translatable sentence and the message its English. Raised with plain English for
    input only a program gives (a negative principal, an unknown law key).
    """

    def __init__(self, message: str | Reason) -> None:
        self.reason = message if isinstance(message, Reason) else None
        super().__init__(message.text() if isinstance(message, Reason) else message)


def format_figure(number: Decimal) -> str:
    """A plain number for a message: no exponent, no trailing zeros, and "0" for -0."""
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


class CaveatCode(enum.StrEnum):
    """What a `Caveat` warns of: stable across languages and template wording."""

    CONSUMER_DEBT = "consumer_debt"
    RATE_CAPPED = "rate_capped"
    CONTRACT_DISPLACES_ACT = "contract_displaces_act"
    RATE_FLOOR = "rate_floor"
    COMPENSATION_CURRENCY = "compensation_currency"
    REFERENCE_GIVEN = "reference_given"
    RATE_REVIEW = "rate_review"
    MARKET_RATE = "market_rate"
    INDEX_CONDITIONS = "index_conditions"
    NO_DEMAND = "no_demand"
    OVERPAID = "overpaid"
    PENALTY_CAPPED = "penalty_capped"
    ABOVE_LIMIT = "above_limit"
    SECONDARY_SOURCE = "secondary_source"
    NO_LIMIT_KNOWN = "no_limit_known"
    PROCEDURE_CONDITIONS = "procedure_conditions"


@dataclass(frozen=True, slots=True)
class Basis:
    """The legal ground of a result: a law key, a citation and a translatable sentence."""

    law: str
    citation: str
    template: str
    values: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def text(self) -> str:
        """The sentence in English, with its values filled in."""
        return self.template.format_map(self.values)


@dataclass(frozen=True, slots=True)
class Caveat:
    """A warning attached to a result: a stable code and a translatable sentence."""

    code: CaveatCode
    template: str
    values: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def text(self) -> str:
        """The sentence in English, with its values filled in."""
        return self.template.format_map(self.values)


# Basis templates: one per way of computing, reused across laws with their own citation.
_T_GB = _(
    "Statutory interest under the Late Payment of Commercial Debts (Interest) Act 1998: "
    "Bank of England rate of {reference}% on {reference_date} plus 8 points, {rate}% a "
    "year, simple, fixed for the life of the debt."
)
_T_ECB = _(
    "Statutory interest: the ECB main refinancing rate in force on 1 January or 1 July "
    "of each half-year plus {margin} points, simple; {rate}% a year in the last period."
)
_T_DE = _(
    "Statutory interest: the German base rate (Basiszinssatz) of each half-year plus "
    "{margin} points, simple; {rate}% a year in the last period."
)
_T_FL = _(
    "Statutory interest at the rate the Florida Chief Financial Officer sets for each "
    "quarter, simple; {rate}% a year in the last period."
)
_T_FIXED = _("Statutory interest at {rate}% a year, simple, from {start}.")
_T_TH = _(
    "Statutory default interest at 7.5% a year for days before 11 April 2021 and 5% a "
    "year from that day, simple, with no interest on interest."
)
_T_MARKET = _(
    "Interest at the average market rate for overdue loans at the time of payment, "
    "{rate}% a year, simple, from {start}."
)
_T_CONTRACT = _("Contractual interest at {rate}% a year, simple, from {start}.")
_T_IR = _(
    "Late-payment damages: the debt adjusted by the Central Bank annual price index, "
    "{index_until} for the year {until_year} against {index_due} for the year {due_year}."
)
_T_NONE = _("No statutory interest is added to this debt under this law.")

# Caveat templates: one per warning, each with the values it names.
_C_GB_CONSUMER = _(
    "The 1998 Act covers debts between businesses only, so no statutory interest is "
    "added. A court may award simple interest on a claim, usually 8% a year (County "
    "Courts Act 1984 s.69)."
)
_C_EU_CONSUMER = _(
    "The late-payment rules cover debts between businesses and with public bodies only; "
    "interest on a consumer debt depends on national law and is not added here."
)
_C_CAPPED = _(
    "The agreed rate of {agreed}% a year is above the {cap}% cap ({citation}); {cap}% is used."
)
_C_DISPLACES = _(
    "The contract rate replaces statutory interest only if it is a substantial remedy "
    "(Late Payment Act s.8-9); otherwise the statutory rate and the fixed sum apply."
)
_C_FLOOR = _(
    "An agreed rate may not be lower than three times the French legal interest rate "
    "(Code de commerce L441-10)."
)
_C_COMPENSATION = _(
    "The fixed compensation of {amount} {fixed_currency} is not added to a debt in "
    "{currency}; claim it separately at the exchange rate of the day."
)
_C_REFERENCE = _(
    "The reference rate of {reference}% was given for this calculation instead of the "
    "{table} table."
)
_C_TH_REVIEW = _(
    "The 3% base rate behind the 5% is reviewed every three years (Civil and Commercial "
    "Code s.7); owed could not confirm the outcome of the 2024 review, so check the rate "
    "for days from 11 April 2024."
)
_C_MARKET = _(
    "Courts take the average overdue-lending rate of at least three local commercial "
    "banks (Resolution 01/2019/NQ-HĐTP Art. 11)."
)
_C_INDEX = _(
    "Damages under Art. 522 also need the debtor's ability to pay and a refusal, and "
    "the parties may agree otherwise."
)
_C_NO_DEMAND = _(
    "No demand for payment had been made by {until}; damages run only once the "
    "creditor has demanded payment."
)
_C_OVERPAID = _("The payments exceed the claim by {amount} {currency}.")
_C_PENALTY = _(
    "The agreed penalty ({agreed}%) is above the {cap}% cap ({citation}); the penalty "
    "is {cap}% of the breached obligation."
)

# Reasons: why a calculation cannot be made, each with the values it names.
_R_IR_CURRENCY = _(
    "Damages under Art. 522 of the Civil Procedure Code apply to debts in rials only, "
    "and this debt is in {currency}."
)
_R_IR_NO_DEMAND = _(
    "Damages under Art. 522 of the Civil Procedure Code run only from the day payment "
    "was demanded, and no demand for payment has been made yet."
)
_R_IR_CONTRACT_RATE = _(
    "Under Iranian law only the index-based damages of Art. 522 are worked out, not "
    "interest at an agreed rate: charge an agreed amount as a late fee instead."
)
_R_MARKET_RATE = _(
    "Interest under the Commercial Law 2005 (Art. 306) needs the average market rate "
    "for overdue loans at the time of payment, and none was given."
)
_R_NO_RATE = _("No rate of the {table} table is known for {day}: add the one in force that day.")
_R_NO_RATES: dict[str, str] = {
    "boe": _(
        "The Bank of England Bank Rate in force on {day} is not known: add it as a rate "
        "of your own."
    ),
    "ecb_mro": _(
        "The ECB main refinancing rate in force on {day} is not known: add it as a rate "
        "of your own."
    ),
    "de_base": _(
        "The German base rate in force on {day} is not known: add it as a rate of your own."
    ),
    "fl_statutory": _(
        "The Florida statutory interest rate for {day} is not known: add it as a rate of your own."
    ),
    "ir_cbi_index": _(
        "The Central Bank of Iran's annual price index for the year {year} is not known: "
        "add the index the Central Bank announced for that year as a rate of your own."
    ),
}


def missing_rate(table: str, day: date) -> Reason:
    """The reason for a rate `table` (`owed.core.rates.TABLES`) lacks for `day`."""
    template = _R_NO_RATES.get(table)
    if template is None:
        return Reason(_R_NO_RATE, {"table": table, "day": day.isoformat()})
    if table == "ir_cbi_index":  # one index a Solar Hijri year
        return Reason(template, {"year": str(jdatetime.date.fromgregorian(date=day).year)})
    return Reason(template, {"day": day.isoformat()})
