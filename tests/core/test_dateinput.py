"""Dates typed into a form in each language's calendar: what is read, what is refused, and
that whatever owed writes is read back as the same day."""

from __future__ import annotations

from datetime import date

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from owed.core.dateinput import (
    FIRST,
    LAST,
    DateInputError,
    calendar,
    format_input,
    parse_date,
)
from owed.core.localize import LANGUAGES, format_date, to_persian_digits

days = st.dates(min_value=FIRST, max_value=LAST)
languages = st.sampled_from(LANGUAGES)
DAY = date(2026, 11, 22)  # 1 Azar 1405, 22/11/2569 BE


@pytest.mark.parametrize(
    ("language", "shown", "kind"),
    [
        ("en", "2026-11-22", "gregorian"),
        ("vi", "22/11/2026", "gregorian"),
        ("fa", "۱۴۰۵/۰۹/۰۱", "solar_hijri"),
        ("th", "22/11/2569", "buddhist"),
    ],
)
def test_each_language_shows_a_day_in_its_own_calendar(language, shown, kind):
    assert format_input(DAY, language) == shown
    assert calendar(language) == kind
    assert parse_date(shown, language) == DAY


@given(days, languages)
def test_what_the_field_shows_is_read_back_as_the_same_day(day, language):
    assert parse_date(format_input(day, language), language) == day


@given(days, languages, st.sampled_from(["long", "short"]))
def test_a_date_copied_from_a_page_is_read_back_as_the_same_day(day, language, style):
    assert parse_date(format_date(day, language, style), language) == day


@given(days, languages)
def test_iso_is_read_in_every_language(day, language):
    assert parse_date(day.isoformat(), language) == day


@given(days)
def test_persian_reads_solar_hijri_with_latin_or_persian_digits_and_any_separator(day):
    solar = jdatetime.date.fromgregorian(date=day)
    latin = f"{solar.year}-{solar.month:02d}-{solar.day:02d}"
    assert parse_date(latin, "fa") == day
    assert parse_date(to_persian_digits(latin.replace("-", "/")), "fa") == day
    assert parse_date(f"{solar.year}.{solar.month}.{solar.day}", "fa") == day
    # A Gregorian ISO date in Persian digits is still Gregorian.
    assert parse_date(to_persian_digits(day.isoformat()), "fa") == day


@given(days)
def test_thai_reads_the_buddhist_and_the_christian_era(day):
    be = day.year + 543
    assert parse_date(f"{day.day}/{day.month}/{be}", "th") == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}", "th") == day
    assert parse_date(f"{day.day}-{day.month:02d}-{be}", "th") == day


@pytest.mark.parametrize(
    ("language", "text", "day"),
    [
        ("fa", "1405-09-01", DAY),
        ("fa", "۱۴۰۵/۹/۱", DAY),
        ("fa", "١٤٠٥/٠٩/٠١", DAY),  # Arabic-Indic digits
        ("fa", "۱۴۰۵٫۰۹٫۰۱", DAY),  # a Persian phone's decimal key
        ("fa", "\u2066۱۴۰۵/۰۹/۰۱\u2069", DAY),  # copied with its isolates
        ("fa", "1403/12/30", date(2025, 3, 20)),  # 1403 is a leap year
        ("th", "22/11/2569", DAY),
        ("th", "๒๒/๑๑/๒๕๖๙", DAY),  # Thai digits
        ("th", "22 พ.ย. 2569", DAY),
        ("th", "วันที่ 22 พฤศจิกายน พ.ศ. 2569", DAY),
        ("th", "22/11/ค.ศ. 2026", DAY),
        ("th", "2026-11-22", DAY),
        ("vi", "22/11/2026", DAY),
        ("vi", "22.11.2026", DAY),
        ("vi", "ngày 22 tháng 11 năm 2026", DAY),
        ("en", "2026-11-22", DAY),
        ("en", "  22 Nov 2026 ", DAY),
        ("en", "November 22nd, 2026", DAY),
        ("en", "22 sept 2026", date(2026, 9, 22)),
    ],
)
def test_what_a_user_may_type(language, text, day):
    assert parse_date(text, language) == day


@pytest.mark.parametrize(
    ("language", "text", "problem"),
    [
        ("fa", "1405/12/30", "no_such_day"),  # Esfand 1405 has 29 days
        ("fa", "1405/12/31", "no_such_day"),
        ("fa", "1405/13/01", "no_such_day"),
        ("en", "2026-02-29", "no_such_day"),
        ("vi", "30/02/2026", "no_such_day"),
        ("th", "31/04/2569", "no_such_day"),
        ("en", "2026-00-10", "no_such_day"),
        ("en", "22/11/2026", "unreadable"),  # day or month first? English does not say
        ("vi", "22/11/26", "unreadable"),  # a two-digit year
        ("en", "tomorrow", "unreadable"),
        ("fa", "فردا", "unreadable"),
        ("en", "", "unreadable"),
        ("en", "2026-11", "unreadable"),
        ("en", "2026-11-22-01", "unreadable"),
        ("en", "2026-11-22T10:00", "unreadable"),
        ("en", "12345-11-22", "unreadable"),
        ("en", "November 2026", "unreadable"),
        ("en", "Nov Dec 2026", "unreadable"),
        ("vi", "22/11/2026; DROP TABLE", "unreadable"),
        ("en", "1850-01-01", "out_of_range"),
        ("th", "01/01/2843", "out_of_range"),  # 2300 CE
        ("fa", "1200/01/01", "out_of_range"),
    ],
)
def test_what_is_refused_and_why(language, text, problem):
    with pytest.raises(DateInputError) as refused:
        parse_date(text, language)
    assert refused.value.problem == problem


def test_the_error_quotes_what_was_typed_cut_short():
    with pytest.raises(DateInputError) as refused:
        parse_date("x" * 100, "en")
    assert refused.value.text == "x" * 40 + "…"


@given(st.text(max_size=40), languages)
def test_any_text_is_a_day_or_a_date_input_error(text, language):
    try:
        found = parse_date(text, language)
    except DateInputError:
        return
    assert FIRST <= found <= LAST
