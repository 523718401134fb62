"""A call's outcome makes the next move at once (playbook L3-L4), and the run builds on it.

The client ACME (GB) owes INV-2, due Tuesday 17 March 2026, and INV-1, due Thursday 19
March; the daily runs from 14 March have sent their pre-due reminders and first reminders.
"""

from __future__ import annotations

import pytest

from owed.core.calls import Reason
from owed.dunning.models import Action, Dispute, Interaction, Promise
from owed.dunning.services import call_log
from tests.dunning.books import day

pytestmark = pytest.mark.django_db

PLANNED = "planned"


@pytest.fixture
def acme(books):
    client = books.client("ACME", "GB")
    books.invoice(client, "INV-1", "2026-03-19", 1200)
    books.invoice(client, "INV-2", "2026-03-17", 800)
    books.run_daily("2026-03-14", "2026-03-23")
    return client


def call(books, client, on: str, reason: str | None = "forgot", **options) -> Interaction:
    return call_log(
        organization=books.org,
        client=client,
        on=day(on),
        reason=Reason(reason) if reason else None,
        **options,
    )


def test_a_lost_invoice_is_sent_again_at_once_and_the_ladder_does_not_send_it_twice(books, acme):
    interaction = call(books, acme, "2026-03-24", "invoice_lost")

    copy = Action.objects.get(step="invoice_copy", status=PLANNED)
    assert (copy.decided_on, copy.key, copy.reason) == (
        day("2026-03-24"),
        f"interaction:{interaction.pk}:invoice_copy",
        "the client said the invoice was lost",
    )
    assert books.lines(copy) == [("INV-2", 7), ("INV-1", 5)]
    # Each invoice's own invoice_copy step is recorded as merged into that message.
    merged = Action.objects.filter(step="invoice_copy", status="merged").order_by("key")
    assert {(a.invoice.number, a.merged_into_id) for a in merged} == {
        ("INV-1", copy.pk),
        ("INV-2", copy.pk),
    }
    assert interaction.reason == "invoice_lost"

    books.run_daily("2026-03-24", "2026-04-03")

    # The ladder's own copies (24 and 26 March) are not sent: the next steps are the calls.
    assert Action.objects.filter(step="invoice_copy").count() == 3
    assert [(a.step, a.invoice.number, str(a.decided_on)) for a in books.actions(kind="ladder")][
        -4:
    ] == [
        ("call", "INV-2", "2026-03-27"),
        ("call", "INV-1", "2026-03-30"),
        ("payer_contact", "INV-2", "2026-03-31"),
        ("payer_contact", "INV-1", "2026-04-02"),
    ]


def test_a_lost_invoice_reported_on_the_call_of_day_10_is_sent_again_too(books, acme):
    books.run_daily("2026-03-24", "2026-03-30")
    # The ladder sent its copies on 24 and 26 March and the call task came on 27 March;
    # on 30 March the client says the invoice never arrived.
    call(books, acme, "2026-03-30", "invoice_lost")

    sent_today = [
        a.step
        for a in books.actions(decided_on=day("2026-03-30"))
        if a.status == PLANNED and a.channels == "email"
    ]
    assert sent_today == ["invoice_copy"], "the playbook: a lost invoice gets a fresh copy at once"


def test_a_cash_flow_problem_gets_a_propose_plan_task_and_a_callback(books, acme):
    interaction = call(books, acme, "2026-03-24", "cash_flow", note="their client pays late")

    propose = Action.objects.get(step="propose_plan")
    assert (propose.key, propose.decided_on, propose.channels, propose.status) == (
        f"interaction:{interaction.pk}:propose_plan",
        day("2026-03-24"),
        "task",
        PLANNED,
    )
    assert books.lines(propose) == [("INV-2", 7), ("INV-1", 5)]
    assert Action.objects.get(step="callback").decided_on == day("2026-03-25")


def test_a_dissatisfied_client_gets_a_dispute_on_each_overdue_invoice_and_no_callback(books, acme):
    call(books, acme, "2026-03-24", "dissatisfied", note="the second round is missing")

    books.run_daily("2026-03-24", "2026-04-10")

    disputes = Dispute.objects.order_by("invoice__number")
    assert [(d.invoice.number, d.opened_on, d.reason) for d in disputes] == [
        ("INV-1", day("2026-03-24"), "the second round is missing"),
        ("INV-2", day("2026-03-24"), "the second round is missing"),
    ]
    assert [a.step for a in books.actions(decided_on__gte=day("2026-03-24"))] == [
        "resolve_dispute",
        "resolve_dispute",
    ]


def test_a_call_without_a_payment_date_gets_a_callback_the_next_business_day(books, acme):
    books.run_daily("2026-03-24", "2026-03-27")
    interaction = call(books, acme, "2026-03-27", "forgot")  # a Friday

    callback = Action.objects.get(step="callback")
    assert (callback.key, callback.decided_on, callback.status) == (
        f"interaction:{interaction.pk}:callback",
        day("2026-03-30"),
        PLANNED,
    )
    assert books.local(callback).isoformat() == "2026-03-30T08:00:00+01:00"
    # The call task of 27 March (INV-2, day 10) is done: the call was made.
    assert Action.objects.get(step="call").status == "done"


def test_a_call_that_did_not_reach_the_client_gets_a_callback_and_is_no_response(books, acme):
    interaction = call(books, acme, "2026-03-24", None, reached=False)

    assert (interaction.is_response, interaction.summary) == (False, "Call: not reached")
    assert Action.objects.get(step="callback").decided_on == day("2026-03-25")


def test_a_call_with_a_promised_date_records_the_promise_and_no_callback(books, acme):
    call(books, acme, "2026-03-24", "forgot", promised_for=day("2026-03-31"))

    promise = Promise.objects.get()
    assert (promise.made_on, promise.until, promise.status) == (
        day("2026-03-24"),
        day("2026-03-31"),
        Promise.Status.OPEN,
    )
    assert sorted(promise.invoices.values_list("number", flat=True)) == ["INV-1", "INV-2"]
    assert not Action.objects.filter(step="callback").exists()

    books.run_daily("2026-03-24", "2026-04-01")

    # Nothing while the promise runs; unpaid on Wednesday 1 April, the day after the
    # promised date: a broken-promise call, and INV-2's ladder resumes with its copy
    # (day 7, due the day of the call).
    assert sorted(
        (a.step, a.invoice.number if a.invoice else "-", str(a.decided_on))
        for a in books.actions(decided_on__gte="2026-03-24")
    ) == [("broken_promise", "-", "2026-04-01"), ("invoice_copy", "INV-2", "2026-04-01")]
