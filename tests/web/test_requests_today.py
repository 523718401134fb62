"""Today's "Client requests": the plans clients asked for and the payments they reported
in the portal, with the forms that decide them (owners and members), read-only for a
read-only member, scoped to the organization."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from owed.dunning.models import Plan, Snooze
from owed.ledger.services import LineInput, invoice_create
from owed.portal.models import PaymentClaim, PlanRequest
from owed.portal.requests import payment_claim_create, plan_request_create
from tests.web.settings_pages import main_of

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _asked(books, invoices=None, **kw) -> PlanRequest:
    return plan_request_create(
        organization=books.org,
        client=books.client,
        invoices=invoices or [books.overdue, books.recent],
        instalments=kw.get("instalments", 3),
        every_days=kw.get("every_days", 30),
        on=books.today,
        note=kw.get("note", "Lương về ngày 5"),
    )


def _claim(books, proof: bool = True) -> PaymentClaim:
    return payment_claim_create(
        organization=books.org,
        client=books.client,
        invoices=[books.recent],
        paid_on=books.today - timedelta(days=1),
        on=books.today,
        reference="VCB 77",
        proof=SimpleUploadedFile("r.png", PNG) if proof else None,
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")


def test_today_lists_the_pending_requests_with_their_forms(web_member, books):
    asked = _asked(books)
    claim = _claim(books)

    page = main_of(web_member.get("/").content.decode())

    section = page.split('id="client-requests"', 1)[1].split("</section>", 1)[0]
    assert books.client.name in section
    assert books.overdue.number in section and books.recent.number in section
    assert "18,000,000" in section  # the total of the two balances
    assert "3 instalments" in section and "every 30 days" in section
    assert "Lương về ngày 5" in section
    assert f'action="/requests/plans/{asked.pk}/approve/"' in section
    assert f'action="/requests/plans/{asked.pk}/decline/"' in section
    # Approve starts from what the client asked.
    assert f'name="approve-{asked.pk}-instalments" value="3"' in section
    assert f'name="approve-{asked.pk}-every_days" value="30"' in section
    assert f'action="/requests/payments/{claim.pk}/confirm/"' in section
    assert f'action="/requests/payments/{claim.pk}/reject/"' in section
    assert f'href="/requests/payments/{claim.pk}/proof/"' in section
    assert "VCB 77" in section


def test_a_member_approves_with_other_terms(web_member, member, books):
    asked = _asked(books)

    response = web_member.post(
        f"/requests/plans/{asked.pk}/approve/",
        {f"approve-{asked.pk}-instalments": "6", f"approve-{asked.pk}-every_days": "15"},
    )

    assert response.status_code == 302 and response["Location"] == "/"
    asked.refresh_from_db()
    assert asked.status == "approved" and asked.decided_by == member
    assert asked.plan.instalments.count() == 6
    assert {s.until for s in Snooze.objects.all()} == {books.today}
    page = web_member.get("/").content.decode()
    assert 'id="client-requests"' not in page  # nothing waits any more


def test_a_decline_needs_a_reason_and_shows_the_mistake_on_today(web, books):
    asked = _asked(books)

    response = web.post(f"/requests/plans/{asked.pk}/decline/", {f"decline-{asked.pk}-reason": " "})

    assert response.status_code == 422
    section = response.content.decode().split('id="client-requests"', 1)[1]
    assert 'aria-invalid="true"' in section and "This field is required." in section
    opened = section.split('<details class="disclosure" open>', 1)[1].split("</details>", 1)[0]
    assert f'action="/requests/plans/{asked.pk}/decline/"' in opened
    assert PlanRequest.objects.get().status == "pending"
    done = web.post(
        f"/requests/plans/{asked.pk}/decline/", {f"decline-{asked.pk}-reason": "Two at most"}
    )
    assert done.status_code == 302
    assert PlanRequest.objects.get().decline_reason == "Two at most"
    again = web.post(
        f"/requests/plans/{asked.pk}/approve/",
        {f"approve-{asked.pk}-instalments": "2", f"approve-{asked.pk}-every_days": "30"},
    )
    assert again.status_code == 422  # decided already: said on the form
    assert not Plan.objects.exists()


def test_record_payment_confirms_and_goes_to_the_invoices_payment_form(web, books):
    claim = _claim(books)

    response = web.post(f"/requests/payments/{claim.pk}/confirm/")

    assert response.status_code == 302
    assert response["Location"] == f"/invoices/{books.recent.number}/#form-payment"
    claim.refresh_from_db()
    assert claim.status == "confirmed"


def test_not_received_with_a_note(web, books):
    claim = _claim(books, proof=False)

    response = web.post(
        f"/requests/payments/{claim.pk}/reject/", {f"reject-{claim.pk}-note": "Not in VCB"}
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == ("rejected", "Not in VCB")


def test_a_read_only_member_sees_the_requests_without_forms(web_reader, books):
    asked = _asked(books)
    claim = _claim(books)

    page = main_of(web_reader.get("/").content.decode())

    section = page.split('id="client-requests"', 1)[1].split("</section>", 1)[0]
    assert books.client.name in section and "<form" not in section
    assert f'href="/requests/payments/{claim.pk}/proof/"' in section  # may look at it
    assert web_reader.post(f"/requests/plans/{asked.pk}/decline/", {}).status_code == 403
    assert web_reader.post(f"/requests/payments/{claim.pk}/confirm/").status_code == 403
    assert web_reader.get(f"/requests/payments/{claim.pk}/proof/").status_code == 200
    assert PlanRequest.objects.get().status == "pending"


def test_another_organizations_requests_are_not_found(web, books, their):
    asked = _asked(their)
    claim = payment_claim_create(
        organization=their.org,
        client=their.client,
        invoices=[their.overdue],
        paid_on=their.today,
        on=their.today,
        proof=SimpleUploadedFile("r.png", PNG),
    )

    assert their.client.name not in web.get("/").content.decode()
    for url in (
        f"/requests/plans/{asked.pk}/approve/",
        f"/requests/plans/{asked.pk}/decline/",
        f"/requests/payments/{claim.pk}/confirm/",
        f"/requests/payments/{claim.pk}/reject/",
    ):
        assert web.post(url, {}).status_code == 404
    assert web.get(f"/requests/payments/{claim.pk}/proof/").status_code == 404
    assert PlanRequest.objects.get().status == "pending"
    assert PaymentClaim.objects.get().status == "pending"


def test_today_makes_as_many_queries_for_ten_requests_as_for_one(
    web, books, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _asked(books, invoices=[books.overdue])
    _claim(books)
    web.get("/")
    with CaptureQueriesContext(connection) as one:
        web.get("/")
    queries = len(one)
    for n in range(9):
        invoice = invoice_create(
            organization=books.org,
            client=books.client,
            number=f"REQ-{n}",
            issue_date=books.today - timedelta(days=40),
            due_date=books.today - timedelta(days=10),
            currency="VND",
            lines=[LineInput("x", Decimal(1), Decimal(1_000_000))],
        )
        _asked(books, invoices=[invoice])
        _claim(books, proof=False)

    with django_assert_max_num_queries(queries):
        page = web.get("/").content.decode()
    assert page.count('class="action client-request plan-request"') == 10


def test_the_section_needs_no_inline_script_or_style(web, books):
    from tests.web.test_csp import check

    _asked(books)
    _claim(books)

    found = check(web.get("/").content.decode())

    assert found.problems == []
