"""Invoice arithmetic: line amounts, tax and totals, rounded by named rules.

Each line is rounded on its own (net half-up to the currency's unit, then tax half-up on
that net), and the invoice total is the exact sum of the rounded lines, as printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from owed.core.money import Rounding, round_money


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal = Decimal(0)
    """Tax as a percentage of the net amount (10 means 10 %)."""


@dataclass(frozen=True, slots=True)
class LineAmounts:
    net: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def line_amounts(line: Line, currency: str) -> LineAmounts:
    """Net (quantity x unit price) and tax of one line, each rounded half-up."""
    net = round_money(line.quantity * line.unit_price, currency, Rounding.HALF_UP)
    tax = round_money(net * line.tax_rate / Decimal(100), currency, Rounding.HALF_UP)
    return LineAmounts(net, tax)


def invoice_total(lines: list[Line], currency: str) -> Decimal:
    """What the invoice bills, tax included: the sum of the rounded lines."""
    return sum((line_amounts(line, currency).gross for line in lines), Decimal(0))
