"""Date fields in the user's calendar: a Persian user types Solar Hijri dates (Persian or
Latin digits), a Thai user Buddhist-era years, and the views get the same `date`; what is
not a day is refused with a message that shows how to write it. One end-to-end run in a
real Chromium types a Solar Hijri promise date on the Persian invoice page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import jdatetime
import pytest
from django import forms
from django.utils import translation
from playwright.sync_api import expect

from owed.core.dateinput import format_input
from owed.core.localize import format_date, to_persian_digits
from owed.dunning.models import Action, Plan, Promise, Snooze
from owed.ledger.models import Payment
from owed.web.fields import LocalDateField
from tests.browser import choose_language, chromium
from tests.web.test_browser import Tab

pytestmark = pytest.mark.django_db


def in_language(web, language: str):
    web.post("/language/", {"language": language})
    return web


def post(web, number: str, form: str, **fields):
    data = {"form": form, **{f"{form}-{k}": v for k, v in fields.items()}}
    return web.post(f"/invoices/{number}/", data)


def solar(day: date, separator: str = "/") -> str:
    found = jdatetime.date.fromgregorian(date=day)
    return separator.join([f"{found.year:04d}", f"{found.month:02d}", f"{found.day:02d}"])


def field_html(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def words(page: str) -> str:
    return unescape(re.sub(r"[\u2066-\u2069]", "", page))


# --- what the fields look like ------------------------------------------------------------------


def test_a_persian_date_field_is_a_left_to_right_text_field_with_todays_solar_hijri_date(
    web, books
):
    page = in_language(web, "fa").get("/invoices/INV-001/").content.decode()
    until = field_html(page, "promise-until")
    today = to_persian_digits(solar(books.today))
    assert 'type="text"' in until
    assert f'placeholder="{today}"' in until
    assert 'dir="ltr"' in until and 'inputmode="decimal"' in until
    assert 'aria-describedby="id_promise-until_helptext"' in until
    help_text = re.search(r'id="id_promise-until_helptext">([^<]*)<', page).group(1)
    assert today in help_text
    # The payment's day starts at today, in the Persian calendar and digits.
    assert f'value="{today}"' in field_html(page, "payment-date")


def test_a_thai_date_field_shows_the_buddhist_era(web, books):
    page = in_language(web, "th").get("/invoices/INV-001/").content.decode()
    day = f"{books.today.day:02d}/{books.today.month:02d}/{books.today.year + 543}"
    assert f'value="{day}"' in field_html(page, "payment-date")
    assert f'placeholder="{day}"' in field_html(page, "snooze-until")


@pytest.mark.parametrize("language", ["en", "vi"])
def test_english_and_vietnamese_keep_the_browsers_date_picker(web, books, language):
    page = in_language(web, language).get("/invoices/INV-001/").content.decode()
    payment = field_html(page, "payment-date")
    assert 'type="date"' in payment
    assert f'value="{books.today.isoformat()}"' in payment
    assert "placeholder" not in field_html(page, "promise-until")


def test_the_field_gives_the_view_a_date_in_every_language(books):
    class Form(forms.Form):
        day = LocalDateField()

    day = date(2027, 3, 21)  # 1 Farvardin 1406, Nowruz
    for language, typed in [
        ("en", "2027-03-21"),
        ("en", "21 Mar 2027"),
        ("vi", "21/03/2027"),
        ("fa", "۱۴۰۶/۰۱/۰۱"),
        ("fa", "1406-01-01"),
        ("th", "21/03/2570"),
        ("th", "2027-03-21"),
    ]:
        with translation.override(language):
            form = Form({"day": typed})
            assert form.is_valid(), (language, typed, form.errors)
            assert form.cleaned_data["day"] == day
            # And an initial day is shown the way the field reads it back.
            shown = str(Form(initial={"day": day})["day"])
            expected = day.isoformat() if language in ("en", "vi") else format_input(day, language)
            assert f'value="{expected}"' in shown


# --- the invoice page's forms ---------------------------------------------------------------------


@pytest.mark.parametrize("digits", ["persian", "latin"])
def test_a_persian_user_records_a_promise_with_a_solar_hijri_date(web, books, digits):
    until = books.today + timedelta(days=10)
    typed = solar(until) if digits == "latin" else to_persian_digits(solar(until))
    response = post(in_language(web, "fa"), "INV-001", "promise", until=typed)
    assert response.status_code == 302
    assert Promise.objects.get().until == until


def test_a_thai_user_records_a_promise_with_a_buddhist_era_year(web, books):
    until = books.today + timedelta(days=10)
    typed = f"{until.day}/{until.month}/{until.year + 543}"
    response = post(in_language(web, "th"), "INV-001", "promise", until=typed)
    assert response.status_code == 302
    assert Promise.objects.get().until == until


def test_a_thai_user_may_write_the_christian_era_in_iso(web, books):
    until = books.today + timedelta(days=3)
    response = post(in_language(web, "th"), "INV-001", "snooze", until=until.isoformat())
    assert response.status_code == 302
    assert Snooze.objects.get().until == until


def test_a_persian_payment_date_and_a_thai_first_instalment(web, books):
    paid = books.today - timedelta(days=2)
    response = post(
        in_language(web, "fa"),
        "INV-001",
        "payment",
        date=to_persian_digits(solar(paid, "-")),
        amount="۱٬۰۰۰٬۰۰۰",
        method="cash",
    )
    assert response.status_code == 302
    assert Payment.objects.get(method="cash").date == paid
    first = books.today + timedelta(days=20)
    response = post(
        in_language(web, "th"),
        "INV-001",
        "plan",
        instalments="2",
        every_days="30",
        first_due=format_date(first, "th"),  # as the page writes it: "13 ธันวาคม 2569"
        grace_days="7",
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.instalments.order_by("number").first().due_date == first


def test_an_impossible_persian_date_is_refused_with_how_to_write_it(web, books):
    # Esfand has 30 days only in a leap year; the first one without is the year to try.
    year = jdatetime.date.fromgregorian(date=books.today).year + 1
    while jdatetime.date(year, 1, 1).isleap():
        year += 1
    response = post(in_language(web, "fa"), "INV-001", "promise", until=f"{year}/12/30")
    assert response.status_code == 422
    page = words(response.content.decode())
    today = to_persian_digits(solar(books.today))
    assert (
        f"چنین روزی در تقویم نیست: «{year}/12/30». آن را مانند تاریخ امروز بنویسید: {today}."
        in page
    )
    assert 'aria-invalid="true"' in page
    assert not Promise.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-02-30", "There is no such day: “2026-02-30”."),
        ("22/11/2026", "Not a date: “22/11/2026”."),
        ("next week", "Not a date: “next week”."),
        ("1850-01-01", "Choose a day between January 1, 1900 and December 31, 2299."),
    ],
)
def test_in_english_what_is_not_a_day_says_how_to_write_it(web, books, typed, message):
    response = post(in_language(web, "en"), "INV-001", "promise", until=typed)
    assert response.status_code == 422
    page = words(response.content.decode())
    assert message in page
    if "Choose" not in message:
        assert f"Write it like today’s date: {books.today.isoformat()}." in page
    assert not Promise.objects.exists()


def test_the_days_own_checks_still_apply_after_the_calendar(web, books):
    yesterday = to_persian_digits(solar(books.today - timedelta(days=1)))
    response = post(in_language(web, "fa"), "INV-001", "promise", until=yesterday)
    assert response.status_code == 422
    assert "امروز یا روزی پس از آن را انتخاب کنید." in response.content.decode()


# --- Today's forms ----------------------------------------------------------------------------------


def test_today_snooze_and_call_take_persian_dates(web, books):
    in_language(web, "fa")
    until = books.today + timedelta(days=14)
    response = web.post(
        f"/actions/{books.reminder.pk}/snooze/",
        {f"snooze-{books.reminder.pk}-until": to_persian_digits(solar(until))},
    )
    assert response.status_code == 302
    assert Snooze.objects.get().until == until
    promised = books.today + timedelta(days=7)
    response = web.post(
        f"/actions/{books.call.pk}/call/",
        {
            f"call-{books.call.pk}-reached": "yes",
            f"call-{books.call.pk}-reason": "cash_flow",
            f"call-{books.call.pk}-promised_for": solar(promised, "."),
        },
    )
    assert response.status_code == 302
    assert Promise.objects.get().until == promised
    assert Action.objects.get(pk=books.call.pk).status == "done"


# --- end to end -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with chromium() as opened:
        yield opened


def test_a_solar_hijri_promise_typed_on_the_persian_invoice_page_shows_on_the_timeline(
    browser, live_server, books, owner
):
    tab = Tab(browser, live_server.url)
    try:
        page = tab.log_in()
        choose_language(page, "fa")
        page = tab.open(f"/invoices/{books.overdue.number}/")
        promise = page.locator("#form-promise")
        promise.locator("summary").click()
        field = promise.locator("input[name='promise-until']")
        expect(field).to_have_attribute("placeholder", to_persian_digits(solar(books.today)))
        until = books.today + timedelta(days=12)
        field.press_sequentially(to_persian_digits(solar(until)))
        promise.get_by_role("button").click()
        expect(page.locator(".messages")).to_be_visible()
        assert Promise.objects.get(client=books.client).until == until

        page = tab.open(f"/clients/{books.client.code}/")
        shown = format_date(until, "fa")
        expect(page.locator("ol.timeline li.ev-promise").first).to_contain_text(shown)
        expect(page.locator("ol.timeline li.ev-interaction").first).to_contain_text(shown)
        tab.shot("persian-promise-timeline")
        assert tab.problems == []
    finally:
        tab.close()
