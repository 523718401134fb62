from datetime import date, datetime
from decimal import Decimal

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from owed.core.localize import (
    LANGUAGES,
    LRI,
    PDI,
    PERSIAN_MONTHS,
    LanguageError,
    bidi_safe,
    check_language,
    direction,
    format_amount,
    format_date,
    format_number,
    format_percent,
    isolate_ltr,
    to_persian_digits,
)
from owed.core.money import MoneyError, minor_units

NBSP = "\u00a0"
LRM = "\u200e"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


def from_persian_digits(text):
    return text.translate(str.maketrans(PERSIAN_DIGITS, "0123456789"))


# Languages


def test_owed_writes_in_four_languages_and_only_persian_is_right_to_left():
    assert LANGUAGES == ("en", "vi", "fa", "th")
    assert [direction(language) for language in LANGUAGES] == ["ltr", "ltr", "rtl", "ltr"]


@pytest.mark.parametrize(("given", "code"), [("fa-IR", "fa"), ("TH", "th"), ("vi_VN", "vi")])
def test_a_language_may_carry_a_region_or_other_case(given, code):
    assert check_language(given) == code


@pytest.mark.parametrize("language", ["de", "", "farsi", None])
def test_an_unknown_language_is_refused_with_the_languages_owed_knows(language):
    with pytest.raises(LanguageError, match="owed writes in en, vi, fa, th"):
        format_date(date(2026, 11, 22), language)


# Dates


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "November 22, 2026", "22 Nov 2026"),
        ("vi", "22 tháng 11, 2026", "22/11/2026"),
        ("fa", "۱ آذر ۱۴۰۵", "۱۴۰۵/۰۹/۰۱"),
        ("th", "22 พฤศจิกายน 2569", "22/11/2569"),
    ],
)
def test_a_date_is_written_in_each_language_long_and_short(language, long, short):
    day = date(2026, 11, 22)

    assert format_date(day, language) == long
    assert format_date(day, language, "short") == short


def test_short_dates_pad_as_each_country_writes_them():
    day = date(2026, 1, 5)

    assert format_date(day, "vi", "short") == "05/01/2026"
    assert format_date(day, "th", "short") == "5/1/2569"
    assert format_date(day, "fa", "short") == "۱۴۰۴/۱۰/۱۵"
    assert format_date(day, "fa") == "۱۵ دی ۱۴۰۴"


@pytest.mark.parametrize(
    ("day", "persian"),
    [
        # 1403 is a leap year: Esfand has 30 days and Nowruz 1404 falls on 21 March 2025.
        (date(2025, 3, 20), "۳۰ اسفند ۱۴۰۳"),
        (date(2025, 3, 21), "۱ فروردین ۱۴۰۴"),
        (date(2026, 3, 20), "۲۹ اسفند ۱۴۰۴"),
        (date(2026, 3, 21), "۱ فروردین ۱۴۰۵"),
        (date(2026, 9, 22), "۳۱ شهریور ۱۴۰۵"),
        (date(2026, 9, 23), "۱ مهر ۱۴۰۵"),
    ],
)
def test_persian_dates_follow_the_solar_hijri_calendar_around_its_edges(day, persian):
    assert format_date(day, "fa") == persian


def test_persian_month_names_are_jdatetimes():
    assert list(PERSIAN_MONTHS) == jdatetime.date.j_months_fa


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_a_persian_short_date_reads_back_to_the_same_day(day):
    short = format_date(day, "fa", "short")
    year, month, day_of_month = (int(part) for part in from_persian_digits(short).split("/"))

    assert not any(char.isascii() and char.isdigit() for char in short)
    assert jdatetime.date(year, month, day_of_month).togregorian() == day
    assert PERSIAN_MONTHS[month - 1] in format_date(day, "fa")


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_thai_dates_count_years_in_the_buddhist_era(day):
    long = format_date(day, "th")

    assert long.endswith(f" {day.year + 543}")
    assert long.startswith(f"{day.day} ")
    assert format_date(day, "th", "short") == f"{day.day}/{day.month}/{day.year + 543}"


def test_a_moment_must_be_turned_into_a_local_day_first():
    with pytest.raises(TypeError, match="local day"):
        format_date(datetime(2026, 11, 22, 23, 30), "en")


def test_an_unknown_date_style_is_refused():
    with pytest.raises(ValueError, match="'long' or 'short'"):
        format_date(date(2026, 11, 22), "en", "medium")


# Amounts


@pytest.mark.parametrize(
    ("amount", "currency", "language", "text"),
    [
        ("1234567", "VND", "vi", f"1.234.567{NBSP}₫"),
        ("1234567", "VND", "en", "₫1,234,567"),
        ("1234567", "IRR", "fa", f"۱٬۲۳۴٬۵۶۷{NBSP}ریال"),
        ("1234.5", "THB", "th", "฿1,234.50"),
        ("1234.5", "GBP", "en", "£1,234.50"),
        ("1234.5", "GBP", "vi", f"1.234,50{NBSP}£"),
        ("1234.5", "GBP", "fa", f"۱٬۲۳۴٫۵۰{NBSP}£"),
        ("1234.5", "USD", "th", "US$1,234.50"),
        ("0", "EUR", "en", "€0.00"),
        ("-1234.5", "USD", "en", "-$1,234.50"),
        ("-1234.5", "USD", "fa", f"{LRM}\u2212۱٬۲۳۴٫۵۰{NBSP}$"),
    ],
)
def test_an_amount_is_written_with_its_currencys_minor_units(amount, currency, language, text):
    assert format_amount(Decimal(amount), currency, language) == text


def test_a_currency_code_standing_for_its_symbol_is_spaced_from_the_digits_as_cldr_says():
    assert format_amount(Decimal("1234.5"), "THB", "en") == f"THB{NBSP}1,234.50"
    assert format_amount(Decimal(1234567), "IRR", "en") == f"IRR{NBSP}1,234,567"


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("1500000.5", "VND", "VND has no minor units"),
        ("1500000.5", "IRR", "IRR has no minor units"),
        ("12.345", "THB", "more than 2 decimals for THB"),
        ("NaN", "USD", "not a number"),
    ],
)
def test_an_amount_that_would_need_rounding_is_refused(amount, currency, message):
    for language in LANGUAGES:
        with pytest.raises(MoneyError, match=message):
            format_amount(Decimal(amount), currency, language)


def test_an_unknown_currency_or_a_float_is_refused():
    with pytest.raises(MoneyError, match="unknown currency"):
        format_amount(Decimal(1), "XYZ", "en")
    with pytest.raises(TypeError, match="Decimal"):
        format_amount(12.5, "USD", "en")


@given(
    units=st.integers(min_value=-(10**14), max_value=10**14),
    currency=st.sampled_from(["VND", "IRR", "THB", "USD", "GBP", "EUR"]),
    language=st.sampled_from(LANGUAGES),
)
def test_an_amount_keeps_every_digit_and_exactly_its_minor_units(units, currency, language):
    amount = Decimal(units).scaleb(-minor_units(currency))
    text = format_amount(amount, currency, language)
    digits = "".join(char for char in from_persian_digits(text) if char.isdigit())

    assert digits == f"{abs(units):0{minor_units(currency) + 1}d}"
    if language == "fa":
        assert not any(char.isascii() and char.isdigit() for char in text)


# Numbers and percentages


@pytest.mark.parametrize(
    ("language", "number", "percent"),
    [
        ("en", "-1,234,567.891", "12.75%"),
        ("vi", "-1.234.567,891", "12,75%"),
        ("fa", f"{LRM}\u2212۱٬۲۳۴٬۵۶۷٫۸۹۱", "۱۲٫۷۵٪"),
        ("th", "-1,234,567.891", "12.75%"),
    ],
)
def test_numbers_and_rates_are_written_in_each_language(language, number, percent):
    assert format_number(Decimal("-1234567.891"), language) == number
    assert format_percent(Decimal("12.75"), language) == percent


def test_numbers_and_rates_keep_every_decimal_they_have():
    assert format_number(Decimal("0.123456789"), "en") == "0.123456789"
    assert format_percent(Decimal("8"), "en") == "8%"
    assert format_percent(Decimal("0.0625"), "en") == "0.0625%"
    assert format_percent(Decimal("11.15"), "fa") == "۱۱٫۱۵٪"


# Digits and bidirectional text


def test_ascii_and_arabic_indic_digits_become_persian():
    assert to_persian_digits("INV-2026/001 ٠١٢٣٤٥٦٧٨٩") == "INV-۲۰۲۶/۰۰۱ ۰۱۲۳۴۵۶۷۸۹"


def test_isolating_twice_is_isolating_once():
    once = isolate_ltr("INV-2026-001")

    assert once == f"{LRI}INV-2026-001{PDI}"
    assert isolate_ltr(once) == once
    assert isolate_ltr("") == ""
    # Two isolates side by side are not one isolate.
    assert isolate_ltr(f"{LRI}a{PDI} {LRI}b{PDI}") == f"{LRI}{LRI}a{PDI} {LRI}b{PDI}{PDI}"


def iso(text):
    return f"{LRI}{text}{PDI}"


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("فاکتور INV-2026-001 سررسید شد.", f"فاکتور {iso('INV-2026-001')} سررسید شد."),
        ("به ali@example.com بنویسید", f"به {iso('ali@example.com')} بنویسید"),
        ("تلفن: +98 21 1234 5678", f"تلفن: {iso('+98 21 1234 5678')}"),
        ("تلفن (021) 555-1234 دفتر", f"تلفن {iso('(021) 555-1234')} دفتر"),
        (
            "صفحه https://owed.example/pay/ را ببینید",
            f"صفحه {iso('https://owed.example/pay/')} را ببینید",
        ),
        ("تاریخ 22/11/2026 و 12.5% سود", f"تاریخ {iso('22/11/2026')} و {iso('12.5%')} سود"),
        ("(فاکتور INV-1)", f"(فاکتور {iso('INV-1')})"),
        ("«John Smith»، مدیر", f"«{iso('John Smith')}»، مدیر"),
        ("مبلغ ۱٬۲۳۴٬۵۶۷ ریال", "مبلغ ۱٬۲۳۴٬۵۶۷ ریال"),
        ("INV-1\nINV-2", f"{iso('INV-1')}\n{iso('INV-2')}"),
        ("فاکتورهای INV-1، INV-2", f"فاکتورهای {iso('INV-1')}، {iso('INV-2')}"),
    ],
)
def test_persian_text_isolates_each_left_to_right_run(text, safe):
    assert bidi_safe(text, "fa") == safe


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Saigon Kite Studio Co., Ltd.", iso("Saigon Kite Studio Co., Ltd.")),
        ("  Empire Bagel Co. ", f"  {iso('Empire Bagel Co.')} "),
        ("«Acme Ltd.»", iso("«Acme Ltd.»")),
        (
            "Lotus Co., Ltd.\nbilling@lotus.example",
            f"{iso('Lotus Co., Ltd.')}\n{iso('billing@lotus.example')}",
        ),
        ("Acme Inc.\nشرکت آکمه", f"{iso('Acme Inc.')}\nشرکت آکمه"),
        ("...", "..."),
        ("", ""),
    ],
)
def test_a_line_without_right_to_left_letters_is_isolated_whole(text, safe):
    assert bidi_safe(text, "fa") == safe
    assert bidi_safe(safe, "fa") == safe


def test_a_persian_amount_keeps_its_left_to_right_mark_unisolated():
    amount = format_amount(Decimal("1234.5"), "GBP", "fa")

    assert bidi_safe(f"مبلغ {amount}", "fa") == f"مبلغ {amount}"


@pytest.mark.parametrize("language", ["en", "vi", "th"])
def test_other_languages_are_left_as_they_are(language):
    assert bidi_safe("Invoice INV-1 ไทย", language) == "Invoice INV-1 ไทย"


MIXED_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ019 -_.@/:+()%$,\n")
        + list("فاکتورسید ۱۲۳،«»")
        + ["\u200c", LRM, "\u200f", LRI, "\u2067", "\u2068", PDI, "ไ"]
    ),
    max_size=60,
)


@given(text=MIXED_TEXT)
def test_making_text_bidi_safe_twice_changes_nothing_more(text):
    once = bidi_safe(text, "fa")

    assert bidi_safe(once, "fa") == once


ISOLATES = (LRI, "\u2067", "\u2068", PDI)


@given(text=MIXED_TEXT.filter(lambda text: not any(char in text for char in ISOLATES)))
def test_bidi_safe_only_adds_isolates_and_leaves_no_latin_outside_one(text):
    safe = bidi_safe(text, "fa")
    outside = []
    depth = 0
    for char in safe:
        if char == LRI:
            depth += 1
        elif char == PDI:
            depth -= 1
        elif depth == 0:
            outside.append(char)

    assert safe.replace(LRI, "").replace(PDI, "") == text
    assert depth == 0
    assert not [char for char in outside if (char.isascii() and char.isalnum()) or char == "ไ"]


@pytest.mark.parametrize(
    ("amount", "currency", "language", "text"),
    [
        ("1234.5", "GBP", "en", "1,234.50"),
        ("1234.5", "EUR", "vi", "1.234,50"),
        ("1629000000", "IRR", "fa", "۱٬۶۲۹٬۰۰۰٬۰۰۰"),
        ("38070000", "VND", "th", "38,070,000"),
        ("0", "THB", "th", "0.00"),
    ],
)
def test_an_amount_without_its_symbol_keeps_the_currency_s_minor_units(
    amount, currency, language, text
):
    assert format_amount(Decimal(amount), currency, language, symbol=False) == text


def test_an_amount_without_its_symbol_is_still_refused_when_it_needs_rounding():
    with pytest.raises(MoneyError):
        format_amount(Decimal("1.5"), "VND", "en", symbol=False)
