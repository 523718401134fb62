"""The portal page and its forms, in the client's language, scoped to the link's client."""

from __future__ import annotations

from datetime import timedelta

import pytest

from owed.core.localize import format_date
from owed.dunning.models import Dispute, Interaction, Promise
from owed.ledger.models import Invoice
from owed.portal.models import PaymentClaim

from .conftest import path_for


@pytest.fixture
def page(books):
    return path_for(books.client)


def test_the_page_lists_the_open_invoices_with_balance_and_due_date(client, books, page):
    response = client.get(page)
    text = response.text
    assert '<html lang="vi" dir="ltr">' in text
    assert books.overdue.number in text
    assert books.recent.number in text
    assert books.paid_on_time.number not in text  # paid: not shown
    assert format_date(books.overdue.due_date, "vi") in text
    assert "15.000.000" in text
    assert "<script" not in text and "style=" not in text


def test_the_payment_block_shows_bank_details_and_a_qr_code(client, books, page, account):
    text = client.get(page).text
    assert "0011004012345" in text
    assert "<svg" in text


def test_isolation_only_the_links_client(client, books, their, page):
    text = client.get(page).text
    assert their.overdue.number not in text
    other_pdf = f"{page}invoices/{their.overdue.pk}.pdf"
    assert client.get(other_pdf).status_code == 404
    # Nor another client of the same organization.
    assert client.get(page).status_code == 200


def test_an_invoice_pdf_downloads(client, books, page):
    response = client.get(f"{page}invoices/{books.overdue.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_i_have_paid_logs_a_reply_and_records_nothing_else(client, books, page):
    before = Interaction.objects.count()
    response = client.post(
        page,
        {
            "form": "paid",
            "paid-invoice": str(books.overdue.pk),
            "paid-paid_on": books.today.isoformat(),
            "paid-amount": "15.000.000",
            "paid-reference": "VCB 123",
        },
    )
    assert response.status_code == 302
    # The reply, and the snooze that keeps the invoice quiet while the business checks.
    assert Interaction.objects.count() == before + 2
    reply = Interaction.objects.get(code="portal_paid")
    assert reply.is_response and reply.direction == "in"
    assert "15000000" in reply.note and "VCB 123" in reply.note
    assert books.overdue.number in reply.note
    assert not books.client.payments.filter(reference="VCB 123").exists()
    assert Invoice.objects.get(pk=books.overdue.pk).next_step_on is None
    claim = PaymentClaim.objects.get(client=books.client)
    assert claim.status == "pending" and list(claim.invoices.all()) == [books.overdue]
    assert (claim.amount, claim.reference, claim.proof) == (15_000_000, "VCB 123", "")
    assert reply.params["claim"] == claim.pk and reply.params["proof"] is False
    followed = client.get(page)
    assert "Cảm ơn quý khách. Chúng tôi sẽ kiểm tra tài khoản và cập nhật hóa đơn." in followed.text


def test_i_have_paid_refuses_a_future_day_and_a_bad_amount(client, books, page):
    response = client.post(
        page,
        {
            "form": "paid",
            "paid-paid_on": (books.today + timedelta(days=2)).isoformat(),
            "paid-amount": "lots",
        },
    )
    assert response.status_code == 422
    assert not Interaction.objects.filter(summary="Reply from the client").exists()


def test_a_promise_pauses_the_ladder(client, books, page):
    Invoice.objects.filter(pk=books.overdue.pk).update(next_step_on=books.today)
    until = books.today + timedelta(days=10)
    response = client.post(
        page,
        {"form": "promise", "promise-invoice": str(books.overdue.pk), "promise-until": until},
    )
    assert response.status_code == 302
    promise = Promise.objects.get(client=books.client)
    assert promise.until == until
    assert list(promise.invoices.all()) == [books.overdue]
    assert Invoice.objects.get(pk=books.overdue.pk).next_step_on is None
    assert Interaction.objects.filter(client=books.client, is_response=True).exists()


def test_a_promise_for_all_open_invoices(client, books, page):
    until = books.today + timedelta(days=30)
    response = client.post(page, {"form": "promise", "promise-invoice": "", "promise-until": until})
    assert response.status_code == 302
    promise = Promise.objects.get(client=books.client)
    assert set(promise.invoices.all()) == {books.overdue, books.recent}


@pytest.mark.parametrize("days", [-1, 31, 365])
def test_a_promise_in_the_past_or_too_far_ahead_is_refused(client, books, page, days):
    until = books.today + timedelta(days=days)
    client.cookies.load({"django_language": "en"})
    response = client.post(page, {"form": "promise", "promise-until": until})
    assert response.status_code == 422
    assert not Promise.objects.exists()
    # The client's language: Vietnamese.
    assert 'id="form-promise"' in response.text
    assert 'class="form-errors"' in response.text


def test_a_promise_message_in_english(client, other_org, their):
    their.client.language = "en"
    their.client.save()
    page = path_for(their.client)
    response = client.post(
        page, {"form": "promise", "promise-until": their.today + timedelta(days=45)}
    )
    assert response.status_code == 422
    assert "Choose a day within 30 days from today." in response.text
    response = client.post(
        page, {"form": "promise", "promise-until": their.today - timedelta(days=1)}
    )
    assert "Choose today or a later day." in response.text


def test_a_dispute_opens_with_its_reason(client, books, page):
    response = client.post(
        page,
        {
            "form": "dispute",
            "dispute-invoice": str(books.recent.pk),
            "dispute-reason": "Only two of three pages delivered",
        },
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get(invoice=books.recent)
    assert "Only two of three pages delivered" in dispute.reason
    # A second one is refused politely.
    again = client.post(
        page,
        {"form": "dispute", "dispute-invoice": str(books.recent.pk), "dispute-reason": "Again"},
    )
    assert again.status_code == 422
    assert Dispute.objects.filter(invoice=books.recent).count() == 1


def test_a_dispute_needs_a_reason_and_one_of_the_clients_invoices(client, books, their, page):
    response = client.post(
        page, {"form": "dispute", "dispute-invoice": str(books.recent.pk), "dispute-reason": " "}
    )
    assert response.status_code == 422
    response = client.post(
        page,
        {"form": "dispute", "dispute-invoice": str(their.overdue.pk), "dispute-reason": "Mine?"},
    )
    assert response.status_code == 422
    assert not Dispute.objects.exists()


def test_confirming_receipt_logs_a_reply(client, books, page):
    response = client.post(page, {"form": "received", "received-invoice": str(books.recent.pk)})
    assert response.status_code == 302
    reply = Interaction.objects.latest("pk")
    assert reply.is_response
    assert books.recent.number in reply.note


def test_csrf_is_enforced(books, page):
    from django.test import Client as HttpClient

    strict = HttpClient(enforce_csrf_checks=True)
    response = strict.post(page, {"form": "received"})
    assert response.status_code == 403
    assert not Interaction.objects.filter(summary="Reply from the client").exists()


def test_a_persian_page_is_right_to_left_with_persian_digits(client, persian):
    customer, invoice = persian
    response = client.get(path_for(customer))
    text = response.text
    assert '<html lang="fa" dir="rtl">' in text
    assert format_date(invoice.due_date, "fa") in text
    assert "۲٬۵۰۰٬۰۰۰" in text
    assert "شرکت پارس" in text


def _more_invoices(books, count: int) -> None:
    from decimal import Decimal

    from owed.ledger.services import LineInput, invoice_create

    for n in range(count):
        invoice_create(
            organization=books.org,
            client=books.client,
            number=f"MORE-{n:03}",
            issue_date=books.today - timedelta(days=30 + n),
            due_date=books.today - timedelta(days=n),
            currency="VND",
            lines=[LineInput("Thiết kế", Decimal(1), Decimal(1_000_000))],
        )


def test_the_page_makes_as_many_queries_for_twelve_invoices_as_for_two(
    client, books, page, account, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(page)  # the session and the link's first visit
    client.post(
        page,
        {"form": "plan", "plan-instalments": "3", "plan-every_days": "30"},
    )
    client.post(page, {"form": "paid", "paid-paid_on": books.today.isoformat()})
    with CaptureQueriesContext(connection) as two:
        response = client.get(page)
    queries = len(two)  # now: the log empties at the next request
    assert response.text.count("0011004012345") == 1  # the bank details once
    assert response.text.count("<svg") == 2  # a QR code for each invoice
    _more_invoices(books, 10)
    client.post(
        page,
        {"form": "paid", "paid-invoice": str(books.recent.pk), "paid-paid_on": books.today},
    )

    with django_assert_max_num_queries(queries):
        response = client.get(page)

    assert response.text.count("0011004012345") == 1
    assert response.text.count("<svg") == 12
    assert "MORE-009" in response.text
