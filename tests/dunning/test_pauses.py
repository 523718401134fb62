"""What stops, pauses and resumes the ladder: payments, promises, disputes, plans, snoozes,
credit holds and work stops, day by day through `collections_run`.

Every scenario uses one GB invoice due Thursday 19 March 2026, whose undisturbed ladder is:
pre-due reminder 16 March, reminder 20 March, invoice copy 26 March, call 30 March, payer
contact 2 April, formal notice 9 April, credit hold 20 April, demand letter 5 May.
"""

from __future__ import annotations

from datetime import date

import pytest

from owed.dunning.models import Action, Dispute, Hold, Plan, Promise, WorkStop
from owed.dunning.services import (
    dispute_open,
    dispute_resolve,
    plan_create,
    promise_record,
    reply_log,
    snooze_create,
)
from owed.ledger.models import Invoice
from tests.dunning.books import day

pytestmark = pytest.mark.django_db

PLANNED = "planned"
FIRST_STEPS = [
    ("pre_due_reminder", PLANNED, "2026-03-16"),
    ("reminder", PLANNED, "2026-03-20"),
]


@pytest.fixture
def acme(books):
    return books.client("ACME", "GB")


@pytest.fixture
def invoice(books, acme):
    return books.invoice(acme, "INV-0042", "2026-03-19", 1200)


def test_a_partly_paid_invoice_is_chased_for_its_balance_and_a_paid_one_no_more(books, invoice):
    books.run_daily("2026-03-14", "2026-03-23")
    books.pay(invoice, "2026-03-24", 200)
    books.run_daily("2026-03-24", "2026-03-27")
    books.pay(invoice, "2026-03-28")

    reports = books.run_daily("2026-03-28", "2026-05-27")

    assert books.trail(invoice=invoice) == [
        *FIRST_STEPS,
        ("invoice_copy", PLANNED, "2026-03-26"),
    ]
    copy = Action.objects.get(step="invoice_copy")
    assert [line.balance for line in copy.lines.all()] == [1000]
    assert all(report.recorded == [] for report in reports)
    # Looked at once after the payment, then never again.
    assert [r.invoices_looked_at for r in reports[:3]] == [1, 0, 0]
    assert sum(r.invoices_looked_at for r in reports) == 1
    assert Invoice.objects.get(pk=invoice.pk).next_step_on == date.max


def test_a_broken_promise_gets_a_call_the_next_business_day_then_the_ladder_resumes(books, invoice):
    books.run_daily("2026-03-14", "2026-03-23")
    promise_record(
        organization=books.org, invoices=[invoice], until=day("2026-04-02"), on=day("2026-03-23")
    )

    books.run_daily("2026-03-24", "2026-04-30")

    # The promised day is Thursday 2 April; Good Friday and the weekend follow, so the
    # promise is judged on Monday 6 April. Paused 14 days (23 March - 6 April), the ladder
    # then resumes where it stood: the copy (day 7) comes 14 days late, and so on.
    assert books.trail(invoice=invoice) == [
        *FIRST_STEPS,
        ("invoice_copy", PLANNED, "2026-04-09"),
        ("call", PLANNED, "2026-04-13"),
        ("payer_contact", PLANNED, "2026-04-16"),
        ("formal_notice", PLANNED, "2026-04-23"),
    ]
    broken = Action.objects.get(step="broken_promise")
    promise = Promise.objects.get()
    assert (broken.decided_on, broken.status, broken.channels) == (
        day("2026-04-06"),
        PLANNED,
        "task",
    )
    assert broken.key == f"promise:{promise.pk}:broken"
    assert books.lines(broken) == [("INV-0042", 18)]
    assert promise.status == Promise.Status.BROKEN


def test_a_promise_kept_ends_the_chase(books, invoice):
    books.run_daily("2026-03-14", "2026-03-23")
    promise_record(
        organization=books.org, invoices=[invoice], until=day("2026-04-02"), on=day("2026-03-23")
    )
    books.run_daily("2026-03-24", "2026-03-31")
    books.pay(invoice, "2026-04-01")

    assert Promise.objects.get().status == Promise.Status.OPEN

    books.run_daily("2026-04-01", "2026-04-30")

    assert books.trail(invoice=invoice) == FIRST_STEPS
    assert not Action.objects.filter(step="broken_promise").exists()
    assert Promise.objects.get().status == Promise.Status.KEPT


def test_a_plan_paid_in_full_is_completed(books, invoice):
    books.run_daily("2026-03-14", "2026-03-22")
    plan_create(
        organization=books.org,
        invoices=[invoice],
        instalments=2,
        every_days=14,
        on=day("2026-03-23"),
    )
    books.run_daily("2026-03-23", "2026-04-06")
    books.pay(invoice, "2026-04-06", 600)
    books.run_daily("2026-04-07", "2026-04-19")
    assert Plan.objects.get().status == Plan.Status.ACTIVE
    books.pay(invoice, "2026-04-20", 600)
    books.run_daily("2026-04-20", "2026-05-30")
    plan = Plan.objects.get()
    assert (plan.status, plan.broken_on) == (Plan.Status.COMPLETED, None)
    assert not Action.objects.filter(step="plan_broken").exists()


def test_a_dispute_gets_one_task_and_no_steps_until_resolved_then_the_ladder_resumes(
    books, invoice
):
    books.run_daily("2026-03-14", "2026-03-22")
    dispute_open(
        organization=books.org, invoice=invoice, reason="not delivered", on=day("2026-03-23")
    )
    books.run_daily("2026-03-23", "2026-04-22")
    assert [a.step for a in books.actions(decided_on__gt=day("2026-03-22"))] == ["resolve_dispute"]
    dispute_resolve(
        organization=books.org, invoice=invoice, on=day("2026-04-23"), resolution="redelivered"
    )

    books.run_daily("2026-04-23", "2026-05-15")

    dispute = Dispute.objects.get()
    task = Action.objects.get(step="resolve_dispute")
    assert (task.key, task.decided_on, task.channels) == (
        f"dispute:{dispute.pk}:resolve",
        day("2026-03-23"),
        "task",
    )
    assert task.status == "done"  # resolving the dispute closes its task
    # Paused 31 days (23 March - 23 April): the copy of day 7 comes on 26 April, a Sunday.
    assert books.trail(invoice=invoice) == [
        *FIRST_STEPS,
        ("invoice_copy", PLANNED, "2026-04-27"),
        ("call", PLANNED, "2026-04-29"),
        ("payer_contact", PLANNED, "2026-05-05"),  # 3 May, Sunday; 4 May, bank holiday
        ("formal_notice", PLANNED, "2026-05-11"),
    ]


def test_a_plan_reminds_each_instalment_and_a_missed_one_breaks_it(books, invoice):
    books.run_daily("2026-03-14", "2026-03-22")
    plan = plan_create(
        organization=books.org,
        invoices=[invoice],
        instalments=3,
        every_days=14,
        on=day("2026-03-23"),
        grace_days=5,
    )
    assert [(i.number, str(i.due_date), i.amount) for i in plan.instalments.all()] == [
        (1, "2026-04-06", 400),
        (2, "2026-04-20", 400),
        (3, "2026-05-04", 400),
    ]
    books.run_daily("2026-03-23", "2026-04-06")
    books.pay(invoice, "2026-04-06", 400)  # the first instalment, on time

    books.run_daily("2026-04-07", "2026-05-10")

    assert books.trail(client=invoice.client) == [
        *FIRST_STEPS,
        # 3 April, Good Friday: the pre-due reminder of instalment 1 waits for Monday.
        ("pre_due_reminder", PLANNED, "2026-04-06"),
        ("pre_due_reminder", PLANNED, "2026-04-17"),  # instalment 2
        ("reminder", PLANNED, "2026-04-21"),
        # Instalment 2 is more than 5 days late on Sunday 26 April: the plan breaks.
        ("plan_broken", PLANNED, "2026-04-27"),
        # The ladder resumes where it stopped, 34 days later (23 March - 26 April).
        ("invoice_copy", PLANNED, "2026-04-29"),
        ("call", PLANNED, "2026-05-05"),
        ("payer_contact", PLANNED, "2026-05-06"),
    ]
    assert [a.key for a in books.actions(kind="instalment")] == [
        f"plan:{plan.pk}:1:pre_due_reminder",
        f"plan:{plan.pk}:2:pre_due_reminder",
        f"plan:{plan.pk}:2:reminder",
    ]
    plan.refresh_from_db()
    assert (plan.status, plan.broken_on) == (Plan.Status.BROKEN, day("2026-04-26"))


def test_a_snoozed_invoice_waits_and_its_neighbour_does_not(books, acme, invoice):
    neighbour = books.invoice(acme, "INV-0043", "2026-03-19", 800)
    books.run_daily("2026-03-14", "2026-03-23")
    snooze_create(
        organization=books.org, invoice=invoice, until=day("2026-04-06"), on=day("2026-03-23")
    )

    books.run_daily("2026-03-24", "2026-04-10")

    assert [(a.step, a.status, str(a.decided_on)) for a in books.actions(invoice=neighbour)][
        2:
    ] == [
        ("invoice_copy", PLANNED, "2026-03-26"),
        ("call", PLANNED, "2026-03-30"),
        ("payer_contact", PLANNED, "2026-04-02"),
        ("formal_notice", PLANNED, "2026-04-09"),
    ]
    # Snoozed 14 days: the snoozed invoice's copy comes on 9 April, the day of its
    # neighbour's formal notice, so it goes into that one message.
    copy = Action.objects.get(invoice=invoice, step="invoice_copy")
    assert (copy.status, copy.decided_on, copy.merged_into.step) == (
        "merged",
        day("2026-04-09"),
        "formal_notice",
    )
    assert books.lines(copy.merged_into) == [("INV-0042", 21), ("INV-0043", 21)]


def test_a_snoozed_client_hears_nothing_until_the_snooze_ends(books, acme, invoice):
    other = books.invoice(acme, "INV-0043", "2026-03-12", 800)
    books.run_daily("2026-03-14", "2026-03-22")
    snooze_create(
        organization=books.org, client=acme, until=day("2026-04-06"), on=day("2026-03-23")
    )

    books.run_daily("2026-03-23", "2026-04-09")

    assert not books.actions(decided_on__range=(day("2026-03-23"), day("2026-04-05")))
    # INV-0043's call (day 10, Sunday 22 March) was waiting for Monday when the snooze
    # began: it goes out the day the snooze ends. Both ladders then run 14 days late: on
    # 9 April INV-0043's payer contact and INV-0042's invoice copy go out as one message.
    assert books.trail(client=acme)[-3:] == [
        ("call", PLANNED, "2026-04-06"),
        ("payer_contact", PLANNED, "2026-04-09"),
        ("invoice_copy", "merged", "2026-04-09"),
    ]
    assert books.actions(step="call")[0].invoice == other


def test_a_credit_hold_starts_with_its_step_and_lifts_once_the_client_is_paid_up(
    books, acme, invoice
):
    books.run_daily("2026-03-14", "2026-04-20")
    hold = Hold.objects.get()
    assert (hold.client, hold.since, hold.lifted_on) == (acme, day("2026-04-20"), None)
    books.pay(invoice, "2026-04-21")

    books.run_daily("2026-04-21", "2026-04-30")

    lifted = Action.objects.get(step="hold_lifted")
    assert (lifted.key, lifted.decided_on, lifted.channels) == (
        f"hold:{hold.pk}:lifted",
        day("2026-04-21"),
        "email",
    )
    hold.refresh_from_db()
    assert hold.lifted_on == day("2026-04-21")


def test_a_work_stop_needs_a_work_stop_clause_and_lifts_when_its_contract_is_paid(books, acme):
    with_clause = books.contract(acme, "K-1", work_stop_grace_days=18)
    without = books.contract(acme, "K-2", work_stop_grace_days=None)
    stopped = books.invoice(acme, "INV-1", "2026-03-19", 1200, contract=with_clause)
    other = books.invoice(acme, "INV-2", "2026-03-19", 1200, contract=without)
    books.run_daily("2026-03-14", "2026-04-20")

    work_stop = Action.objects.get(step="work_stop")
    assert (work_stop.invoice, work_stop.decided_on, work_stop.status) == (
        stopped,
        day("2026-04-06"),  # day 18, the contract's grace days
        PLANNED,
    )
    assert not Action.objects.filter(invoice=other, step="work_stop").exists()
    stop = WorkStop.objects.get()
    assert (stop.contract, stop.since, stop.lifted_on) == (with_clause, day("2026-04-06"), None)
    books.pay(stopped, "2026-04-21")

    books.run_daily("2026-04-21", "2026-04-23")

    resumed = Action.objects.get(step="work_resumed")
    assert (resumed.key, resumed.decided_on) == (f"work_stop:{stop.pk}:resumed", day("2026-04-21"))
    stop.refresh_from_db()
    assert stop.lifted_on == day("2026-04-21")
    # INV-2 is still overdue: the client's credit hold stays.
    assert Hold.objects.get(client=acme).lifted_on is None


def test_the_credit_hold_is_skipped_when_the_client_replied_after_the_first_reminder(
    books, acme, invoice
):
    books.run_daily("2026-03-14", "2026-03-23")
    reply_log(organization=books.org, client=acme, on=day("2026-03-24"), note="checking")

    books.run_daily("2026-03-24", "2026-05-06")

    trail = books.trail(invoice=invoice)
    assert ("credit_hold", "skipped", "2026-04-18") in trail
    assert trail[-1] == ("demand_letter", PLANNED, "2026-05-05")
    assert Action.objects.get(step="credit_hold").reason == (
        "the client responded after the first reminder"
    )
    assert not Hold.objects.exists()


def test_a_reply_before_the_first_reminder_does_not_stop_the_credit_hold(books, acme, invoice):
    books.run_daily("2026-03-14", "2026-03-17")
    reply_log(organization=books.org, client=acme, on=day("2026-03-17"), note="got it")

    books.run_daily("2026-03-18", "2026-04-20")

    assert ("credit_hold", PLANNED, "2026-04-20") in books.trail(invoice=invoice)
    assert Hold.objects.filter(client=acme, since=day("2026-04-20")).exists()
