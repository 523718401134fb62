"""The ladder day by day, through the database and `collections_run`, as the playbook tells it.

Each scenario runs the daily job over real dates of 2026 and compares what was recorded, in
order, with the playbook: which step, on which day, and when in the client's own day.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, time, timedelta

import pytest

from owed.dunning.models import Action, Hold, Run
from tests.dunning.books import day

pytestmark = pytest.mark.django_db

PLANNED = "planned"


def test_a_gb_invoice_walks_the_whole_ladder_and_weekends_wait_for_monday(books):
    acme = books.client("ACME", "GB")
    invoice = books.invoice(acme, "INV-0042", "2026-03-19", 1200)  # a Thursday

    reports = books.run_daily("2026-03-14", "2026-07-20")

    assert len(reports) == 129
    assert books.trail(invoice=invoice) == [
        ("pre_due_reminder", PLANNED, "2026-03-16"),  # day -3
        ("reminder", PLANNED, "2026-03-20"),  # day 1
        ("invoice_copy", PLANNED, "2026-03-26"),  # day 7
        ("call", PLANNED, "2026-03-30"),  # day 10 is Sunday 29 March: Monday
        ("payer_contact", PLANNED, "2026-04-02"),  # day 14
        ("formal_notice", PLANNED, "2026-04-09"),  # day 21
        ("credit_hold", PLANNED, "2026-04-20"),  # day 30 is Saturday 18 April: Monday
        # Day 45 is Sunday 3 May, and Monday 4 May the Early May bank holiday.
        ("demand_letter", PLANNED, "2026-05-05"),
        ("agency_handoff", PLANNED, "2026-06-17"),  # day 90
        ("legal", PLANNED, "2026-07-17"),  # day 120
    ]
    actions = books.actions(invoice=invoice)
    # Every step goes out at 08:00 in London: GMT before the clocks change on 29 March,
    # BST after, so the stored instant moves from 08:00 to 07:00 UTC.
    assert {(books.local(a).date(), books.local(a).time()) for a in actions} == {
        (a.decided_on, time(8)) for a in actions
    }
    assert {a.timezone for a in actions} == {"Europe/London"}
    assert [a.scheduled_for.astimezone(UTC).hour for a in actions] == [8] * 3 + [7] * 7
    assert all(a.decided_on.weekday() < 5 for a in actions)
    assert [books.lines(a) for a in actions] == [
        [("INV-0042", days)] for days in (-3, 1, 7, 11, 14, 21, 32, 47, 90, 120)
    ]
    hold = Hold.objects.get()
    assert (hold.client, hold.since, hold.lifted_on) == (acme, day("2026-04-20"), None)
    assert Run.objects.filter(status=Run.Status.DONE).count() == 129


def test_a_vietnamese_client_hears_at_07_00_saigon_time_on_vietnamese_working_days(books):
    sen = books.client("SEN", "VN")
    invoice = books.invoice(sen, "HD-0815", "2026-08-21", 15_000_000)  # a Friday

    books.run_daily("2026-08-15", "2026-10-06")

    assert books.trail(invoice=invoice) == [
        ("pre_due_reminder", PLANNED, "2026-08-18"),
        # Saturday 22 August 2026 is a working day in Vietnam (in lieu of Monday 31).
        ("reminder", PLANNED, "2026-08-22"),
        ("invoice_copy", PLANNED, "2026-08-28"),
        # Day 10 is Monday 31 August, a day off, then National Day on 1-2 September.
        ("call", PLANNED, "2026-09-03"),
        ("payer_contact", PLANNED, "2026-09-04"),
        ("formal_notice", PLANNED, "2026-09-11"),
        ("credit_hold", PLANNED, "2026-09-21"),  # day 30 is Sunday 20 September
        ("demand_letter", PLANNED, "2026-10-05"),
    ]
    actions = books.actions(invoice=invoice)
    assert {a.timezone for a in actions} == {"Asia/Ho_Chi_Minh"}
    assert {(books.local(a).date(), books.local(a).time()) for a in actions} == {
        (a.decided_on, time(7)) for a in actions
    }
    assert {books.local(a).utcoffset() for a in actions} == {timedelta(hours=7)}


def test_over_tet_a_vietnamese_invoice_waits_and_then_gets_only_its_latest_step(books):
    sen = books.client("SEN", "VN")
    invoice = books.invoice(sen, "HD-0210", "2026-02-10", 15_000_000)  # a Tuesday

    books.run_daily("2026-02-05", "2026-02-25")

    # Tết holidays run from 16 to 20 February 2026, then a weekend: the invoice copy (day
    # 7, 17 February) waits; when the call comes due too, only the call goes out, on the
    # first working day after Tết, and the copy is recorded as skipped.
    assert books.trail(invoice=invoice) == [
        ("pre_due_reminder", PLANNED, "2026-02-09"),  # day -3 is Saturday 7 February
        ("reminder", PLANNED, "2026-02-11"),
        ("invoice_copy", "skipped", "2026-02-20"),
        ("call", PLANNED, "2026-02-23"),
        ("payer_contact", PLANNED, "2026-02-24"),
    ]
    skipped = Action.objects.get(step="invoice_copy")
    assert skipped.reason == "catch-up: call is due"


def test_an_iranian_client_has_a_friday_weekend_and_hears_at_08_00_tehran_time(books):
    pars = books.client("PARS", "IR")
    invoice = books.invoice(pars, "IR-0421", "2026-04-21", 150_000_000)  # a Tuesday

    books.run_daily("2026-04-15", "2026-05-22")

    assert books.trail(invoice=invoice) == [
        ("pre_due_reminder", PLANNED, "2026-04-18"),  # a Saturday: a working day in Iran
        ("reminder", PLANNED, "2026-04-22"),
        ("invoice_copy", PLANNED, "2026-04-28"),
        ("call", PLANNED, "2026-05-02"),  # day 10 is Friday 1 May: Saturday
        ("payer_contact", PLANNED, "2026-05-05"),
        ("formal_notice", PLANNED, "2026-05-12"),
        ("credit_hold", PLANNED, "2026-05-21"),  # a Thursday, a working day too
    ]
    actions = books.actions(invoice=invoice)
    assert {a.timezone for a in actions} == {"Asia/Tehran"}
    assert {(books.local(a).date(), books.local(a).time()) for a in actions} == {
        (a.decided_on, time(8)) for a in actions
    }
    assert {books.local(a).utcoffset() for a in actions} == {timedelta(hours=3, minutes=30)}


def test_a_thai_individual_may_be_contacted_at_weekends_a_thai_business_may_not(books):
    somchai = books.client("SOMCHAI", "TH", kind="individual")
    siam = books.client("SIAM", "TH")
    personal = books.invoice(somchai, "TH-1", "2026-06-12", 15_000)  # a Friday
    business = books.invoice(siam, "TH-2", "2026-06-12", 15_000)

    books.run_daily("2026-06-05", "2026-07-13")

    assert books.trail(invoice=personal) == [
        ("pre_due_reminder", PLANNED, "2026-06-09"),
        ("reminder", PLANNED, "2026-06-13"),  # Saturday, from 08:00 (08:00-18:00)
        ("invoice_copy", PLANNED, "2026-06-19"),
        ("call", PLANNED, "2026-06-22"),
        ("payer_contact", PLANNED, "2026-06-26"),
        ("formal_notice", PLANNED, "2026-07-03"),
        ("credit_hold", PLANNED, "2026-07-12"),  # Sunday
    ]
    assert books.trail(invoice=business) == [
        ("pre_due_reminder", PLANNED, "2026-06-09"),
        ("reminder", PLANNED, "2026-06-15"),
        ("invoice_copy", PLANNED, "2026-06-19"),
        ("call", PLANNED, "2026-06-22"),
        ("payer_contact", PLANNED, "2026-06-26"),
        ("formal_notice", PLANNED, "2026-07-03"),
        ("credit_hold", PLANNED, "2026-07-13"),
    ]
    actions = books.actions(client=somchai)
    assert {a.timezone for a in actions} == {"Asia/Bangkok"}
    assert {(books.local(a).date(), books.local(a).time()) for a in actions} == {
        (a.decided_on, time(8)) for a in actions
    }


def test_a_thai_individual_gets_one_contact_a_day_the_rest_waits_for_the_next(books):
    from owed.dunning.services import promise_record

    somchai = books.client("SOMCHAI", "TH", kind="individual")
    first = books.invoice(somchai, "TH-A", "2026-06-05", 15_000)
    second = books.invoice(somchai, "TH-B", "2026-06-16", 15_000)
    books.run_daily("2026-06-02", "2026-06-08")
    promise_record(
        organization=books.org, invoices=[first], until=day("2026-06-16"), on=day("2026-06-08")
    )

    books.run_daily("2026-06-09", "2026-06-25")

    # 17 June: the promise on TH-A is broken (a call) and TH-B's reminder is due; the
    # call goes first, the reminder the next day.
    assert books.trail(client=somchai) == [
        ("pre_due_reminder", PLANNED, "2026-06-02"),
        ("reminder", PLANNED, "2026-06-06"),
        ("pre_due_reminder", PLANNED, "2026-06-13"),
        ("broken_promise", PLANNED, "2026-06-17"),
        ("reminder", PLANNED, "2026-06-18"),
        ("invoice_copy", PLANNED, "2026-06-21"),
        ("invoice_copy", PLANNED, "2026-06-23"),
        ("call", PLANNED, "2026-06-24"),
    ]
    assert books.trail(invoice=second)[1] == ("reminder", PLANNED, "2026-06-18")
    assert books.contacts_a_day(somchai) == {1}


def test_a_thai_individual_whose_hold_lifts_on_a_reminder_day_gets_one_contact(books):
    somchai = books.client("SOMCHAI", "TH", kind="individual")
    late = books.invoice(somchai, "TH-A", "2026-06-05", 15_000)
    books.run_daily("2026-06-02", "2026-07-06")
    assert Hold.objects.filter(client=somchai, lifted_on=None).exists()  # since 5 July
    books.invoice(somchai, "TH-B", "2026-07-10", 15_000)
    books.pay(late, "2026-07-06")

    books.run_daily("2026-07-07", "2026-07-09")

    # 7 July: TH-B's pre-due reminder and the lifted hold are both due; the law allows one
    # contact, so the hold-lifted notice waits for 8 July.
    assert books.contacts_on(somchai, "2026-07-07") == ["pre_due_reminder"]
    assert books.contacts_on(somchai, "2026-07-08") == ["hold_lifted"]
    assert Hold.objects.get(client=somchai).lifted_on == day("2026-07-08")


def test_a_thai_individual_contacted_by_an_earlier_run_gets_nothing_more_that_day(books):
    from owed.dunning.services import promise_record

    somchai = books.client("SOMCHAI", "TH", kind="individual")
    first = books.invoice(somchai, "TH-A", "2026-06-05", 15_000)
    books.run_daily("2026-06-02", "2026-06-08")
    promise_record(
        organization=books.org, invoices=[first], until=day("2026-06-16"), on=day("2026-06-08")
    )
    books.run_daily("2026-06-09", "2026-06-17")  # 17 June: the broken-promise call
    books.invoice(somchai, "TH-B", "2026-06-20", 15_000)  # pre-due reminder due 17 June

    books.run("2026-06-17")  # the run again the same day, after the new invoice came in
    books.run("2026-06-18")

    assert books.contacts_on(somchai, "2026-06-17") == ["broken_promise"]
    assert books.contacts_on(somchai, "2026-06-18") == ["pre_due_reminder"]


def test_a_client_in_a_country_of_several_zones_hears_in_its_own_zone_or_the_orgs(books):
    boston = books.client("BOS", "US", timezone="America/New_York")
    anywhere = books.client("ANY", "US")  # no zone given: the organization's
    books.invoice(boston, "US-1", "2026-03-19", 500)
    books.invoice(anywhere, "US-2", "2026-03-19", 500)

    books.run("2026-03-20")

    reminders = {a.client.code: a for a in books.actions(status=PLANNED)}
    assert books.local(reminders["BOS"]).isoformat() == "2026-03-20T08:00:00-04:00"
    assert books.local(reminders["ANY"]).isoformat() == "2026-03-20T08:00:00+07:00"
    assert reminders["ANY"].timezone == books.org.timezone == "Asia/Ho_Chi_Minh"


def test_after_15_days_without_a_run_only_the_latest_step_goes_out(books):
    acme = books.client("ACME", "GB")
    invoice = books.invoice(acme, "INV-0042", "2026-03-19", 1200)
    books.run_daily("2026-03-16", "2026-03-17")

    books.run("2026-04-02")  # no run from 18 March to 1 April
    books.run_daily("2026-04-03", "2026-04-09")

    trail = books.trail(invoice=invoice)
    assert trail[0] == ("pre_due_reminder", PLANNED, "2026-03-16")
    assert sorted(trail[1:4]) == [
        ("call", "skipped", "2026-04-02"),
        ("invoice_copy", "skipped", "2026-04-02"),
        ("reminder", "skipped", "2026-04-02"),
    ]
    assert trail[4:] == [
        ("payer_contact", PLANNED, "2026-04-02"),
        ("formal_notice", PLANNED, "2026-04-09"),
    ]
    skipped = books.actions(invoice=invoice, status="skipped")
    assert {a.reason for a in skipped} == {"catch-up: payer_contact is due"}
    assert Action.objects.filter(decided_on=day("2026-04-02"), status=PLANNED).count() == 1


def test_steps_due_the_same_day_for_one_client_go_out_as_one_message(books):
    acme = books.client("ACME", "GB")
    newest = books.invoice(acme, "INV-1", "2026-03-19", 100)
    middle = books.invoice(acme, "INV-2", "2026-03-13", 200)
    oldest = books.invoice(acme, "INV-3", "2026-03-06", 300)

    books.run_daily("2026-03-01", "2026-03-20")

    # 16 March: INV-3's call (day 10), INV-2's reminder (due Saturday 14 March) and INV-1's
    # pre-due reminder: one action at the most advanced step lists all three.
    head = Action.objects.get(key=f"invoice:{oldest.pk}:call")
    assert (head.status, head.decided_on) == (PLANNED, day("2026-03-16"))
    assert books.lines(head) == [("INV-3", 10), ("INV-2", 3), ("INV-1", -3)]
    merged = books.actions(merged_into=head)
    assert [(a.invoice, a.step, a.status, a.reason) for a in merged] == [
        (newest, "pre_due_reminder", "merged", "merged into call"),
        (middle, "reminder", "merged", "merged into call"),
    ]
    friday = Action.objects.get(key=f"invoice:{oldest.pk}:payer_contact")
    assert books.lines(friday) == [("INV-3", 14), ("INV-2", 7), ("INV-1", 1)]
    assert [(a.invoice, a.step) for a in books.actions(merged_into=friday)] == [
        (newest, "reminder"),
        (middle, "invoice_copy"),
    ]
    planned_by_day = Counter(a.decided_on for a in books.actions(client=acme, status=PLANNED))
    assert set(planned_by_day.values()) == {1}


def test_a_client_sent_a_message_by_an_earlier_run_gets_the_next_one_tomorrow(books):
    acme = books.client("ACME", "GB")
    books.invoice(acme, "INV-1", "2026-03-17", 1200)
    books.run("2026-03-18")  # the reminder
    later = books.invoice(acme, "INV-2", "2026-03-21", 500)  # pre-due reminder due today

    again = books.run("2026-03-18")
    books.run("2026-03-19")

    assert again.recorded == []
    assert books.trail(invoice=later) == [("pre_due_reminder", PLANNED, "2026-03-19")]
