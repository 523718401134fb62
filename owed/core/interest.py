"""Statutory and contractual interest on a late debt, and the fixed compensation.

`statutory_interest` computes what the law of one jurisdiction adds to a late debt; each
law is a small function below it. The conventions every law here shares:

- **Days.** Interest runs from the day after the due date (US-TX: from the 30th day
  after it) up to and including `until`, so a debt paid on `until` bears interest for
  ``(until - due).days`` days. Nothing is due when `until` is on or before the due date.
- **Day count.** Simple interest, actual/365: a day's interest is
  ``balance × rate / 100 / 365``, in leap years too (the GOV.UK method). Interest never
  earns interest.
- **Rounding.** Each period accrues unrounded; `InterestResult.interest` is their sum
  rounded once to the currency's minor unit with `Rounding.HALF_EVEN` (whole dong and
  whole rials for VND and IRR).
- **Part-payments.** A payment on day P counts from day P + 1 (a debt paid in full on P
  bears interest up to P, like ``until=P``). ``principal_first`` (the default, except DE)
  pays principal, then interest, then compensation; ``costs_interest_principal`` (BGB
  §367, the default for DE) pays compensation, then accrued interest, then principal.
  Interest accrues on the principal still unpaid. Payments after `until` are left out.

Results carry their legal basis and warnings as templates with named values (`Basis`,
`Caveat`), so the web layer can translate them; those classes and the templates live in
`owed.core.basis`. Caps on agreed rates, contractual penalties and step fees live in
`owed.core.terms`. Both modules' public names are re-exported here, so imports from this
module keep working. The sources are in the project's legal research (LAW.md, s.1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, Literal

import jdatetime

from owed.core.basis import (
    _C_COMPENSATION,
    _C_DISPLACES,
    _C_EU_CONSUMER,
    _C_FLOOR,
    _C_GB_CONSUMER,
    _C_INDEX,
    _C_MARKET,
    _C_NO_DEMAND,
    _C_OVERPAID,
    _C_REFERENCE,
    _C_TH_REVIEW,
    _R_IR_CONTRACT_RATE,
    _R_IR_CURRENCY,
    _R_IR_NO_DEMAND,
    _R_MARKET_RATE,
    _T_CONTRACT,
    _T_DE,
    _T_ECB,
    _T_FIXED,
    _T_FL,
    _T_GB,
    _T_IR,
    _T_MARKET,
    _T_NONE,
    _T_TH,
    Basis,
    Caveat,
    CaveatCode,
    InterestError,
    Reason,
    format_figure,
)
from owed.core.money import Rounding, check_currency, is_exact, round_money
from owed.core.rates import RateRow, RateTable, default_tables
from owed.core.terms import CapCheck, Penalty, check_contract_rate, contract_penalty, step_fee

__all__ = [
    "LAWS",
    "Accrue",
    "Allocation",
    "Basis",
    "CapCheck",
    "Caveat",
    "CaveatCode",
    "Compensation",
    "Debtor",
    "InterestError",
    "InterestResult",
    "Payment",
    "Penalty",
    "Period",
    "RateOn",
    "Reason",
    "check_contract_rate",
    "contract_interest",
    "contract_penalty",
    "format_figure",
    "statutory_interest",
    "step_fee",
]

LAWS: Final = (
    "GB", "EU", "DE", "FR", "US-NY", "US-CA", "US-TX", "US-IL", "US-MA", "US-FL",
    "VN", "VN-COMMERCIAL", "TH", "IR",
)  # fmt: skip
Debtor = Literal["b2b", "b2c"]
Allocation = Literal["costs_interest_principal", "principal_first"]
Payment = tuple[date, Decimal]

_DAYS_IN_YEAR: Final = Decimal(365)
_HUNDRED: Final = Decimal(100)
_TH_REFORM: Final = date(2021, 4, 11)
_TH_REVIEW: Final = date(2024, 4, 11)


@dataclass(frozen=True, slots=True)
class Period:
    """Days `start` to `end` (both included) at one rate on one balance.

    `amount` is unrounded; `rate` is None for IR, where the index ratio stands in for it.
    """

    start: date
    end: date
    days: int
    rate: Decimal | None
    amount: Decimal
    rate_row: RateRow | None
    balance: Decimal
    """The principal still unpaid during the period."""


@dataclass(frozen=True, slots=True)
class InterestResult:
    """What a law adds to a late debt, up to and including `until`.

    `interest` is the sum of the periods rounded once, half-even, to the currency's unit.
    `total` is principal + interest + compensation; `paid` is the payments up to `until`
    and `outstanding` is what is still owed (never below zero). `rate` is the headline
    yearly rate: the fixed rate, or the last period's; None where no rate applies.
    """

    law: str
    currency: str
    principal: Decimal
    rate: Decimal | None
    days: int
    interest: Decimal
    compensation: Decimal
    total: Decimal
    periods: tuple[Period, ...]
    rates_used: tuple[RateRow, ...]
    basis: Basis
    warnings: tuple[Caveat, ...]
    paid: Decimal
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class _Accrual:
    amount: Decimal
    rate: Decimal | None
    row: RateRow | None


Accrue = Callable[[Decimal, date, date], _Accrual]
"""(balance, first day, last day) -> the interest on that balance over those days."""


@dataclass(frozen=True, slots=True)
class _Debt:
    """The inputs every law shares, checked once."""

    law: str
    principal: Decimal
    currency: str
    due: date
    until: date
    payments: tuple[Payment, ...]
    allocation: Allocation


RateOn = Callable[[date], tuple[Decimal, RateRow | None]]
"""A day -> the yearly rate for it and the table row it comes from (None: a fixed rate)."""
Compensation = Callable[[Decimal], Decimal]
"""The principal unpaid when interest starts -> the fixed compensation owed on it."""


def _at(rate_on: RateOn) -> Accrue:
    """Simple interest, actual/365, at the rate `rate_on` gives for a period's first day."""

    def accrue(balance: Decimal, start: date, end: date) -> _Accrual:
        rate, row = rate_on(start)
        days = (end - start).days + 1
        return _Accrual(balance * rate * days / _HUNDRED / _DAYS_IN_YEAR, rate, row)

    return accrue


def _resets(first: date, until: date, months: tuple[int, ...]) -> list[date]:
    """The first days of `months` after `first`, up to `until`: where a rate is re-set."""
    return [
        day
        for year in range(first.year, until.year + 1)
        for month in months
        if first < (day := date(year, month, 1)) <= until
    ]


@dataclass
class _Ledger:
    """The running state of one debt while periods accrue and payments arrive."""

    balance: Decimal
    allocation: Allocation
    accrued: Decimal = Decimal(0)
    interest_paid: Decimal = Decimal(0)
    compensation: Decimal = Decimal(0)
    compensation_paid: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)

    def pay(self, amount: Decimal) -> None:
        self.paid += amount
        order = ("principal", "interest", "compensation")
        if self.allocation == "costs_interest_principal":
            order = ("compensation", "interest", "principal")
        for part in order:
            if part == "principal":
                share = min(amount, self.balance)
                self.balance -= share
            elif part == "interest":
                share = min(amount, max(self.accrued - self.interest_paid, Decimal(0)))
                self.interest_paid += share
            else:
                share = min(amount, self.compensation - self.compensation_paid)
                self.compensation_paid += share
            amount -= share


def _run(
    debt: _Debt,
    first_day: date,
    accrue: Accrue | None,
    breaks: Sequence[date],
    compensation: Compensation | None,
) -> tuple[_Ledger, tuple[Period, ...]]:
    """Accrue `debt` from `first_day` to `until`, a period between breaks and payments.

    Compensation is owed only if some principal is unpaid on `first_day` (the debt is
    late), computed from that unpaid principal. With no `accrue` nothing accrues, but the
    payments still count.
    """
    ledger = _Ledger(debt.principal, debt.allocation)
    payments = [p for p in debt.payments if p[0] <= debt.until]
    for _day, amount in (p for p in payments if p[0] < first_day):
        ledger.pay(amount)
    if accrue is None or debt.until < first_day or ledger.balance <= 0:
        for _day, amount in (p for p in payments if p[0] >= first_day):
            ledger.pay(amount)
        return ledger, ()
    if compensation is not None:
        ledger.compensation = compensation(ledger.balance)
    after = {day + timedelta(days=1) for day, _amount in payments}
    stops = sorted({day for day in (*breaks, *after) if first_day < day <= debt.until})
    periods: list[Period] = []
    start = first_day
    for stop in [*stops, debt.until + timedelta(days=1)]:
        end = stop - timedelta(days=1)
        if ledger.balance > 0:
            got = accrue(ledger.balance, start, end)
            ledger.accrued += got.amount
            days = (end - start).days + 1
            periods.append(Period(start, end, days, got.rate, got.amount, got.row, ledger.balance))
        for _day, amount in (p for p in payments if p[0] == end):
            ledger.pay(amount)
        start = stop
    return ledger, tuple(periods)


def _compute(
    debt: _Debt,
    citation: str,
    template: str,
    *,
    rate_on: RateOn | None = None,
    accrue: Accrue | None = None,
    start_after_days: int = 1,
    reset_months: tuple[int, ...] = (),
    breaks: Sequence[date] = (),
    compensation: Compensation | None = None,
    values: Mapping[str, str] | None = None,
    extra_rows: Sequence[RateRow] = (),
    warnings: Sequence[Caveat] = (),
) -> InterestResult:
    """Run one law's rule over `debt` and build its result.

    The headline `rate` is the last period's rate (or, with no period yet, the rate for
    the first interest day); the basis gets it as ``{rate}`` and the first interest day
    as ``{start}``.
    """
    first_day = debt.due + timedelta(days=start_after_days)
    if rate_on is not None:
        accrue = _at(rate_on)
    breaks = [*breaks, *_resets(first_day, debt.until, reset_months)]
    ledger, periods = _run(debt, first_day, accrue, breaks, compensation)
    rate = None
    if rate_on is not None:
        rate = periods[-1].rate if periods else rate_on(first_day)[0]
    interest = round_money(max(ledger.accrued, Decimal(0)), debt.currency, Rounding.HALF_EVEN)
    total = debt.principal + interest + ledger.compensation
    notes = list(warnings)
    if ledger.paid > total:
        excess = format(round_money(ledger.paid - total, debt.currency), "f")
        values_ = {"amount": excess, "currency": debt.currency}
        notes.append(Caveat(CaveatCode.OVERPAID, _C_OVERPAID, values_))
    rows: list[RateRow] = []
    for row in (*extra_rows, *(period.rate_row for period in periods)):
        if row is not None and row not in rows:
            rows.append(row)
    shown = {
        "rate": format_figure(rate) if rate is not None else "",
        "start": first_day.isoformat(),
    }
    return InterestResult(
        law=debt.law,
        currency=debt.currency,
        principal=debt.principal,
        rate=rate,
        days=max((debt.until - first_day).days + 1, 0),
        interest=interest,
        compensation=ledger.compensation,
        total=total,
        periods=periods,
        rates_used=tuple(rows),
        basis=Basis(debt.law, citation, template, {**shown, **(values or {})}),
        warnings=tuple(notes),
        paid=ledger.paid,
        outstanding=max(total - ledger.paid, Decimal(0)),
    )


def _fixed(rate: Decimal) -> RateOn:
    return lambda _day: (rate, None)


def _gb_fixed_sum(balance: Decimal) -> Decimal:
    """The Act's fixed sum per debt: GBP 40 below 1,000, 70 below 10,000, else 100."""
    if balance < 1000:
        return Decimal(40)
    return Decimal(70) if balance < 10000 else Decimal(100)


def _eur_40(_balance: Decimal) -> Decimal:
    return Decimal(40)


def _compensation_in(
    debt: _Debt, fixed_currency: str, rule: Compensation
) -> tuple[Compensation | None, list[Caveat]]:
    """`rule` for a debt in `fixed_currency`; for another currency none, with a warning."""
    if debt.currency == fixed_currency:
        return rule, []
    values = {"amount": format_figure(rule(debt.principal)), "fixed_currency": fixed_currency}
    values["currency"] = debt.currency
    return None, [Caveat(CaveatCode.COMPENSATION_CURRENCY, _C_COMPENSATION, values)]


def _reference_given(reference: Decimal, table: RateTable) -> Caveat:
    values = {"reference": format_figure(reference), "table": table.title}
    return Caveat(CaveatCode.REFERENCE_GIVEN, _C_REFERENCE, values)


def _consumer(debt: _Debt, citation: str, template: str) -> InterestResult:
    """No statutory interest: the law covers business debts only."""
    note = Caveat(CaveatCode.CONSUMER_DEBT, template)
    return _compute(debt, citation, _T_NONE, warnings=[note])


def _gb(
    debt: _Debt, *, debtor: Debtor, boe: RateTable, reference: Decimal | None
) -> InterestResult:
    """Late Payment of Commercial Debts (Interest) Act 1998, business debts only.

    The reference is the Bank of England rate in force on 30 June (interest starting
    1 July-31 December) or 31 December (starting 1 January-30 June) immediately before
    interest starts; the rate is that plus 8 points, fixed for the life of the debt.
    Fixed sum per debt: GBP 40, 70 or 100.
    """
    citation = "Late Payment of Commercial Debts (Interest) Act 1998"
    if debtor == "b2c":
        return _consumer(debt, citation + " s.2", _C_GB_CONSUMER)
    starts = debt.due + timedelta(days=1)
    on = date(starts.year - 1, 12, 31) if starts.month <= 6 else date(starts.year, 6, 30)
    row = None if reference is not None else boe.rate_on(on)
    notes = [] if row else [_reference_given(reference or Decimal(0), boe)]
    base = row.rate if row else reference or Decimal(0)
    compensation, more = _compensation_in(debt, "GBP", _gb_fixed_sum)
    values = {"reference": format_figure(base), "reference_date": on.isoformat()}
    return _compute(
        debt,
        citation + "; SI 2002/1675 art 4",
        _T_GB,
        rate_on=lambda _day: (base + 8, row),
        compensation=compensation,
        values=values,
        warnings=[*notes, *more],
    )


def _half_yearly(
    debt: _Debt,
    *,
    debtor: Debtor,
    table: RateTable,
    margin: Decimal,
    citation: str,
    template: str,
    reference: Decimal | None,
) -> InterestResult:
    """A reference rate re-set each half-year plus `margin` points, simple (EU, DE, FR).

    For ``ecb_mro`` the reference is the rate in force on 1 January (for January-June)
    or 1 July (for July-December); ``de_base`` has one row per half-year. Interest is
    summed period by period. EUR 40 fixed compensation for business debtors only.
    """

    def rate_on(day: date) -> tuple[Decimal, RateRow | None]:
        if reference is not None:
            return reference + margin, None
        row = table.rate_on(date(day.year, 1 if day.month <= 6 else 7, 1))
        return row.rate + margin, row

    notes = [] if reference is None else [_reference_given(reference, table)]
    compensation = None
    if debtor == "b2b":
        compensation, more = _compensation_in(debt, "EUR", _eur_40)
        notes.extend(more)
    return _compute(
        debt,
        citation,
        template,
        rate_on=rate_on,
        reset_months=(1, 7),
        compensation=compensation,
        values={"margin": format_figure(margin)},
        warnings=notes,
    )


def _florida(debt: _Debt, *, table: RateTable, reference: Decimal | None) -> InterestResult:
    """Fla. Stat. §55.03: the rate the CFO sets for each quarter, re-set per quarter."""

    def rate_on(day: date) -> tuple[Decimal, RateRow | None]:
        if reference is not None:
            return reference, None
        row = table.rate_on(day)
        return row.rate, row

    notes = [] if reference is None else [_reference_given(reference, table)]
    return _compute(
        debt,
        "Fla. Stat. §55.03(1)",
        _T_FL,
        rate_on=rate_on,
        reset_months=(1, 4, 7, 10),
        warnings=notes,
    )


def _thai(debt: _Debt) -> InterestResult:
    """Civil and Commercial Code s.224 with s.7 as amended from 11 April 2021.

    Days before 11 April 2021 bear the old 7.5 % and days from it the new 5 %: a debt
    that crosses the date is split there rather than keeping 7.5 % for its whole life,
    reading LAW.md's "debts due before 11 Apr 2021: 7.5%" as the rate for those days.
    Simple interest, so never interest on interest.
    """

    def rate_on(day: date) -> tuple[Decimal, RateRow | None]:
        return (Decimal("7.5") if day < _TH_REFORM else Decimal(5)), None

    notes = [Caveat(CaveatCode.RATE_REVIEW, _C_TH_REVIEW)] if debt.until >= _TH_REVIEW else []
    return _compute(
        debt,
        "Civil and Commercial Code s.7, s.224 (as amended 2021)",
        _T_TH,
        rate_on=rate_on,
        breaks=[_TH_REFORM],
        warnings=notes,
    )


def _iran(debt: _Debt, *, demand_on: date | None, index: RateTable) -> InterestResult:
    """Civil Procedure Code 1379 Art. 522: the debt adjusted by the CBI annual index.

    Damages = principal × (index on `until` ÷ index on the due date) − principal, never
    below zero; the index on a day is the one for the Solar Hijri year containing it, so
    a debt paid within the year of its due date gets nothing. Rial debts only, and only
    once the creditor has demanded payment. A part-payment's share of principal is
    adjusted up to its payment day. The index of a year is published after it ends; for
    a day in a year the table lacks, `UnknownRateError` asks for the figure the court
    would use (a user row).
    """
    if debt.currency != "IRR":
        raise InterestError(Reason(_R_IR_CURRENCY, {"currency": debt.currency}))
    if demand_on is None:
        raise InterestError(Reason(_R_IR_NO_DEMAND))
    citation = "Civil Procedure Code 1379 Art. 522"
    notes = [Caveat(CaveatCode.INDEX_CONDITIONS, _C_INDEX)]
    if demand_on > debt.until:
        notes.append(Caveat(CaveatCode.NO_DEMAND, _C_NO_DEMAND, {"until": debt.until.isoformat()}))
        return _compute(debt, citation, _T_NONE, warnings=notes)
    due_row = index.rate_on(debt.due)
    until_row = index.rate_on(max(debt.until, debt.due))

    def accrue(balance: Decimal, start: date, end: date) -> _Accrual:
        before = index.rate_on(start - timedelta(days=1)).rate
        row = index.rate_on(end)
        return _Accrual(balance * (row.rate - before) / due_row.rate, None, row)

    values = {
        "index_due": format_figure(due_row.rate),
        "due_year": _solar_year(due_row.valid_from),
        "index_until": format_figure(until_row.rate),
        "until_year": _solar_year(until_row.valid_from),
    }
    return _compute(
        debt,
        citation,
        _T_IR,
        accrue=accrue,
        values=values,
        extra_rows=[due_row, until_row],
        warnings=notes,
    )


def _solar_year(day: date) -> str:
    return str(jdatetime.date.fromgregorian(date=day).year)


# Interest at an agreed rate ------------------------------------------------------------


def contract_interest(
    principal: Decimal,
    currency: str,
    due: date,
    until: date,
    yearly_rate: Decimal,
    *,
    payments: Sequence[Payment] = (),
    allocation: Allocation = "principal_first",
) -> InterestResult:
    """Interest at an agreed `yearly_rate`: simple, actual/365, from the day after `due`.

    No law's cap is applied here; `statutory_interest` with a `contract_rate` applies it.
    """
    if yearly_rate < 0:
        raise InterestError("an agreed interest rate cannot be negative")
    debt = _debt("CONTRACT", principal, currency, due, until, payments, allocation)
    return _compute(debt, "the contract", _T_CONTRACT, rate_on=_fixed(yearly_rate))


# The dispatcher ------------------------------------------------------------------------

_FIXED_LAWS: Final[dict[str, tuple[Decimal, str, int]]] = {
    "US-NY": (Decimal(9), "N.Y. CPLR 5004", 1),
    "US-CA": (Decimal(10), "Cal. Civ. Code §3289(b)", 1),
    "US-TX": (Decimal(6), "Texas Finance Code §302.002", 30),
    "US-IL": (Decimal(5), "815 ILCS 205/2", 1),
    "US-MA": (Decimal(12), "Mass. Gen. Laws c.231 §6C", 1),
    "VN": (Decimal(10), "Civil Code 2015 Art. 357(2), Art. 468(2)", 1),
}
_EU_CITATION: Final = "Directive 2011/7/EU Art. 2(6)-(7), 3(2), 6"
_FR_CITATION: Final = "Code de commerce L441-10"
# (law, debtor) -> the reference table, basis template, margin in points and citation of
# the laws whose rate is a half-yearly reference plus a margin. EU and FR consumers owe no
# statutory interest (their entry gives the citation for saying so).
_HALF_YEARLY: Final[dict[tuple[str, Debtor], tuple[str, str, Decimal, str]]] = {
    ("EU", "b2b"): ("ecb_mro", _T_ECB, Decimal(8), _EU_CITATION),
    ("EU", "b2c"): ("ecb_mro", _T_ECB, Decimal(8), _EU_CITATION),
    ("FR", "b2b"): ("ecb_mro", _T_ECB, Decimal(10), _FR_CITATION),
    ("FR", "b2c"): ("ecb_mro", _T_ECB, Decimal(10), _FR_CITATION),
    ("DE", "b2b"): ("de_base", _T_DE, Decimal(9), "BGB §288(2), §288(5), §247"),
    ("DE", "b2c"): ("de_base", _T_DE, Decimal(5), "BGB §288(1), §247"),
}
_CONTRACT_CITATIONS: Final[dict[str, str]] = {
    "GB": "Late Payment of Commercial Debts (Interest) Act 1998 s.8-9 (contractual remedy)",
    "VN": "Civil Code 2015 Art. 357(2), Art. 468(1)",
    "VN-COMMERCIAL": "Commercial Law 2005 Art. 306",
    "TH": "Civil and Commercial Code s.224",
}


def _debt(
    law: str,
    principal: Decimal,
    currency: str,
    due: date,
    until: date,
    payments: Sequence[Payment],
    allocation: Allocation | None,
) -> _Debt:
    currency = check_currency(currency)
    if not isinstance(principal, Decimal) or principal <= 0:
        raise InterestError(f"the principal must be a positive amount, not {principal!r}")
    if not is_exact(principal, currency):
        raise InterestError(f"the principal {principal} has more decimals than {currency} allows")
    for day, amount in payments:
        if not isinstance(amount, Decimal) or amount <= 0 or not is_exact(amount, currency):
            raise InterestError(
                f"the payment {amount!r} on {day} is not a positive {currency} amount"
            )
    if allocation is None:
        allocation = "costs_interest_principal" if law == "DE" else "principal_first"
    if allocation not in ("costs_interest_principal", "principal_first"):
        raise InterestError(f"unknown allocation {allocation!r}")
    ordered = tuple(sorted(payments, key=lambda payment: payment[0]))
    return _Debt(law, principal, currency, due, until, ordered, allocation)


def _table(tables: Mapping[str, RateTable], name: str, law: str) -> RateTable:
    if name not in tables:
        raise InterestError(f"interest under {law} needs the {name} rate table")
    return tables[name]


def statutory_interest(
    law: str,
    principal: Decimal,
    currency: str,
    due: date,
    until: date,
    *,
    debtor: Debtor = "b2b",
    tables: Mapping[str, RateTable] | None = None,
    demand_on: date | None = None,
    contract_rate: Decimal | None = None,
    market_rate: Decimal | None = None,
    payments: Sequence[Payment] = (),
    allocation: Allocation | None = None,
    reference_rate: Decimal | None = None,
) -> InterestResult:
    """What `law` adds to `principal` in `currency`, due on `due`, up to `until`.

    `tables` defaults to the shipped rate tables (`rates.default_tables`). A
    `contract_rate` takes precedence, capped where the law caps it
    (`check_contract_rate`); under GB it displaces the Act and its fixed sum.
    `reference_rate` replaces the table for GB, EU, DE, FR and US-FL in every period.
    VN-COMMERCIAL needs `market_rate` (unless a contract rate is given) and IR needs
    `demand_on`; other laws ignore `demand_on`. Raises `InterestError` for input the law
    cannot use and `rates.UnknownRateError` when a table lacks a rate it needs.
    """
    if law not in LAWS:
        raise InterestError(f"unknown law {law!r} (known: {', '.join(LAWS)})")
    if debtor not in ("b2b", "b2c"):
        raise InterestError(f"the debtor must be 'b2b' or 'b2c', not {debtor!r}")
    if reference_rate is not None and law not in ("GB", "EU", "DE", "FR", "US-FL"):
        raise InterestError(f"{law} has no reference rate to replace")
    if market_rate is not None and law != "VN-COMMERCIAL":
        raise InterestError("a market rate is used only under VN-COMMERCIAL")
    debt = _debt(law, principal, currency, due, until, payments, allocation)
    tables = default_tables() if tables is None else tables
    if contract_rate is not None:
        return _agreed(debt, contract_rate, debtor=debtor)
    if law == "GB":
        boe = _table(tables, "boe", law)
        return _gb(debt, debtor=debtor, boe=boe, reference=reference_rate)
    if law in ("EU", "FR", "DE"):
        table, template, margin, citation = _HALF_YEARLY[law, debtor]
        if law != "DE" and debtor == "b2c":
            return _consumer(debt, citation, _C_EU_CONSUMER)
        return _half_yearly(
            debt,
            debtor=debtor,
            table=_table(tables, table, law),
            margin=margin,
            citation=citation,
            template=template,
            reference=reference_rate,
        )
    if law == "US-FL":
        table = _table(tables, "fl_statutory", law)
        return _florida(debt, table=table, reference=reference_rate)
    if law == "TH":
        return _thai(debt)
    if law == "IR":
        return _iran(debt, demand_on=demand_on, index=_table(tables, "ir_cbi_index", law))
    if law == "VN-COMMERCIAL":
        if market_rate is None:
            raise InterestError(Reason(_R_MARKET_RATE))
        note = Caveat(CaveatCode.MARKET_RATE, _C_MARKET)
        return _compute(
            debt,
            "Commercial Law 2005 Art. 306",
            _T_MARKET,
            rate_on=_fixed(market_rate),
            warnings=[note],
        )
    rate, citation, start_after = _FIXED_LAWS[law]
    return _compute(debt, citation, _T_FIXED, rate_on=_fixed(rate), start_after_days=start_after)


def _agreed(debt: _Debt, contract_rate: Decimal, *, debtor: Debtor) -> InterestResult:
    """An agreed rate in place of the statutory one, capped where the law caps it.

    Under GB it displaces the Act, fixed sum included; under EU, DE and FR a business
    debtor still owes the EUR 40.
    """
    if debt.law == "IR":
        raise InterestError(Reason(_R_IR_CONTRACT_RATE))
    check = check_contract_rate(debt.law, contract_rate)
    notes = [check.warning] if check.warning else []
    if debt.law == "GB":
        notes.append(Caveat(CaveatCode.CONTRACT_DISPLACES_ACT, _C_DISPLACES))
    if debt.law == "FR":
        notes.append(Caveat(CaveatCode.RATE_FLOOR, _C_FLOOR))
    compensation = None
    if debt.law in ("EU", "DE", "FR") and debtor == "b2b":
        compensation, more = _compensation_in(debt, "EUR", _eur_40)
        notes.extend(more)
    citation = _CONTRACT_CITATIONS.get(debt.law, "the contract")
    return _compute(
        debt,
        citation,
        _T_CONTRACT,
        rate_on=_fixed(check.rate),
        start_after_days=30 if debt.law == "US-TX" else 1,
        compensation=compensation,
        warnings=notes,
    )
