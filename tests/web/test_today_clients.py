"""Each client once in a step's group on Today: when a step was planned on different days
for different invoices of one client (a call about INV-1 last week, one about INV/002
today), the client has one row with both actions, the newest first and the older one
marked late; the rows keep the largest share of the receivables first."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from owed.dunning.models import Action, ActionLine
from owed.ledger.models import Client
from owed.ledger.services import LineInput, invoice_create
from tests.web.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _plan(books, client, invoice, step: str, *, days_ago: int = 0, key: str = ""):
    action = Action.objects.create(
        organization=books.org,
        key=key or f"invoice:{invoice.pk}:{step}",
        kind="ladder",
        client=client,
        invoice=invoice,
        subject_id=invoice.pk,
        step=step,
        channels="task",
        decided_on=books.today - timedelta(days=days_ago),
        scheduled_for=timezone.now() - timedelta(days=days_ago, minutes=5),
    )
    ActionLine.objects.create(action=action, invoice=invoice, days_overdue=10, balance=1)
    return action


def _group(html: str, step: str) -> str:
    return html.split(f'id="step-{step}"', 1)[1].split("</section>", 1)[0]


def _client(books, code: str, amount: int):
    client = Client.objects.create(
        organization=books.org, code=code, name=f"Client {code}", country="VN", currency="VND"
    )
    invoice = invoice_create(
        organization=books.org,
        client=client,
        number=f"{code}-1",
        issue_date=books.today - timedelta(days=60),
        due_date=books.today - timedelta(days=30),
        currency="VND",
        lines=[LineInput("Design", Decimal(1), Decimal(amount))],
    )
    return client, invoice


def test_a_client_with_a_step_planned_on_two_days_has_one_row(web, books):
    older = _plan(books, books.client, books.recent, "call", days_ago=4)

    html = web.get("/").content.decode()
    calls = _group(html, "call")

    assert calls.count('class="action client-row"') == 1
    assert calls.count("Công ty TNHH Hoa Sen") == 1
    assert calls.index(f'id="action-{books.call.pk}"') < calls.index(f'id="action-{older.pk}"')
    older_part = calls.split(f'id="action-{older.pk}"', 1)[1]
    assert "Overdue: planned 4 days ago" in older_part
    assert "Overdue: planned" not in calls.split(f'id="action-{older.pk}"', 1)[0]
    assert '<span class="count">2</span>' in html.split('id="step-call"', 1)[1][:200]
    assert "2 actions" in calls
    # Each action keeps its own forms.
    for action in (books.call, older):
        assert f'action="/actions/{action.pk}/call/"' in calls
        assert f'action="/actions/{action.pk}/done/"' in calls


def test_the_rows_total_counts_each_invoice_once(web, books):
    # Both calls list INV-001: the client owes it once.
    _plan(books, books.client, books.overdue, "call", days_ago=2, key="call:again")

    calls = _group(web.get("/").content.decode(), "call")

    head = calls.split('class="amount-total">', 1)[1].split("</span>", 1)[0]
    assert "15,000,000" in head and "30,000,000" not in head


def test_a_client_s_actions_in_another_step_stay_in_that_step(web, books):
    _plan(books, books.client, books.recent, "agency_handoff")

    html = web.get("/").content.decode()

    assert _group(html, "call").count("Công ty TNHH Hoa Sen") == 1
    assert _group(html, "agency_handoff").count("Công ty TNHH Hoa Sen") == 1


def test_the_client_owed_the_larger_share_comes_first(web, books):
    small, small_invoice = _client(books, "SMALL", 1_000_000)
    big, big_invoice = _client(books, "BIG", 90_000_000)
    _plan(books, small, small_invoice, "legal")
    _plan(books, small, small_invoice, "legal", days_ago=3, key="legal:small:earlier")
    _plan(books, big, big_invoice, "legal")

    legal = _group(web.get("/").content.decode(), "legal")

    assert legal.index("Client BIG") < legal.index("Client SMALL")
    assert legal.count("Client SMALL") == 1


def test_many_clients_with_two_actions_each_are_read_in_a_few_queries(
    web, books, django_assert_max_num_queries
):
    for n in range(15):
        client, invoice = _client(books, f"C{n}", 1_000_000 * (n + 1))
        _plan(books, client, invoice, "legal")
        _plan(books, client, books.overdue, "legal", days_ago=2, key=f"legal:{n}:earlier")
    web.get("/")

    with django_assert_max_num_queries(13):
        html = web.get("/").content.decode()

    legal = _group(html, "legal")
    assert legal.count('class="action client-row"') == 15
    assert legal.count('class="action-item"') == 30


def test_a_client_row_with_two_actions_fits_a_390_pixel_phone(
    browser,  # noqa: F811
    live_server,
    books,
    owner,
):
    from tests.web.test_browser import Tab

    older = _plan(books, books.client, books.recent, "call", days_ago=4)
    tab = Tab(browser, live_server.url, width=390, height=844)
    try:
        page = tab.log_in()
        row = page.locator(".client-row", has=page.locator(f"#action-{older.pk}"))
        expect(row.locator(".action-item")).to_have_count(2)
        expect(row.locator(f"#action-{older.pk}")).to_contain_text("Overdue: planned 4 days ago")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        row.scroll_into_view_if_needed()
        tab.shot("today-390-client-row", full_page=False)
        assert tab.problems == []
    finally:
        tab.close()
