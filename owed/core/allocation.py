"""How a payment is spread over open invoices, as plain arithmetic.

A payment never allocates more to an invoice than that invoice's balance, never more in
total than the payment itself, and what is left over stays with the client as credit.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice as the allocation sees it: a key and what is still owed on it."""

    key: Hashable
    balance: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    key: Hashable
    amount: Decimal


@dataclass(frozen=True, slots=True)
class AllocationResult:
    allocations: tuple[Allocation, ...]
    credit: Decimal
    """The part of the payment no invoice took: it stays as client credit."""


def allocate(amount: Decimal, items: Sequence[OpenItem]) -> AllocationResult:
    """Allocate `amount` to `items` in the order given, each up to its balance.

    Callers choose the order (the invoice the payment names, or oldest due date first).
    Items with nothing owed are passed over.
    """
    if amount < 0:
        raise ValueError("a payment amount cannot be negative")
    left = amount
    allocations: list[Allocation] = []
    for item in items:
        if left <= 0:
            break
        if item.balance <= 0:
            continue
        share = min(left, item.balance)
        allocations.append(Allocation(item.key, share))
        left -= share
    return AllocationResult(tuple(allocations), left)
