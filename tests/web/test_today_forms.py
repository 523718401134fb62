"""Skip, snooze and log a call from Today: each goes through the collections services, is
logged on the client's record and has the invoices planned again; bad input shows the
form again with its errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from owed.dunning.models import Action, Interaction, Promise, Snooze
from owed.ledger.models import Invoice

pytestmark = pytest.mark.django_db


def _set_next_look(*invoices, day):
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(next_step_on=day)


def test_skipping_an_action_records_why_logs_it_and_replans(web, books):
    _set_next_look(books.recent, day=books.today + timedelta(days=9))
    response = web.post(
        f"/actions/{books.reminder.pk}/skip/",
        {f"skip-{books.reminder.pk}-reason": "Paid by cash yesterday"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    books.reminder.refresh_from_db()
    assert books.reminder.status == Action.Status.SKIPPED
    assert books.reminder.reason == "Paid by cash yesterday"
    note = Interaction.objects.get(client=books.client, channel="note")
    assert "Paid by cash yesterday" in note.note
    assert Invoice.objects.get(pk=books.recent.pk).next_step_on is None
    page = web.get("/").content.decode()
    assert "Skipped: Công ty TNHH Hoa Sen." in page
    assert f'id="action-{books.reminder.pk}"' not in page


def test_a_skip_without_a_reason_shows_the_form_again(web, books):
    response = web.post(
        f"/actions/{books.reminder.pk}/skip/", {f"skip-{books.reminder.pk}-reason": "  "}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "This field is required." in page
    assert 'aria-invalid="true"' in page
    books.reminder.refresh_from_db()
    assert books.reminder.status == Action.Status.PLANNED


def test_snoozing_an_action_snoozes_its_invoices_and_skips_it(web, books):
    until = books.today + timedelta(days=14)
    response = web.post(
        f"/actions/{books.reminder.pk}/snooze/",
        {
            f"snooze-{books.reminder.pk}-until": until.isoformat(),
            f"snooze-{books.reminder.pk}-note": "Holiday",
        },
    )
    assert response.status_code == 302
    snooze = Snooze.objects.get(invoice=books.recent)
    assert snooze.until == until and snooze.note == "Holiday"
    books.reminder.refresh_from_db()
    assert books.reminder.status == Action.Status.SKIPPED
    assert books.reminder.reason == f"snoozed until {until}"


@pytest.mark.parametrize("until", ["", "not a date", "2026-02-31", "today"])
def test_a_snooze_needs_a_real_day_after_today(web, books, until):
    if until == "today":
        until = books.today.isoformat()
    response = web.post(
        f"/actions/{books.reminder.pk}/snooze/", {f"snooze-{books.reminder.pk}-until": until}
    )
    assert response.status_code == 422
    assert 'class="errorlist"' in response.content.decode()
    assert not Snooze.objects.exists()


def test_a_reached_call_with_a_promise_records_the_promise_and_closes_the_task(web, books):
    until = books.today + timedelta(days=7)
    prefix = f"call-{books.call.pk}"
    response = web.post(
        f"/actions/{books.call.pk}/call/",
        {
            f"{prefix}-reached": "yes",
            f"{prefix}-reason": "cash_flow",
            f"{prefix}-promised_for": until.isoformat(),
            f"{prefix}-note": "Will pay after their client pays",
        },
    )
    assert response.status_code == 302
    books.call.refresh_from_db()
    assert books.call.status == Action.Status.DONE
    call = Interaction.objects.get(client=books.client, channel="call")
    assert call.reason == "cash_flow" and call.is_response
    promise = Promise.objects.get(client=books.client)
    assert promise.until == until
    assert set(promise.invoices.all()) == {books.overdue, books.recent}
    # Cash-flow trouble: call_log also plans a payment-plan proposal.
    assert Action.objects.filter(client=books.client, step="propose_plan").exists()


def test_an_unanswered_call_plans_a_call_back(web, books):
    prefix = f"call-{books.call.pk}"
    response = web.post(f"/actions/{books.call.pk}/call/", {f"{prefix}-reached": "no"})
    assert response.status_code == 302
    assert Interaction.objects.get(channel="call").summary == "Call: not reached"
    assert Action.objects.filter(client=books.client, step="callback", status="planned").exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "This field is required."),
        ({"reached": "yes"}, "Say why the client has not paid."),
        ({"reached": "maybe"}, "Select a valid choice."),
        ({"reached": "yes", "reason": "aliens"}, "Select a valid choice."),
        (
            {"reached": "no", "promised_for": "2099-01-01"},
            "A promise needs a call that reached the client.",
        ),
        (
            {"reached": "yes", "reason": "forgot", "promised_for": "2000-01-01"},
            "Choose today or a later day.",
        ),
    ],
)
def test_a_call_form_with_bad_input_is_shown_again_with_the_error(web, books, data, error):
    prefix = f"call-{books.call.pk}"
    response = web.post(
        f"/actions/{books.call.pk}/call/", {f"{prefix}-{k}": v for k, v in data.items()}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert error in page
    assert f'id="action-{books.call.pk}"' in page
    assert '<details class="disclosure" open>' in page  # the form with errors stays open
    assert not Interaction.objects.exists()


def test_an_action_already_done_cannot_be_skipped(web, books):
    Action.objects.filter(pk=books.reminder.pk).update(status=Action.Status.SENT)
    response = web.post(
        f"/actions/{books.reminder.pk}/skip/", {f"skip-{books.reminder.pk}-reason": "late"}
    )
    assert response.status_code == 404


def test_today_answers_htmx_form_posts_with_the_page_to_swap(web, books):
    response = web.post(
        f"/actions/{books.reminder.pk}/skip/",
        {f"skip-{books.reminder.pk}-reason": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'id="page"' in response.content.decode()


def test_the_forms_only_get_and_post_where_they_should(web, books):
    assert web.get(f"/actions/{books.call.pk}/call/").status_code == 405
    assert web.post("/", {}).status_code == 405
    assert web.post("/receivables/", {}).status_code == 405
    # The client page takes only its portal-link forms: anything else is a bad request.
    assert web.post("/clients/HOASEN/", {}).status_code == 400
