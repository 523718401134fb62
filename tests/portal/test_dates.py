"""The portal's date fields in the client's calendar: a Persian client promises with a Solar
Hijri date, a Thai client with a Buddhist-era year; what the client says is logged on the
portal channel and read on the back office's timeline in the user's language."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import jdatetime
import pytest

from owed.core.localize import format_amount, format_date, to_persian_digits
from owed.dunning.models import Dispute, Interaction, Promise
from owed.ledger.services import LineInput

from .conftest import overdue_client, path_for

pytestmark = pytest.mark.django_db


def solar(day) -> str:
    found = jdatetime.date.fromgregorian(date=day)
    return to_persian_digits(f"{found.year:04d}/{found.month:02d}/{found.day:02d}")


def buddhist(day) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@pytest.fixture
def thai(org):
    return overdue_client(
        org,
        code="SIAM",
        name="บริษัท สยาม จำกัด",
        country="TH",
        language="th",
        number="TH-7",
        late_days=5,
        line=LineInput("ออกแบบ", Decimal(1), Decimal(800_000)),
    )


def test_the_persian_page_asks_for_a_solar_hijri_date_in_a_text_field(client, persian):
    customer, _ = persian
    page = client.get(path_for(customer)).text
    until = re.search(r'<input[^>]*name="promise-until"[^>]*>', page).group(0)
    today = solar(customer.organization.today())
    assert 'type="text"' in until and 'dir="ltr"' in until
    assert f'placeholder="{today}"' in until
    assert "min=" not in until  # bounds are for the browser's picker only


def test_a_persian_client_promises_with_a_solar_hijri_date(client, persian):
    customer, invoice = persian
    until = customer.organization.today() + timedelta(days=20)
    response = client.post(
        path_for(customer),
        {"form": "promise", "promise-invoice": str(invoice.pk), "promise-until": solar(until)},
    )
    assert response.status_code == 302
    promise = Promise.objects.get(client=customer)
    assert promise.until == until and promise.note == ""
    logged = Interaction.objects.get(client=customer)
    assert (logged.channel, logged.code, logged.is_response) == ("portal", "promise", True)
    thanks = client.get(path_for(customer)).text
    assert format_date(until, "fa") in thanks


def test_a_persian_promise_past_the_limit_is_refused_in_persian(client, persian):
    customer, _ = persian
    too_far = customer.organization.today() + timedelta(days=31)
    response = client.post(path_for(customer), {"form": "promise", "promise-until": solar(too_far)})
    assert response.status_code == 422
    assert not Promise.objects.exists()


def test_a_persian_client_who_types_no_day_is_told_how_to_write_one(client, persian):
    customer, _ = persian
    response = client.post(path_for(customer), {"form": "promise", "promise-until": "فردا"})
    assert response.status_code == 422
    page = unescape(re.sub(r"[\u2066-\u2069]", "", response.text))
    today = solar(customer.organization.today())
    assert f"این تاریخ نیست: «فردا». آن را مانند تاریخ امروز بنویسید: {today}." in page


def test_a_thai_client_promises_with_a_buddhist_era_year(client, thai):
    customer, invoice = thai
    until = customer.organization.today() + timedelta(days=7)
    response = client.post(
        path_for(customer),
        {"form": "promise", "promise-invoice": str(invoice.pk), "promise-until": buddhist(until)},
    )
    assert response.status_code == 302
    assert Promise.objects.get(client=customer).until == until


def test_a_thai_client_says_it_paid_on_a_buddhist_era_day(client, thai):
    customer, invoice = thai
    paid = customer.organization.today() - timedelta(days=1)
    response = client.post(
        path_for(customer),
        {
            "form": "paid",
            "paid-invoice": str(invoice.pk),
            "paid-paid_on": buddhist(paid),
            "paid-amount": "800,000",
        },
    )
    assert response.status_code == 302
    logged = Interaction.objects.get(client=customer, code="portal_paid")
    assert (logged.channel, logged.code) == ("portal", "portal_paid")
    assert logged.params["paid_on"] == paid.isoformat() and logged.params["amount"] == "800000"
    assert paid.isoformat() in logged.note  # the English note as before


def test_what_a_persian_client_said_reads_in_the_back_offices_language(client, web, persian):
    customer, invoice = persian
    paid = customer.organization.today() - timedelta(days=2)
    client.post(
        path_for(customer),
        {
            "form": "paid",
            "paid-invoice": str(invoice.pk),
            "paid-paid_on": solar(paid),
            "paid-amount": "۲٬۵۰۰٬۰۰۰",
            "paid-reference": "ملت ۴۴",
        },
    )
    client.post(
        path_for(customer),
        {"form": "dispute", "dispute-invoice": str(invoice.pk), "dispute-reason": "مبلغ اشتباه"},
    )
    assert Dispute.objects.get(invoice=invoice).reason == "مبلغ اشتباه"
    web.post("/language/", {"language": "fa"})
    page = unescape(re.sub(r"[\u2066-\u2069]", "", web.get("/clients/PARS/").text))
    assert f"مشتری می‌گوید FA-100 را در {format_date(paid, 'fa')} پرداخت کرده است." in page
    assert f"مبلغ: {format_amount(Decimal(2_500_000), 'VND', 'fa')}." in page
    assert "شناسهٔ پرداخت: ملت ۴۴." in page
    assert "اعتراض به FA-100: مبلغ اشتباه" in page
    assert "via the client portal" not in page
    web.post("/language/", {"language": "en"})
    page = unescape(web.get("/clients/PARS/").text)
    assert f"The client says they paid FA-100 on {format_date(paid, 'en')}." in page
    assert "Amount: ₫2,500,000." in page
