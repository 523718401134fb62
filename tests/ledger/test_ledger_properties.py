"""For any sequence of invoices and payments, the ledger stays consistent to the minor unit."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owed.ledger import selectors
from owed.ledger.models import Allocation, Client, Payment
from owed.ledger.services import LineInput, invoice_create, organization_create, payment_record

_orgs = itertools.count()

CURRENCIES = ["VND", "USD"]


def amounts(currency: str):
    exponent = 0 if currency == "VND" else -2
    return st.integers(min_value=1, max_value=10**9).map(lambda n: Decimal(n).scaleb(exponent))


operation = st.one_of(
    st.tuples(st.just("invoice"), st.sampled_from(CURRENCIES), st.data()),
    st.tuples(st.just("payment"), st.sampled_from(CURRENCIES), st.data()),
)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(operation, min_size=1, max_size=12))
def test_balances_equal_totals_minus_allocations_and_nothing_is_overallocated(ops):
    org = organization_create(
        name=f"Property {next(_orgs)}", country="VN", currency="VND", timezone="UTC"
    )
    client = Client.objects.create(
        organization=org, code="C", name="C", country="VN", language="vi", currency="VND"
    )
    # An independent model of what the ledger must hold.
    totals: dict[int, Decimal] = {}
    paid: dict[int, Decimal] = {}
    received = {c: Decimal(0) for c in CURRENCIES}
    day = date(2026, 1, 1)
    invoices = []
    for number, (kind, currency, data) in enumerate(ops):
        if kind == "invoice":
            amount = data.draw(amounts(currency))
            invoice = invoice_create(
                organization=org,
                client=client,
                number=f"INV-{number}",
                issue_date=day,
                due_date=day + timedelta(days=30),
                currency=currency,
                lines=[LineInput("work", Decimal(1), amount)],
            )
            invoices.append(invoice)
            totals[invoice.pk], paid[invoice.pk] = amount, Decimal(0)
        else:
            amount = data.draw(amounts(currency))
            same_currency = [i for i in invoices if i.currency == currency]
            chosen = (
                data.draw(st.lists(st.sampled_from(same_currency), unique=True))
                if same_currency
                else []
            )
            payment_record(
                organization=org,
                client=client,
                date=day,
                amount=amount,
                currency=currency,
                invoices=chosen,
            )
            received[currency] += amount
            targets = chosen or sorted(same_currency, key=lambda i: (i.due_date, i.number))
            left = amount
            for invoice in targets:
                share = min(left, totals[invoice.pk] - paid[invoice.pk])
                paid[invoice.pk] += share
                left -= share

    rows = {inv.pk: inv for inv in selectors.invoices_with_balance(organization=org)}
    for pk, total in totals.items():
        assert rows[pk].paid == paid[pk]
        assert rows[pk].balance == total - paid[pk]
        assert Decimal(0) <= rows[pk].balance <= total
        expected_state = "paid" if paid[pk] == total else "partly_paid" if paid[pk] else "open"
        assert rows[pk].state == expected_state

    for payment in selectors.payments_with_unallocated(organization=org):
        assert Decimal(0) <= payment.allocated <= payment.amount

    # The ledger balances: every unit received is either allocated or client credit.
    for currency in CURRENCIES:
        allocated = Allocation.objects.filter(
            organization=org, payment__currency=currency
        ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        credit = sum(
            (
                p.unallocated
                for p in selectors.payments_with_unallocated(organization=org).filter(
                    currency=currency
                )
            ),
            Decimal(0),
        )
        assert allocated + credit == received[currency]
        total_received = Payment.objects.filter(organization=org, currency=currency).aggregate(
            s=Sum("amount")
        )["s"]
        assert (total_received or Decimal(0)) == received[currency]
