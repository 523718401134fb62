"""The pages follow the user's language: its direction, calendar, digits and amounts come
from owed.core.localize. (The back office's own sentences are translated when the
catalogues are merged; these tests check the mechanics with localized data.)"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from owed.core.localize import format_amount, format_date, format_number
from owed.web.models import Profile
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def in_language(web, language: str) -> HttpClient:
    response = web.post("/language/", {"language": language, "next": "/invoices/INV-001/"})
    assert response.status_code == 302 and response["Location"] == "/invoices/INV-001/"
    return web


def test_english_pages_are_left_to_right(web, books):
    page = web.get("/").content.decode()
    assert html_tag(page) == '<html lang="en" dir="ltr">'


def test_persian_pages_are_right_to_left_with_solar_hijri_dates_and_persian_digits(web, books):
    page = in_language(web, "fa").get("/invoices/INV-001/").content.decode()
    assert html_tag(page) == '<html lang="fa" dir="rtl">'
    due = format_date(books.overdue.due_date, "fa")
    assert re.fullmatch(r"[۰-۹]+ \S+ [۰-۹]{4}", due)  # e.g. "۱ آذر ۱۴۰۵"
    assert f'<dd class="due-date">{due}</dd>' in page
    assert format_amount(books.overdue.total, "VND", "fa") in page
    assert format_number(40, "fa") == "۴۰"
    assert "<dd>۴۰</dd>" in page  # days late
    # The ASCII date of the database is nowhere in the text shown.
    assert books.overdue.due_date.isoformat() not in page


def test_persian_receivables_and_today_use_persian_digits(web, books):
    in_language(web, "fa")
    page = web.get("/receivables/").content.decode()
    assert format_date(books.overdue.due_date, "fa", "short") in page
    today = web.get("/").content.decode()
    assert format_date(books.today, "fa") in today
    assert format_amount(books.overdue.total, "VND", "fa") in today


def test_thai_pages_give_buddhist_era_years(web, books):
    page = in_language(web, "th").get("/invoices/INV-001/").content.decode()
    assert html_tag(page) == '<html lang="th" dir="ltr">'
    due = format_date(books.overdue.due_date, "th")
    assert str(books.overdue.due_date.year + 543) in due
    assert f'<dd class="due-date">{due}</dd>' in page


def test_vietnamese_pages_write_dong_the_vietnamese_way(web, books):
    page = in_language(web, "vi").get("/invoices/INV-001/").content.decode()
    assert html_tag(page) == '<html lang="vi" dir="ltr">'
    assert format_amount(books.overdue.total, "VND", "vi") == "15.000.000\xa0₫"
    assert format_amount(books.overdue.total, "VND", "vi") in page
    assert format_date(books.overdue.due_date, "vi") in page


def test_the_language_is_kept_on_the_profile_and_follows_the_user(web, owner, books):
    in_language(web, "fa")
    assert Profile.objects.get(user=owner).language == "fa"
    # Another browser, no language cookie: the pages are still Persian after log-in.
    other = HttpClient()
    response = other.post("/login/", {"username": "mai", "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fa"
    fresh = HttpClient()
    fresh.force_login(owner)
    assert 'dir="rtl"' in html_tag(fresh.get("/").content.decode())


def test_a_visitor_may_choose_the_language_of_the_log_in_page(client):
    response = client.post("/language/", {"language": "th", "next": "/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "th"
    assert html_tag(client.get("/login/").content.decode()) == '<html lang="th" dir="ltr">'


def test_an_unknown_language_or_unsafe_next_changes_nothing(web, owner, books):
    response = web.post("/language/", {"language": "xx", "next": "/receivables/"})
    assert response["Location"] == "/receivables/"
    assert not Profile.objects.filter(user=owner).exists()
    response = web.post("/language/", {"language": "vi", "next": "//evil.example/"})
    assert response["Location"] == "/"
    assert web.get("/language/").status_code == 405


def test_the_csv_export_keeps_machine_dates_and_adds_the_users_own(web, books):
    in_language(web, "fa")
    body = web.get("/receivables/export.csv").content.decode("utf-8-sig")
    row = next(line for line in body.splitlines() if line.startswith("INV-001,"))
    assert books.overdue.due_date.isoformat() in row
    assert format_date(books.overdue.due_date, "fa", "short") in row
    assert ",15000000," in row
