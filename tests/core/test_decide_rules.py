"""The collections engine's rules 1-11, day by day, as the playbook tells them.

Each scenario keeps a small ledger in `Books` (the caller's side, see
`test_decide_properties`), runs the daily job and reads what it recorded. Unless a test
says otherwise the client is a business in Great Britain (London time) and its invoice of
1,000 EUR falls due on Monday 1 June 2026, so the standard ladder runs: pre-due reminder
Fri 29 May, reminder Tue 2 June, invoice copy Mon 8, call Thu 11, payer contact Mon 15,
formal notice Mon 22, credit hold Wed 1 July, demand letter Thu 16 July.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from owed.core.calendar import contact_rules
from owed.core.decide import (
    NEVER,
    ClientFacts,
    InvoiceFacts,
    Kind,
    Line,
    Snapshot,
    Status,
    decide,
)
from owed.core.ladder import STANDARD, Channel
from tests.core.test_decide_properties import Books, Refused

DUE = date(2026, 6, 1)
LONDON = ZoneInfo("Europe/London")


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def at(day: date, hour: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def run_daily(books: Books, first: date, last: date) -> None:
    for day in days(first, last):
        books.run(day)


def ladder(books: Books, invoice_id: int, *statuses: Status) -> list[tuple[date, str]]:
    """The invoice's ladder steps recorded with one of `statuses` (planned by default)."""
    statuses = statuses or (Status.PLANNED,)
    return [
        (day, a.step)
        for day, a in books.actions(*statuses)
        if a.kind is Kind.LADDER and a.subject_id == invoice_id
    ]


def planned(books: Books, *kinds: Kind) -> list[tuple[date, str]]:
    return [(day, a.key) for day, a in books.actions(Status.PLANNED) if a.kind in kinds]


def standard_books(**client) -> Books:
    books = Books()
    books.client(1, **({"country": "GB"} | client))
    books.invoice(10, 1, DUE)
    return books


def test_the_standard_ladder_day_by_day():
    books = standard_books()
    run_daily(books, d(5, 20), d(7, 31))
    assert ladder(books, 10) == [
        (d(5, 29), "pre_due_reminder"),
        (d(6, 2), "reminder"),
        (d(6, 8), "invoice_copy"),
        (d(6, 11), "call"),
        (d(6, 15), "payer_contact"),
        (d(6, 22), "formal_notice"),
        (d(7, 1), "credit_hold"),
        (d(7, 16), "demand_letter"),
    ]
    [(_, reminder)] = [(day, a) for day, a in books.actions() if a.step == "reminder"]
    assert reminder.key == "invoice:10:reminder"
    assert reminder.channels == (Channel.EMAIL,)
    assert reminder.lines == (Line(10, 1, Decimal(1000)),)


# --- rule 1: paid, partly paid, minimum balances ------------------------------------------


def test_an_invoice_paid_before_the_pre_due_reminder_gets_nothing():
    books = standard_books()
    books.pay(10)
    run_daily(books, d(5, 20), d(10, 31))
    assert books.actions() == []
    assert books.next_step_on[10] == NEVER


def test_an_invoice_paid_half_way_up_the_ladder_gets_nothing_more():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 12))
    books.pay(10)
    run_daily(books, d(6, 13), d(10, 31))
    assert ladder(books, 10)[-1] == (d(6, 11), "call")


def test_a_partly_paid_invoice_is_chased_for_its_balance():
    books = standard_books()
    run_daily(books, d(5, 20), d(5, 31))
    books.pay(10, "400")
    run_daily(books, d(6, 1), d(6, 2))
    [(day, reminder)] = [(day, a) for day, a in books.actions() if a.step == "reminder"]
    assert day == d(6, 2)
    assert reminder.lines == (Line(10, 1, Decimal(600)),)


def test_the_minimum_balance_is_per_currency():
    books = Books(
        policy=replace(STANDARD, minimum_balances=(("USD", Decimal(50)), ("VND", Decimal(100_000))))
    )
    books.client(1, "GB")
    books.invoice(10, 1, DUE, "30", "USD")  # below the USD minimum
    books.invoice(11, 1, DUE, "50", "USD")  # at it: chased
    books.invoice(12, 1, DUE, "30", "EUR")  # no EUR minimum: chased
    books.invoice(13, 1, DUE, "2000000", "VND")
    books.pay(13, "1950000")  # 50,000 VND left, below the VND minimum
    books.run(d(6, 2))
    [reminder] = [a for a in books.runs[-1][2].actions if a.status is Status.PLANNED]
    assert [line.invoice_id for line in reminder.lines] == [11, 12]
    assert books.next_step_on[10] == books.next_step_on[13] == NEVER


# --- rule 2: the first allowed moment in the client's country -----------------------------


def test_a_step_due_on_saturday_fires_on_monday_at_eight_london_time():
    books = Books()
    books.client(1, "GB")
    books.invoice(10, 1, d(6, 5))  # due Friday: the reminder is due Saturday 6 June
    run_daily(books, d(6, 1), d(6, 5))
    books.run(d(6, 6))
    assert books.runs[-1][2].actions == ()
    # Looked at again on Monday, the next day the client may be contacted: not on Sunday.
    assert books.next_step_on[10] == d(6, 8)
    books.run(d(6, 7))
    assert books.runs[-1][2].next_step_on == {}  # nothing due for a look on Sunday
    books.run(d(6, 8))
    [(day, reminder)] = [(day, a) for day, a in books.actions() if a.step == "reminder"]
    assert day == d(6, 8)
    assert reminder.scheduled_for == at(d(6, 8), 8, "Europe/London")
    assert reminder.scheduled_for.tzinfo == LONDON
    assert reminder.scheduled_for.utcoffset() == timedelta(hours=1)  # summer time


def test_a_step_due_on_a_bank_holiday_waits_for_the_next_business_day():
    books = Books()
    books.client(1, "GB")
    books.invoice(10, 1, d(5, 24))  # the reminder falls on the Spring Bank Holiday
    run_daily(books, d(5, 25), d(5, 26))
    assert ladder(books, 10) == [(d(5, 26), "reminder")]


def test_iran_friday_is_the_weekend_and_sunday_a_working_day():
    books = Books()
    books.client(1, "IR")
    books.client(2, "GB")
    books.invoice(10, 1, d(7, 9))  # reminder due Friday 10 July
    books.invoice(20, 2, d(7, 9))
    books.invoice(11, 1, d(7, 11))  # reminder due Sunday 12 July
    run_daily(books, d(7, 10), d(7, 13))
    assert ladder(books, 10) == [(d(7, 11), "reminder")]
    assert ladder(books, 20) == [(d(7, 10), "reminder")]
    assert ladder(books, 11) == [(d(7, 12), "reminder")]
    tehran = [a for _, a in books.actions(Status.PLANNED) if a.client_id == 1]
    assert [a.scheduled_for for a in tehran] == [
        at(d(7, 11), 8, "Asia/Tehran"),
        at(d(7, 12), 8, "Asia/Tehran"),
    ]


def test_a_thai_individual_may_be_contacted_on_saturday_a_thai_business_waits_for_monday():
    books = Books()
    books.client(1, "TH", "individual")
    books.client(2, "TH", "business")
    books.invoice(10, 1, d(7, 10))  # reminder due Saturday 11 July
    books.invoice(20, 2, d(7, 10))
    run_daily(books, d(7, 11), d(7, 13))
    assert ladder(books, 10) == [(d(7, 11), "reminder")]
    assert ladder(books, 20) == [(d(7, 13), "reminder")]
    [saturday] = [a for day, a in books.actions(Status.PLANNED) if day == d(7, 11)]
    # The holiday window is 08:00-18:00: the message goes at its start, Bangkok time.
    assert saturday.scheduled_for == at(d(7, 11), 8, "Asia/Bangkok")
    window = contact_rules("TH", "individual").window_on(d(7, 11), "TH")
    assert (window.start, window.end) == (time(8), time(18))


def test_a_thai_individual_gets_one_contact_a_day_the_broken_promise_call_first():
    books = Books()
    books.client(1, "TH", "individual")
    books.invoice(20, 1, d(7, 6))
    books.invoice(10, 1, d(7, 12))  # its reminder is due Monday 13 July
    run_daily(books, d(7, 1), d(7, 7))
    books.promise(1, [20], on=d(7, 8), until=d(7, 10))  # checked Monday 13 July
    run_daily(books, d(7, 8), d(7, 14))
    by_day = [(day, a.step) for day, a in books.actions(Status.PLANNED) if a.is_contact]
    assert (d(7, 13), "broken_promise") in by_day
    assert (d(7, 13), "reminder") not in by_day
    assert (d(7, 14), "reminder") in by_day
    days_contacted = [day for day, _ in by_day]
    assert len(days_contacted) == len(set(days_contacted))


@pytest.mark.parametrize("incremental", [True, False])
def test_a_rerun_the_same_day_does_not_give_a_thai_individual_a_second_contact(incremental):
    books = Books(incremental=incremental)
    books.client(1, "TH", "individual")
    books.invoice(20, 1, d(7, 6))
    books.invoice(10, 1, d(7, 12))
    run_daily(books, d(7, 1), d(7, 7))
    books.promise(1, [20], on=d(7, 8), until=d(7, 10))
    run_daily(books, d(7, 8), d(7, 13))
    books.pay(10, "1")  # changed at noon: the re-run passes it
    books.run(d(7, 13))
    assert [a.key for day, a in books.actions(Status.PLANNED) if day == d(7, 13)] == [
        "promise:1:broken"
    ]
    books.run(d(7, 14))
    assert ladder(books, 10)[-1] == (d(7, 14), "reminder")


def test_vietnam_contacts_start_at_seven_and_wait_out_tet():
    books = Books()
    books.client(1, "VN")
    books.invoice(10, 1, d(2, 18))  # both reminders fall in Tết (16-22 February)
    books.invoice(11, 1, d(3, 2))
    run_daily(books, d(2, 10), d(3, 3))
    # The pre-due reminder (Sunday 15th) waited out Tết too, until the reminder overtook it.
    assert ladder(books, 10, Status.SKIPPED) == [(d(2, 19), "pre_due_reminder")]
    assert ladder(books, 10)[0] == (d(2, 23), "reminder")
    [(_, reminder)] = [(day, a) for day, a in books.actions() if a.key == "invoice:11:reminder"]
    assert reminder.scheduled_for == at(d(3, 3), 7, "Asia/Ho_Chi_Minh")


# --- rule 3: catch-up ---------------------------------------------------------------------


def test_catch_up_after_a_ten_day_gap_fires_only_the_formal_notice_and_skips_the_rest():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 12))  # the call went on Thursday 11 June
    run_daily(books, d(6, 22), d(7, 31))  # nobody ran the job from 13 to 21 June
    assert ladder(books, 10, Status.SKIPPED) == [(d(6, 22), "payer_contact")]
    assert ladder(books, 10)[-4:] == [
        (d(6, 11), "call"),
        (d(6, 22), "formal_notice"),
        (d(7, 1), "credit_hold"),
        (d(7, 16), "demand_letter"),
    ]
    [skipped] = [a for _, a in books.actions(Status.SKIPPED)]
    assert skipped.reason == "catch-up: formal_notice is due"


def test_an_invoice_first_seen_fifty_days_late_gets_only_the_demand_letter():
    books = standard_books()
    books.run(d(7, 21))
    assert ladder(books, 10) == [(d(7, 21), "demand_letter")]
    assert {step for _, step in ladder(books, 10, Status.SKIPPED)} == {
        "pre_due_reminder",
        "reminder",
        "invoice_copy",
        "call",
        "payer_contact",
        "formal_notice",
        "credit_hold",
    }


def test_catch_up_on_a_weekend_records_the_skipped_steps_and_sends_the_last_on_monday():
    books = standard_books()
    books.run(d(6, 13))  # Saturday: the call is the most advanced step due
    assert ladder(books, 10, Status.SKIPPED) == [
        (d(6, 13), "invoice_copy"),
        (d(6, 13), "pre_due_reminder"),
        (d(6, 13), "reminder"),
    ]
    assert ladder(books, 10) == []
    run_daily(books, d(6, 14), d(6, 15))  # Monday is also payer contact day
    assert ladder(books, 10) == [(d(6, 15), "payer_contact")]
    assert ladder(books, 10, Status.SKIPPED)[-1] == (d(6, 15), "call")


# --- rule 4: never twice ------------------------------------------------------------------


def test_a_rerun_the_same_day_records_nothing_new():
    books = standard_books()
    books.run(d(6, 2))
    books.run(d(6, 2))
    books.next_step_on.clear()  # a crash lost the next days: every invoice is passed
    books.run(d(6, 2))
    assert [a.key for _, a in books.actions()] == [
        "invoice:10:pre_due_reminder",
        "invoice:10:reminder",
    ]
    assert books.runs[1][2].actions == books.runs[2][2].actions == ()


def test_two_concurrent_runs_return_the_same_keys_so_the_second_is_refused():
    books = standard_books()
    snapshot = Snapshot(clients=books.clients, invoices=tuple(books.invoices.values()))
    first = decide(d(6, 2), snapshot, STANDARD)
    second = decide(d(6, 2), snapshot, STANDARD)
    assert [a.key for a in first.actions] == [a.key for a in second.actions]
    books._record(d(6, 2), first)
    with pytest.raises(Refused):
        books._record(d(6, 2), second)


def test_the_ladder_never_goes_back_to_a_step_below_one_taken():
    client = ClientFacts(1, "GB", tz="Europe/London")
    invoice = InvoiceFacts(10, 1, DUE, Decimal(1000), "EUR", taken={"formal_notice": d(6, 22)})
    decision = decide(d(6, 23), Snapshot({1: client}, (invoice,)), STANDARD)
    assert decision.actions == ()
    assert decision.next_step_on[10] == d(7, 1)


# --- rule 5: one message per client per day -----------------------------------------------


def test_two_invoices_with_steps_due_the_same_day_make_one_message_listing_both():
    books = Books()
    books.client(1, "GB")
    books.invoice(10, 1, d(6, 1))  # invoice copy due Monday 8 June
    books.invoice(11, 1, d(6, 7))  # reminder due Monday 8 June
    books.invoice(12, 1, d(6, 4))  # nothing due on 8 June
    run_daily(books, d(5, 26), d(6, 8))
    monday = [a for day, a in books.actions() if day == d(6, 8)]
    [head] = [a for a in monday if a.status is Status.PLANNED]
    [merged] = [a for a in monday if a.status is Status.MERGED]
    assert head.key == "invoice:10:invoice_copy"
    assert head.lines == (Line(10, 7, Decimal(1000)), Line(11, 1, Decimal(1000)))
    assert merged.key == "invoice:11:reminder"
    assert merged.merged_into == head.key
    assert books.invoices[11].taken["reminder"] == d(6, 8)


def test_a_client_already_sent_a_message_today_gets_the_next_one_tomorrow():
    books = standard_books()
    books.run(d(6, 2))
    books.invoice(11, 1, d(6, 1))  # entered at noon: its reminder is due today
    books.run(d(6, 2))
    assert ladder(books, 11) == []
    assert books.next_step_on[11] == d(6, 3)
    books.run(d(6, 3))
    assert ladder(books, 11) == [(d(6, 3), "reminder")]


# --- rule 6: disputes ---------------------------------------------------------------------


def test_a_dispute_pauses_the_ladder_and_resolving_it_resumes_where_it_was():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 8))
    books.dispute(10, on=d(6, 9))
    run_daily(books, d(6, 9), d(6, 18))
    assert planned(books, Kind.RESOLVE_DISPUTE) == [(d(6, 9), "dispute:1:resolve")]
    assert ladder(books, 10)[-1] == (d(6, 8), "invoice_copy")
    assert books.next_step_on[10] == NEVER
    books.resolve(1, on=d(6, 19))  # ten days paused: the call is due on Sunday 21 June
    run_daily(books, d(6, 19), d(7, 3))
    assert ladder(books, 10)[2:] == [
        (d(6, 8), "invoice_copy"),
        (d(6, 22), "call"),
        (d(6, 25), "payer_contact"),
        (d(7, 2), "formal_notice"),
    ]
    [(_, task)] = [(day, a) for day, a in books.actions() if a.kind is Kind.RESOLVE_DISPUTE]
    assert task.channels == (Channel.TASK,)
    assert not task.is_contact


# --- rule 7: promises ---------------------------------------------------------------------


def test_a_broken_promise_makes_a_call_task_then_the_ladder_resumes():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 8))
    books.promise(1, [10], on=d(6, 9), until=d(6, 12))  # pay by Friday 12 June
    run_daily(books, d(6, 9), d(6, 14))
    assert ladder(books, 10)[-1] == (d(6, 8), "invoice_copy")
    assert planned(books, Kind.BROKEN_PROMISE) == []
    assert books.next_step_on[10] == d(6, 15)  # the next business day after the 12th
    run_daily(books, d(6, 15), d(6, 23))
    [(day, task)] = [(day, a) for day, a in books.actions() if a.kind is Kind.BROKEN_PROMISE]
    assert (day, task.key, task.is_contact) == (d(6, 15), "promise:1:broken", True)
    assert task.lines == (Line(10, 14, Decimal(1000)),)
    # Six days paused: the call comes on the 17th, the payer contact on Monday the 22nd.
    assert ladder(books, 10)[-3:] == [
        (d(6, 8), "invoice_copy"),
        (d(6, 17), "call"),
        (d(6, 22), "payer_contact"),
    ]


def test_a_kept_promise_ends_the_chase():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 8))
    books.promise(1, [10], on=d(6, 9), until=d(6, 12))
    run_daily(books, d(6, 9), d(6, 11))
    books.pay(10)
    run_daily(books, d(6, 12), d(8, 31))
    assert ladder(books, 10)[-1] == (d(6, 8), "invoice_copy")
    assert planned(books, Kind.BROKEN_PROMISE) == []


# --- rule 8: payment plans ----------------------------------------------------------------


def plan_books() -> tuple[Books, int]:
    books = Books()
    books.client(1, "GB")
    books.invoice(10, 1, DUE, "900")
    run_daily(books, d(5, 20), d(6, 4))
    plan = books.plan(
        1, [10], on=d(6, 5), instalments=[(d(6, 15), "300"), (d(6, 29), "300"), (d(7, 13), "300")]
    )
    return books, plan


def test_a_plan_reminds_each_instalment_and_breaks_after_the_grace_days():
    books, plan = plan_books()
    run_daily(books, d(6, 5), d(6, 14))
    books.pay(10, "300")  # the first instalment, on its day
    run_daily(books, d(6, 15), d(7, 31))
    assert planned(books, Kind.INSTALMENT) == [
        (d(6, 12), f"plan:{plan}:1:pre_due_reminder"),
        (d(6, 26), f"plan:{plan}:2:pre_due_reminder"),
        (d(6, 30), f"plan:{plan}:2:reminder"),
    ]
    # The second instalment is more than 7 days late on 7 July: the plan is broken.
    [(day, broken)] = [(day, a) for day, a in books.actions() if a.kind is Kind.PLAN_BROKEN]
    assert (day, broken.key) == (d(7, 7), f"plan:{plan}:broken")
    assert books.plans[plan].broken_on == d(7, 7)
    # The ladder stood still from 5 June to 7 July and resumes on the 600 EUR left.
    assert ladder(books, 10) == [
        (d(5, 29), "pre_due_reminder"),
        (d(6, 2), "reminder"),
        (d(7, 10), "invoice_copy"),
        (d(7, 13), "call"),
        (d(7, 17), "payer_contact"),
        (d(7, 24), "formal_notice"),
    ]
    [(_, copy)] = [(day, a) for day, a in books.actions() if a.key == "invoice:10:invoice_copy"]
    assert copy.lines == (Line(10, 39, Decimal(600)),)


def test_a_plan_paid_on_time_breaks_nothing():
    books, plan = plan_books()
    for due in (d(6, 15), d(6, 29), d(7, 13)):
        run_daily(books, due - timedelta(days=10), due - timedelta(days=1))
        books.pay(10, "300")
    run_daily(books, d(7, 13), d(9, 30))
    assert [key for _, key in planned(books, Kind.INSTALMENT)] == [
        f"plan:{plan}:{n}:pre_due_reminder" for n in (1, 2, 3)
    ]
    assert planned(books, Kind.PLAN_BROKEN) == []
    assert ladder(books, 10)[-1] == (d(6, 2), "reminder")


def test_instalment_reminders_wait_out_a_snooze_and_catch_up():
    books, plan = plan_books()
    books.snooze(d(6, 10), d(7, 1), invoice_id=10)
    run_daily(books, d(6, 5), d(6, 11))
    books.pay(10, "300")  # the first instalment, early
    run_daily(books, d(6, 12), d(7, 1))
    # On 1 July the second instalment is a day late: its reminder goes, not its pre-due one.
    assert planned(books, Kind.INSTALMENT) == [(d(7, 1), f"plan:{plan}:2:reminder")]
    skipped = [a.key for _, a in books.actions(Status.SKIPPED) if a.kind is Kind.INSTALMENT]
    assert skipped == [f"plan:{plan}:2:pre_due_reminder"]
    assert planned(books, Kind.PLAN_BROKEN) == []


# --- rule 9: credit hold and work stop lift themselves ------------------------------------


def test_the_credit_hold_and_the_work_stop_lift_when_nothing_is_overdue():
    books = Books()
    books.client(1, "GB")
    books.invoice(10, 1, DUE, contract_id=7, work_stop_grace_days=30)
    books.invoice(11, 1, d(6, 10))
    run_daily(books, d(5, 20), d(7, 1))
    [head] = [a for day, a in books.actions(Status.PLANNED) if day == d(7, 1)]
    merged = [a.key for day, a in books.actions(Status.MERGED) if day == d(7, 1)]
    assert head.key == "invoice:10:work_stop"
    assert merged == ["invoice:10:credit_hold", "invoice:11:formal_notice"]
    [hold] = books.holds.values()
    [stop] = books.work_stops.values()
    assert (hold.client_id, stop.contract_id) == (1, 7)
    books.pay(10)  # contract 7 is settled; invoice 11 is still overdue
    run_daily(books, d(7, 2), d(7, 10))
    assert planned(books, Kind.WORK_RESUMED) == [(d(7, 2), f"work_stop:{stop.id}:resumed")]
    assert planned(books, Kind.HOLD_LIFTED) == []
    assert books.holds and not books.work_stops
    books.pay(11)  # paid on Friday evening: the notice goes on Monday
    run_daily(books, d(7, 11), d(7, 20))
    assert planned(books, Kind.HOLD_LIFTED) == [(d(7, 13), f"hold:{hold.id}:lifted")]
    assert not books.holds


# --- rule 10: snoozes ---------------------------------------------------------------------


def test_an_invoice_snooze_pauses_it_and_the_ladder_resumes_where_it_was():
    books = standard_books()
    books.invoice(11, 1, DUE)
    run_daily(books, d(5, 20), d(6, 8))
    books.snooze(d(6, 9), d(6, 19), invoice_id=10)
    run_daily(books, d(6, 9), d(6, 25))
    both = (Status.PLANNED, Status.MERGED)
    assert ladder(books, 11, *both)[3:5] == [(d(6, 11), "call"), (d(6, 15), "payer_contact")]
    assert ladder(books, 10, *both)[2:] == [
        (d(6, 8), "invoice_copy"),
        (d(6, 22), "call"),
        (d(6, 25), "payer_contact"),
    ]


def test_a_client_snooze_pauses_every_invoice_and_the_broken_promise_call():
    books = standard_books()
    books.invoice(11, 1, d(6, 3))
    run_daily(books, d(5, 20), d(6, 8))
    books.promise(1, [11], on=d(6, 8), until=d(6, 10))  # checked on Thursday the 11th
    books.snooze(d(6, 9), d(6, 16), client_id=1)
    run_daily(books, d(6, 9), d(6, 15))
    assert [day for day, _ in books.actions() if day > d(6, 8)] == []
    run_daily(books, d(6, 16), d(6, 16))
    assert planned(books, Kind.BROKEN_PROMISE) == [(d(6, 16), "promise:1:broken")]


def test_the_broken_promise_call_leaves_out_a_disputed_invoice():
    books = standard_books()
    books.invoice(11, 1, d(6, 3))
    run_daily(books, d(5, 20), d(6, 8))
    books.promise(1, [10, 11], on=d(6, 8), until=d(6, 10))
    books.dispute(11, on=d(6, 9))
    run_daily(books, d(6, 9), d(6, 20))
    [(day, call)] = [(day, a) for day, a in books.actions() if a.kind is Kind.BROKEN_PROMISE]
    assert day == d(6, 11)
    assert [line.invoice_id for line in call.lines] == [10]


def test_a_broken_promise_on_a_disputed_invoice_waits_for_the_dispute():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 8))
    promise = books.promise(1, [10], on=d(6, 8), until=d(6, 10))
    dispute = books.dispute(10, on=d(6, 9))
    run_daily(books, d(6, 9), d(6, 16))
    assert planned(books, Kind.BROKEN_PROMISE) == []
    books.resolve(dispute, on=d(6, 17))
    run_daily(books, d(6, 17), d(6, 17))
    assert planned(books, Kind.BROKEN_PROMISE) == [(d(6, 17), f"promise:{promise}:broken")]


# --- rule 11: a response spares the credit hold -------------------------------------------


def test_no_credit_hold_for_a_client_who_answered_after_the_first_reminder():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 4))
    books.respond(1, d(6, 5))
    run_daily(books, d(6, 5), d(7, 31))
    assert (d(7, 1), "credit_hold") not in ladder(books, 10)
    [skipped] = [a for _, a in books.actions(Status.SKIPPED) if a.step == "credit_hold"]
    assert skipped.reason == "the client responded after the first reminder"
    assert ladder(books, 10)[-1] == (d(7, 16), "demand_letter")
    assert books.holds == {}


def test_a_response_before_the_first_reminder_does_not_count():
    books = standard_books(last_response_on=d(5, 15))
    run_daily(books, d(5, 20), d(7, 1))
    assert ladder(books, 10)[-1] == (d(7, 1), "credit_hold")
    assert len(books.holds) == 1


def test_a_promise_counts_as_a_response():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 8))
    books.promise(1, [10], on=d(6, 9), until=d(6, 12))
    run_daily(books, d(6, 9), d(7, 31))
    assert "credit_hold" not in [step for _, step in ladder(books, 10)]
    assert "credit_hold" in [step for _, step in ladder(books, 10, Status.SKIPPED)]


def test_a_promise_made_before_the_due_date_and_broken_restarts_the_ladder_at_the_due_date():
    books = standard_books()
    run_daily(books, d(5, 15), d(5, 19))
    books.promise(1, [10], on=d(5, 20), until=d(6, 1))  # pay by the due date itself
    run_daily(books, d(5, 20), d(6, 10))
    # Judged on Tuesday 2 June; the days paused before the due date do not count, so the
    # stale pre-due reminder is skipped and the polite reminder follows the next day.
    assert [a.key for _, a in books.actions() if a.kind is Kind.BROKEN_PROMISE] == [
        "promise:1:broken"
    ]
    assert ladder(books, 10) == [(d(6, 3), "reminder"), (d(6, 9), "invoice_copy")]
    [stale] = ladder(books, 10, Status.SKIPPED)
    assert stale == (d(6, 2), "pre_due_reminder")


def test_a_response_long_before_a_first_catch_up_run_does_not_stop_the_credit_hold():
    books = standard_books(last_response_on=date(2025, 3, 1))
    books.run(d(7, 1))  # the first run ever, 30 days after the due date
    assert ladder(books, 10) == [(d(7, 1), "credit_hold")]


def test_a_dispute_on_an_invoice_paid_meanwhile_makes_no_task():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 8))
    books.dispute(10, on=d(6, 9))
    books.pay(10)  # paid the same day, before the run
    run_daily(books, d(6, 9), d(6, 30))
    assert planned(books, Kind.RESOLVE_DISPUTE) == []


def test_a_broken_promise_leaves_out_what_is_below_the_minimum():
    books = Books(policy=replace(STANDARD, minimum_balances=(("EUR", Decimal(50)),)))
    books.client(1, country="GB")
    books.invoice(10, 1, DUE)
    books.invoice(11, 1, DUE)
    run_daily(books, d(5, 20), d(6, 8))
    books.promise(1, [10, 11], on=d(6, 9), until=d(6, 12))
    books.pay(10, 980)  # 20 EUR left: below the minimum
    books.pay(11, 900)  # 100 EUR left
    run_daily(books, d(6, 9), d(6, 15))
    [(_, task)] = [(day, a) for day, a in books.actions() if a.kind is Kind.BROKEN_PROMISE]
    assert [line.invoice_id for line in task.lines] == [11]
    books.pay(11, 60)  # 40 EUR left on each: nothing worth a call
    books.promise(1, [10, 11], on=d(6, 16), until=d(6, 19))
    run_daily(books, d(6, 16), d(6, 30))
    assert len([a for _, a in books.actions() if a.kind is Kind.BROKEN_PROMISE]) == 1


def test_a_newer_promise_replaces_the_older_one_on_the_same_invoice():
    books = standard_books()
    run_daily(books, d(5, 20), d(6, 8))
    books.promise(1, [10], on=d(6, 9), until=d(6, 12))
    books.promise(1, [10], on=d(6, 11), until=d(6, 19))  # asked for another week
    run_daily(books, d(6, 9), d(6, 30))
    calls = [(day, a.key) for day, a in books.actions() if a.kind is Kind.BROKEN_PROMISE]
    assert calls == [(d(6, 22), "promise:2:broken")]  # Monday after the 19th; one call
