"""Contractual terms a law limits: agreed interest rates, penalties and step fees.

`check_contract_rate` caps an agreed yearly rate where the law caps it (VN 20 %, TH 15 %,
US-TX 10 %); `contract_penalty` is a Vietnamese contractual penalty, capped at 8 % under
the Commercial Law; `step_fee` is what a dunning step charges. A capped figure comes with
a `Caveat` saying so, and input none of them can use raises `InterestError`. Interest at
an agreed rate is `interest.contract_interest`, and `interest.statutory_interest` applies
these caps to a `contract_rate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from owed.core.basis import _C_CAPPED, _C_PENALTY, Caveat, CaveatCode, InterestError, format_figure
from owed.core.money import check_currency, percent_of, round_money

__all__ = ["CapCheck", "Penalty", "check_contract_rate", "contract_penalty", "step_fee"]

_CAPS: Final[dict[str, tuple[Decimal, str]]] = {
    "VN": (Decimal(20), "Civil Code 2015 Art. 468(1)"),
    "TH": (Decimal(15), "contract-rate cap of 15% a year, secondary source"),
    "US-TX": (Decimal(10), "Texas Finance Code §302.001(b)"),
}
_PENALTY_CAP: Final = (Decimal(8), "Commercial Law 2005 Art. 301")


@dataclass(frozen=True, slots=True)
class CapCheck:
    """An agreed yearly rate checked against a law's cap; `rate` is the one to use."""

    agreed: Decimal
    rate: Decimal
    cap: Decimal | None
    warning: Caveat | None


@dataclass(frozen=True, slots=True)
class Penalty:
    """A contractual penalty: `amount` is `percent` % of the breached obligation."""

    amount: Decimal
    percent: Decimal
    warning: Caveat | None


def check_contract_rate(law: str, yearly_rate: Decimal) -> CapCheck:
    """`yearly_rate` capped where `law` caps agreed rates (VN 20 %, TH 15 %, US-TX 10 %)."""
    if yearly_rate < 0:
        raise InterestError("an agreed interest rate cannot be negative")
    cap, citation = _CAPS.get(law, (None, ""))
    if cap is None or yearly_rate <= cap:
        return CapCheck(yearly_rate, yearly_rate, cap, None)
    values = {"agreed": format_figure(yearly_rate), "cap": format_figure(cap), "citation": citation}
    return CapCheck(yearly_rate, cap, cap, Caveat(CaveatCode.RATE_CAPPED, _C_CAPPED, values))


def contract_penalty(
    obligation: Decimal, currency: str, percent: Decimal, *, law: str = "VN-COMMERCIAL"
) -> Penalty:
    """A penalty of `percent` % of the breached `obligation`, rounded half-up.

    VN-COMMERCIAL caps it at 8 % (Commercial Law 2005 Art. 301), with a warning when the
    agreed figure is higher; VN (a civil contract, Civil Code Art. 418) has no cap.
    """
    if law not in ("VN", "VN-COMMERCIAL"):
        raise InterestError(f"owed has no rule for contractual penalties under {law}")
    if obligation < 0 or percent < 0:
        raise InterestError("a penalty needs an obligation and a percentage of zero or more")
    cap, citation = _PENALTY_CAP
    if law == "VN" or percent <= cap:
        return Penalty(percent_of(obligation, percent, check_currency(currency)), percent, None)
    values = {"agreed": format_figure(percent), "cap": format_figure(cap), "citation": citation}
    warning = Caveat(CaveatCode.PENALTY_CAPPED, _C_PENALTY, values)
    return Penalty(percent_of(obligation, cap, check_currency(currency)), cap, warning)


def step_fee(
    fixed: Decimal | None, percent: Decimal | None, balance: Decimal, currency: str
) -> Decimal:
    """A step's fee: `fixed` plus `percent` % of `balance`, rounded half-up like a line."""
    currency = check_currency(currency)
    if (fixed or 0) < 0 or (percent or 0) < 0 or balance < 0:
        raise InterestError("a fee, its percentage and the balance cannot be negative")
    fee = (fixed or Decimal(0)) + (percent_of(balance, percent, currency) if percent else 0)
    return round_money(fee, currency)
