"""Every page renders for a member, with what it is for; anonymous users log in first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from owed.core.localize import format_amount, format_date
from owed.dunning.models import Action, Hold, WorkStop
from owed.dunning.services import dispute_open, promise_record
from tests.web.conftest import _planned, make_books

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/", "/receivables/", "/receivables/export.csv", "/clients/HOASEN/", "/invoices/INV-001/"],
)
def test_an_anonymous_visitor_is_sent_to_the_log_in_page(client, books, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_an_htmx_request_without_a_session_redirects_the_whole_page(client, books):
    response = client.post(f"/actions/{books.call.pk}/skip/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/login/?next=")


def test_today_lists_the_planned_call_before_the_reminder_with_client_invoices_and_amounts(
    web, books
):
    page = text(web.get("/"))
    call_at = page.index('id="step-call"')
    reminder_at = page.index('id="step-reminder"')
    assert call_at < reminder_at
    assert "Công ty TNHH Hoa Sen" in page
    assert "INV-001" in page and "INV/002" in page
    assert format_amount(books.overdue.total, "VND", "en") in page
    assert f'action="/actions/{books.call.pk}/call/"' in page
    assert f'action="/actions/{books.reminder.pk}/skip/"' in page
    # The call form is only offered for calls.
    assert f'action="/actions/{books.reminder.pk}/call/"' not in page


def test_calls_come_first_then_other_tasks_then_messages(web, books, org):
    _planned(org, books.client, books.recent, "agency_handoff", "task", books.today)
    page = text(web.get("/"))
    call = page.index('id="step-call"')
    assert call < page.index('id="step-agency_handoff"') < page.index('id="step-reminder"')


def test_in_a_step_the_largest_share_of_the_receivables_comes_first(web, books, org):
    small = _planned(org, books.client, books.recent, "callback", "task", books.today)
    big = _planned(org, books.client, books.overdue, "callback", "task", books.today)
    page = text(web.get("/"))
    assert page.index(f'id="action-{big.pk}"') < page.index(f'id="action-{small.pk}"')


def test_today_leaves_out_what_is_done_and_what_is_planned_for_later(web, books):
    Action.objects.filter(pk=books.reminder.pk).update(status=Action.Status.SENT)
    Action.objects.filter(pk=books.call.pk).update(
        scheduled_for=books.call.scheduled_for + timedelta(days=2)
    )
    page = text(web.get("/"))
    assert f'id="action-{books.reminder.pk}"' not in page
    assert f'id="action-{books.call.pk}"' not in page
    assert "Nothing is planned for today." in page
    assert "owed run" in page  # the empty state says what to do


def test_today_shows_what_a_run_planned_for_an_earlier_day_and_not_yet_done(
    web, org, own_run_lock_folder
):
    from tests.dunning.books import Books as Ledger

    ledger = Ledger(org)
    client = ledger.client("RUN", "GB")
    today = org.today()
    # A Wednesday at least a week back: a working day for a British business.
    run_day = today - timedelta(days=7 + (today.weekday() - 2) % 7)
    ledger.invoice(client, "RUN-1", run_day - timedelta(days=1), 500)
    ledger.run(run_day)
    planned = Action.objects.get(organization=org, client=client, status="planned")
    assert planned.step == "reminder"
    page = text(web.get("/"))
    assert f'id="action-{planned.pk}"' in page
    assert "RUN-1" in page


def test_receivables_shows_aging_by_currency_and_the_open_invoices(web, books):
    page = text(web.get("/receivables/"))
    assert "Aging" in page
    assert "1-30 days late" in page and "31-60 days late" in page
    assert "INV-001" in page and "INV/002" in page
    assert "INV-003" not in page  # paid
    assert 'class="bar bar-31_60 w-' in page  # the CSS bar chart


def test_the_client_page_has_timeline_contacts_terms_history_and_grade(web, books):
    promise_record(
        organization=books.org,
        invoices=[books.overdue],
        until=books.today + timedelta(days=5),
        on=books.today,
    )
    page = text(web.get("/clients/HOASEN/"))
    assert "Timeline" in page
    assert "Promise to pay" in page
    assert format_date(books.today + timedelta(days=5), "en") in page
    assert "Invoice issued" in page and "Payment received" in page
    assert "Nguyễn Văn An" in page and "an@hoasen.example" in page
    assert "K-1" in page and "Work stops after" in page
    assert "Payment history" in page
    # 4 invoices judged: 40 and 12 days late (open), on time, 20 days late: 18 on average.
    assert '<p class="grade grade-C">C</p>' in page
    assert "<dd>18</dd>" in page


def test_the_client_page_warns_of_a_credit_hold_and_a_work_stop(web, books):
    page = text(web.get("/clients/HOASEN/"))
    assert "banner" not in page
    Hold.objects.create(organization=books.org, client=books.client, since=books.today)
    WorkStop.objects.create(organization=books.org, contract=books.contract, since=books.today)
    page = text(web.get("/clients/HOASEN/"))
    assert 'class="banner danger"' in page and "Credit hold" in page
    assert 'class="banner warning"' in page and "Work under contract K-1 is stopped" in page


def test_the_invoice_page_shows_balance_ladder_next_step_and_interest(web, books):
    page = text(web.get("/invoices/INV-001/"))
    assert format_amount(books.overdue.total, "VND", "en") in page
    assert "Last step" in page and "Call" in page  # the planned call is the last step taken
    assert "Next step" in page and "Message to the payer" in page
    assert "Interest to date" in page
    assert "Statutory interest" in page  # Vietnamese law, from the client's country
    for name in ("payment", "promise", "plan", "dispute", "snooze", "write_off"):
        assert f'name="form" value="{name}"' in page
    assert 'name="form" value="resolve"' not in page


def test_an_invoice_number_with_a_slash_has_its_page(web, books):
    assert web.get(reverse("web:invoice", args=["INV/002"])).status_code == 200


def test_the_invoice_page_says_why_interest_cannot_be_computed(web, books):
    books.client.country = "JP"
    books.client.save()
    page = text(web.get("/invoices/INV/002/"))
    assert "Interest cannot be computed:" in page
    assert "no late-payment interest rules for JP" in page


def test_a_disputed_invoice_offers_to_resolve_and_says_it_is_paused(web, books):
    dispute_open(
        organization=books.org, invoice=books.overdue, reason="Wrong hours", on=books.today
    )
    page = text(web.get("/invoices/INV-001/"))
    assert 'name="form" value="resolve"' in page
    assert 'name="form" value="dispute"' not in page
    assert "Disputed since" in page and "Wrong hours" in page


def test_a_paid_invoice_offers_no_promise_plan_or_dispute(web, books):
    page = text(web.get("/invoices/INV-003/"))
    assert "none: nothing is owed" in page
    for name in ("promise", "plan", "dispute", "snooze", "write_off"):
        assert f'name="form" value="{name}"' not in page


def test_the_log_in_page_renders_without_a_session(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'name="username"' in text(response)


def test_pages_that_do_not_exist_are_404(web, books):
    assert web.get("/clients/NOBODY/").status_code == 404
    assert web.get("/invoices/NOPE/").status_code == 404
    assert web.post("/actions/999999/skip/", {"skip-999999-reason": "x"}).status_code == 404


def queries_for(web, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert web.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/receivables/", "/receivables/export.csv"])
def test_today_and_receivables_take_as_many_queries_for_many_clients_as_for_one(web, books, url):
    web.get(url)  # the first request of a session also reads the session and the user
    with_one = queries_for(web, url)
    for n in range(4):
        make_books(books.org, prefix=f"B{n}-", code=f"B{n}")

    with_five = queries_for(web, url)

    assert with_five == with_one
