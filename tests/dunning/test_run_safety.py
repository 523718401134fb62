"""The run is safe to repeat: the same day twice, an earlier day, a dry run, a policy change,
and a steady state that reads only the invoices due for a look."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from owed.core.facts import invoice_key
from owed.dunning.models import Action, ActionLine, Run
from owed.dunning.run import collections_run, run_lock
from owed.dunning.steps import parse as parse_steps
from owed.errors import OwedError
from owed.ledger.models import Invoice
from tests.dunning.books import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(books):
    """Four GB and VN clients with invoices at every stage of the ladder on 20 March."""
    invoices = []
    for n, country in enumerate(("GB", "GB", "VN", "VN")):
        client = books.client(f"C{n}", country)
        for k, offset in enumerate((-2, 1, 8, 15, 40)):
            due = day("2026-03-20") - timedelta(days=offset + n)
            invoices.append(books.invoice(client, f"INV-{n}-{k}", due, 1000 + k))
    return invoices


def snapshot_of_the_database() -> tuple:
    return (
        sorted(Action.objects.values_list("key", "status", "decided_on")),
        ActionLine.objects.count(),
        sorted(Invoice.objects.values_list("number", "next_step_on")),
        Run.objects.count(),
    )


def test_running_the_same_day_twice_records_nothing_new(books, ledger):
    first = books.run("2026-03-20")
    recorded = snapshot_of_the_database()[0]

    second = books.run("2026-03-20")

    assert len(first.recorded) == len(recorded) > len(ledger)
    assert second.recorded == []
    assert second.invoices_looked_at == 0
    assert snapshot_of_the_database()[0] == recorded
    assert Run.objects.order_by("started_at", "id").last().actions_recorded == 0


def test_a_run_for_an_earlier_day_is_refused_with_a_clear_message(books, ledger):
    books.run("2026-03-20")
    before = snapshot_of_the_database()

    with pytest.raises(OwedError) as refused:
        books.run("2026-03-19")

    assert refused.value.message == (
        "the last run was for 2026-03-20; a run for an earlier day (2026-03-19) is refused, "
        "since it would decide again what later runs already decided"
    )
    assert snapshot_of_the_database() == before


def test_a_dry_run_writes_nothing_and_decides_what_the_real_run_records(books, ledger):
    books.run("2026-03-19")
    before = snapshot_of_the_database()

    dry = books.run("2026-03-20", dry_run=True)

    assert snapshot_of_the_database() == before
    real = books.run("2026-03-20")
    assert dry.dry_run and not real.dry_run
    assert dry.invoices_looked_at == real.invoices_looked_at
    assert sorted((a.key, a.status) for a in dry.recorded) == sorted(
        (a.key, a.status) for a in real.recorded
    )
    assert len(dry.recorded) > 0


def test_a_dry_run_while_a_run_holds_the_lock_still_answers(books, ledger):
    with run_lock(books.org):
        dry = books.run("2026-03-20", dry_run=True)

    assert len(dry.recorded) > 0
    assert not Action.objects.exists()


def test_the_steady_state_run_reads_only_the_invoices_due_for_a_look(books, ledger):
    first = books.run("2026-03-20")
    assert first.invoices_looked_at == len(ledger) == 20

    looked = []
    for today in (day("2026-03-23"), day("2026-03-24"), day("2026-03-25")):
        due = Invoice.objects.filter(next_step_on__lte=today).count()
        looked.append((due, books.run(today).invoices_looked_at))

    assert all(due == seen for due, seen in looked)
    assert all(0 < seen < 20 for _, seen in looked)
    # A payment clears the invoice's next look: the next run reads it at once.
    paid = ledger[-1]
    assert Invoice.objects.get(pk=paid.pk).next_step_on > date(2026, 3, 26)
    books.pay(paid, "2026-03-25", 100)
    due = Invoice.objects.filter(next_step_on__lte=day("2026-03-26")).count()
    assert books.run("2026-03-26").invoices_looked_at == due + 1


def test_a_run_for_a_day_long_after_the_last_looks_at_what_came_due_meanwhile(books, ledger):
    books.run("2026-03-20")
    due = Invoice.objects.filter(next_step_on__lte=day("2026-04-20")).count()

    report = collections_run(organization=books.org, as_of=day("2026-04-20"))

    assert report.invoices_looked_at == due
    assert Run.objects.filter(status=Run.Status.DONE).count() == 2


def test_a_run_for_one_organization_leaves_another_alone(books, other_org):
    from tests.dunning.books import Books

    ours = books.client("ACME", "GB")
    books.invoice(ours, "INV-1", "2026-03-19", 1200)
    theirs = Books(other_org)
    their_invoice = theirs.invoice(theirs.client("ACME", "GB"), "INV-1", "2026-03-19", 1200)

    books.run("2026-03-20")
    earlier = theirs.run("2026-03-19")  # another organization's runs have their own days

    assert [a.step for a in theirs.actions()] == ["pre_due_reminder"]
    assert [a.key for a in earlier.recorded] == [f"invoice:{their_invoice.pk}:pre_due_reminder"]
    assert sorted(a.step for a in books.actions()) == ["pre_due_reminder", "reminder"]
    assert Run.objects.filter(organization=other_org).count() == 1


def test_each_invoice_keeps_its_own_record_of_the_steps_it_took(books, ledger):
    books.run("2026-03-20")
    books.run("2026-03-24")

    for invoice in Invoice.objects.all():
        actions = Action.objects.filter(invoice=invoice)
        assert invoice.ladder_actions == actions.count() > 0
        assert dict(parse_steps(invoice.ladder_steps)) == {a.step: a.decided_on for a in actions}


def test_a_step_recorded_outside_the_run_is_read_from_the_invoices_actions(books):
    acme = books.client("ACME", "GB")
    invoice = books.invoice(acme, "INV-1", "2026-03-19")
    books.run("2026-03-20")  # the pre-due reminder skipped, the reminder sent
    assert Invoice.objects.get(pk=invoice.pk).next_step_on == day("2026-03-26")
    # The invoice copy (day 7) sent by hand the day before, its next look left as it was.
    Action.objects.create(
        organization=books.org,
        key=invoice_key(invoice.pk, "invoice_copy"),
        kind="ladder",
        client=acme,
        invoice=invoice,
        subject_id=invoice.pk,
        step="invoice_copy",
        channels="email",
        status="done",
        decided_on=day("2026-03-25"),
        scheduled_for=datetime(2026, 3, 25, 9, tzinfo=UTC),
    )

    report = books.run("2026-03-26")

    # Not decided again: the run saw that the invoice had one more action than its record.
    assert report.invoices_looked_at == 1
    assert report.recorded == []
    invoice.refresh_from_db()
    assert invoice.ladder_actions == 3
    assert parse_steps(invoice.ladder_steps)["invoice_copy"] == day("2026-03-25")
    assert [a.step for a in books.run("2026-03-30").recorded] == ["call"]  # day 10, a Monday


def test_action_lines_are_indexed_by_action_only():
    # The run writes a line per invoice it lists; an index by invoice cost it a page each.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "dunning_actionline")
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    assert ("action_id",) in indexed
    assert ("invoice_id",) not in indexed
