"""The demo as plain Python before anything is written, and the helpers that price it.

The plan dataclasses (client, contract, milestone, invoice, payment) are filled in by
`owed.demo.generate` and written to the database by `owed.demo.build`; the helpers turn the
studio's US-dollar price list into round local prices, do month arithmetic, and pick the
late-payment terms a contract under each governing law would carry.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from owed.core import invoicing
from owed.core.money import quantum
from owed.demo.data import ClientRow, Country
from owed.ledger.models import Client, Contract, Invoice, Milestone

# --- Plans: the demo as plain Python, before anything is written ---------------------------


@dataclass(eq=False)
class ClientPlan:
    row: ClientRow
    country: Country
    code: str
    tax_id: str
    notes: str
    terms: int
    profile: str
    pay_day: int | None
    since: date
    weight: float
    rate: Decimal
    """The client's negotiated rates against the price list."""
    contacts: list[dict] = field(default_factory=list)
    obj: Client | None = None


@dataclass(eq=False)
class MilestonePlan:
    position: int
    description: str
    percent: Decimal | None
    amount: Decimal | None
    net: Decimal
    due_rule: str
    fraction: float
    due_on: date | None = None
    due_days: int | None = None
    obj: Milestone | None = None


@dataclass(eq=False)
class ContractPlan:
    client: ClientPlan
    title: str
    scope: str
    signed_on: date
    starts_on: date
    ends_on: date | None
    price: Decimal
    price_basis: str
    retainer: bool
    interest_rate: Decimal | None
    late_fee: Decimal | None
    grace_days: int
    work_stop_grace_days: int | None
    jurisdiction: str
    code: str = ""
    agreement: bool = False
    """A framework agreement: it governs the client's invoices and bills nothing itself."""
    delivered_on: date | None = None
    """When the work is actually delivered: the end date, moved by change orders."""
    milestones: list[MilestonePlan] = field(default_factory=list)
    change_orders: list[dict] = field(default_factory=list)
    obj: Contract | None = None


@dataclass(eq=False)
class InvoicePlan:
    client: ClientPlan
    issue: date
    due: date
    lines: list[invoicing.Line]
    contract: ContractPlan | None = None
    milestone: MilestonePlan | None = None
    forced: str = ""
    """A state the invoice must end in ("open", "partly_paid", "written_off"), or ""."""
    number: str = ""
    total: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    written_off_on: date | None = None
    obj: Invoice | None = None


@dataclass(eq=False)
class PaymentPlan:
    client: ClientPlan
    date: date
    amount: Decimal
    allocations: list[tuple[InvoicePlan, Decimal]]
    mergeable: bool = True


# --- Helpers -----------------------------------------------------------------------------


def digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def _step(currency: str, value: Decimal) -> Decimal:
    """The granularity real prices in `currency` are quoted in, at about `value`."""
    if currency == "VND":
        return Decimal(50000) if value >= 1_000_000 else Decimal(10000)
    if currency == "IRR":
        if value >= 100_000_000:
            return Decimal(5_000_000)
        return Decimal(1_000_000) if value >= 10_000_000 else Decimal(100_000)
    if currency == "THB":
        return Decimal(50) if value >= 1000 else Decimal(5)
    return Decimal(5) if value >= 100 else Decimal("0.5")


def round_to(value: Decimal, step: Decimal, currency: str, rounding: str = ROUND_HALF_UP):
    units = (value / step).quantize(Decimal(1), rounding=rounding)
    return (max(units, Decimal(1)) * step).quantize(quantum(currency))


def local_price(base: Decimal | int, country: Country, at_cost: bool = False) -> Decimal:
    value = Decimal(base) * country.price_factor
    if at_cost and quantum(country.currency) < 1:
        # Resold at the supplier's price, which ends in .99 or .49.
        whole = value.quantize(Decimal(1), rounding=ROUND_DOWN)
        return whole + Decimal("0.99") if whole % 2 else whole + Decimal("0.49")
    return round_to(value, _step(country.currency, value), country.currency)


def friendly_part(amount: Decimal, share: float, currency: str) -> Decimal:
    """About `share` of `amount`, rounded down to a round figure, never all of it."""
    part = amount * Decimal(str(share))
    rounded = round_to(part, _step(currency, part) * 2, currency, ROUND_DOWN)
    if rounded >= amount:
        rounded = (amount / 2).quantize(quantum(currency), rounding=ROUND_DOWN)
    return rounded


def next_day_of_month(day: date, dom: int) -> date:
    if day.day <= dom:
        return day.replace(day=dom)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, dom)


def month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def late_terms(rng: random.Random, jurisdiction: str, currency: str):
    """Interest (% a year), fixed late fee, grace days and work-stop grace days."""
    fee = {
        "GBP": Decimal(70),
        "EUR": Decimal(40),
        "USD": Decimal(50),
        "VND": Decimal(500000),
        "THB": Decimal(500),
    }.get(currency)
    if jurisdiction == "GB":
        interest = rng.choice((Decimal("12"), None, None))  # None: the statutory 8 % + base
        return interest, rng.choice((fee, fee, None)), 0, rng.choice((14, 30, None))
    if jurisdiction.startswith("US"):
        interest = rng.choice((Decimal("18"), Decimal("12"), None))
        return interest, rng.choice((fee, None)), rng.choice((5, 10)), rng.choice((15, None))
    if jurisdiction == "DE":
        interest = rng.choice((None, None, Decimal("9.5")))  # None: base rate + 9 points
        return interest, fee, 0, rng.choice((14, None))
    if jurisdiction == "TH":
        return rng.choice((Decimal("7.5"), Decimal("5"))), rng.choice((fee, None)), 7, None
    if jurisdiction == "IR":
        return None, None, 10, rng.choice((30, None))
    # Vietnam: the contract may set interest; without it the Commercial Law applies.
    interest = rng.choice((Decimal("10"), Decimal("12"), None))
    vnd_fee = fee if currency == "VND" else None
    return interest, rng.choice((vnd_fee, None)), rng.choice((3, 5, 7)), rng.choice((7, 15, None))
