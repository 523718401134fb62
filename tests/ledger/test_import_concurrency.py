"""Two imports at the same moment: an invoice import waits for a payment import's locks.

PostgreSQL only. On SQLite, owed opens every transaction IMMEDIATE, which takes the one
database write lock at its start, so two imports never overlap there.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from owed.ledger import imports, selectors
from owed.ledger.imports import ImportRejected, import_file
from tests.locks import someone_waits_for_a_lock

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

INVOICE_HEADER = "invoice_no,client_id,issue_date,due_date,currency,amount\n"


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite's IMMEDIATE transactions already make writers wait "
            "for each other, so the two imports cannot interleave there"
        )


def test_an_invoice_import_cannot_lower_a_total_below_a_payment_being_imported(
    org, write_csv, monkeypatch
):
    import_file(
        organization=org,
        kind="clients",
        path=write_csv("client_id,name,country,language,currency,email\nACME,Acme,GB,en,GBP,\n"),
    )
    import_file(
        organization=org,
        kind="invoices",
        path=write_csv(INVOICE_HEADER + "INV-1,ACME,2026-01-01,2026-01-31,GBP,100\n", "i1.csv"),
    )
    payments = write_csv("invoice_no,date,amount,currency\nINV-1,2026-01-10,100,GBP\n", "p.csv")
    lowered = write_csv(INVOICE_HEADER + "INV-1,ACME,2026-01-01,2026-01-31,GBP,10\n", "i2.csv")

    # The interleaving: the payment import locks and plans, then holds on until the
    # invoice import has either checked its file (no lock: it read paid = 0) or is
    # waiting for the lock; only then does the payment import write and commit.
    payment_planned = threading.Event()
    invoice_planned = threading.Event()
    plan_payments, plan_invoices = imports.plan_payments, imports.plan_invoices

    def planning_payments(*args, **kwargs):
        apply = plan_payments(*args, **kwargs)
        payment_planned.set()
        deadline = time.monotonic() + 20
        while not invoice_planned.is_set() and not someone_waits_for_a_lock():
            assert time.monotonic() < deadline, "the invoice import neither planned nor waited"
            time.sleep(0.02)
        return apply

    def planning_invoices(*args, **kwargs):
        apply = plan_invoices(*args, **kwargs)
        invoice_planned.set()
        return apply

    monkeypatch.setattr(imports, "plan_payments", planning_payments)
    monkeypatch.setattr(imports, "plan_invoices", planning_invoices)
    outcome: dict[str, object] = {}

    def run(name: str, kind: str, path, wait_for: threading.Event | None) -> None:
        try:
            if wait_for is not None:
                assert wait_for.wait(20)
            outcome[name] = import_file(organization=org, kind=kind, path=path)
        except Exception as exc:  # recorded, then checked in the test's own thread
            outcome[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("payments", "payments", payments, None)),
        threading.Thread(target=run, args=("invoices", "invoices", lowered, payment_planned)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)

    assert not isinstance(outcome["payments"], Exception), outcome["payments"]
    invoices = list(selectors.invoices_with_balance(organization=org))
    assert [(i.number, i.total, i.paid, i.balance) for i in invoices] == [
        ("INV-1", Decimal(100), Decimal(100), Decimal(0))
    ]
    assert all(i.balance >= 0 for i in invoices)
    refused = outcome["invoices"]
    assert isinstance(refused, ImportRejected)
    assert refused.details == [
        "line 2, column amount: amount 10.00 is less than the 100.00 already paid"
    ]
