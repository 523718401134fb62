"""For any invoices and payments imported from CSV files, the ledger adds up exactly.

Each example writes random invoice and payment rows to CSV files (split over several
files), imports them in turn into a fresh organization, and compares the ledger with an
independent model of the allocation rule: a payment pays the invoices it names, in the
order named, each up to its balance; the rest is client credit. Importing the same files
again must change nothing.
"""

from __future__ import annotations

import itertools
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owed.ledger import selectors
from owed.ledger.imports import import_file
from owed.ledger.models import Allocation, Client, Invoice, Payment
from owed.ledger.services import organization_create

_orgs = itertools.count()

CLIENTS = ("ANNA", "BINH")
CURRENCIES = ("VND", "USD")
CLIENTS_CSV = (
    "client_id,name,country,language,currency,email\nANNA,Anna,VN,vi,VND,\nBINH,Binh,VN,vi,VND,\n"
)


def _amount(currency: str, units: int) -> Decimal:
    return Decimal(units).scaleb(0 if currency == "VND" else -2)


def _text(amount: Decimal) -> str:
    return format(amount, "f")


invoice_rows = st.lists(
    st.tuples(
        st.sampled_from(CLIENTS),
        st.sampled_from(CURRENCIES),
        st.integers(min_value=1, max_value=10**6),
    ),
    min_size=1,
    max_size=8,
)


@st.composite
def ledgers(draw):
    """Invoices, then payments naming some of them (or none: client credit), in files."""
    invoices = [
        {
            "number": f"INV-{n}",
            "client": client,
            "currency": currency,
            "total": _amount(currency, units),
        }
        for n, (client, currency, units) in enumerate(draw(invoice_rows))
    ]
    payments = []
    for n in range(draw(st.integers(min_value=0, max_value=10))):
        client = draw(st.sampled_from(CLIENTS))
        currency = draw(st.sampled_from(CURRENCIES))
        theirs = [
            i["number"] for i in invoices if (i["client"], i["currency"]) == (client, currency)
        ]
        named = draw(st.lists(st.sampled_from(theirs), unique=True, max_size=3)) if theirs else []
        payments.append(
            {
                "named": named,
                "client": client,
                "currency": currency,
                "amount": _amount(currency, draw(st.integers(min_value=1, max_value=10**6))),
                "date": f"2026-02-{1 + n % 28:02d}",
                # Half with a payment_id, half keyed by what the row says (made unique by
                # its reference, since two equal rows would be one payment).
                "payment_id": f"P-{n}" if draw(st.booleans()) else "",
                "reference": f"ref {n}",
            }
        )
    invoice_files = draw(st.integers(min_value=1, max_value=2))
    payment_files = draw(st.integers(min_value=1, max_value=3))
    return invoices, payments, invoice_files, payment_files


def _split(rows: list[str], parts: int) -> list[list[str]]:
    size = -(-len(rows) // parts) or 1
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]


def _write(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def _snapshot(org) -> dict[str, list[dict]]:
    models = (Client, Invoice, Payment, Allocation)
    return {
        model.__name__: list(model.objects.filter(organization=org).order_by("pk").values())
        for model in models
    }


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers())
def test_imported_payments_leave_every_balance_exact_and_a_second_import_changes_nothing(ledger):
    invoices, payments, invoice_files, payment_files = ledger
    org = organization_create(
        name=f"Import property {next(_orgs)}", country="VN", currency="VND", timezone="UTC"
    )
    with tempfile.TemporaryDirectory() as folder:
        files = [("clients", _write(Path(folder), "clients.csv", CLIENTS_CSV, []))]
        invoice_header = "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        invoice_lines = [
            f"{i['number']},{i['client']},2026-01-01,2026-01-31,{i['currency']},{_text(i['total'])}"
            for i in invoices
        ]
        for n, rows in enumerate(_split(invoice_lines, invoice_files)):
            files.append(("invoices", _write(Path(folder), f"i{n}.csv", invoice_header, rows)))
        payment_header = "invoice_no,client_id,date,amount,currency,reference,payment_id\n"
        payment_lines = [
            f"{';'.join(p['named'])},{p['client']},{p['date']},{_text(p['amount'])},"
            f"{p['currency']},{p['reference']},{p['payment_id']}"
            for p in payments
        ]
        for n, rows in enumerate(_split(payment_lines, payment_files)):
            files.append(("payments", _write(Path(folder), f"p{n}.csv", payment_header, rows)))

        for kind, path in files:
            import_file(organization=org, kind=kind, path=path)

        # The model: each payment, in file order, pays what it names up to the balance.
        balance = {i["number"]: i["total"] for i in invoices}
        expected: list[list[tuple[str, Decimal]]] = []
        for p in payments:
            left, shares = p["amount"], []
            for number in p["named"]:
                share = min(left, balance[number])
                if share:
                    shares.append((number, share))
                    balance[number] -= share
                    left -= share
            expected.append(shares)

        rows = {i.number: i for i in selectors.invoices_with_balance(organization=org)}
        for invoice in invoices:
            row = rows[invoice["number"]]
            allocated = Allocation.objects.filter(invoice=row).aggregate(s=Sum("amount"))["s"]
            assert row.total == invoice["total"]
            assert row.balance == row.total - (allocated or 0)
            assert row.balance == balance[invoice["number"]]
            assert 0 <= row.balance <= row.total
        recorded = list(selectors.payments_with_unallocated(organization=org).order_by("id"))
        assert len(recorded) == len(payments)
        for payment, p, shares in zip(recorded, payments, expected, strict=True):
            allocations = list(
                Allocation.objects.filter(payment=payment)
                .order_by("id")
                .values_list("invoice__number", "amount")
            )
            assert allocations == shares
            assert payment.amount == p["amount"]
            assert 0 <= payment.allocated <= payment.amount
            assert payment.unallocated == p["amount"] - sum(s for _, s in shares)

        before = _snapshot(org)
        for kind, path in files:
            again = import_file(organization=org, kind=kind, path=path)
            assert (again.created, again.updated, again.unchanged) == (0, 0, again.rows)
        assert _snapshot(org) == before
