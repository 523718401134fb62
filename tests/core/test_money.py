from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owed.core.money import (
    MoneyError,
    Rounding,
    allocate_evenly,
    check_currency,
    excerpt,
    minor_units,
    parse_amount,
    percent_of,
    round_money,
)


@pytest.mark.parametrize(
    ("currency", "units"),
    [("VND", 0), ("IRR", 0), ("THB", 2), ("USD", 2), ("GBP", 2), ("EUR", 2), ("JPY", 0)],
)
def test_each_currency_has_its_own_minor_units(currency, units):
    assert minor_units(currency) == units


def test_amounts_in_vnd_take_no_decimals():
    assert parse_amount("1500000", "VND") == Decimal(1500000)
    with pytest.raises(MoneyError, match="VND has no minor units"):
        parse_amount("1500000.5", "VND")


def test_amounts_in_usd_take_at_most_two_decimals():
    assert parse_amount("12.5", "USD") == Decimal("12.50")
    with pytest.raises(MoneyError, match="more than 2 decimals"):
        parse_amount("12.505", "USD")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "missing"),
        ("abc", "not a number"),
        ("-5", "negative"),
        ("0", "zero"),
        ("1,000", "comma"),
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(text, message):
    with pytest.raises(MoneyError, match=message):
        parse_amount(text, "USD")


def test_an_amount_is_read_after_its_surrounding_spaces_are_stripped():
    assert parse_amount("  1200.50\t", "USD") == Decimal("1200.50")
    assert parse_amount("\u00a01500000 ", "VND") == Decimal(1500000)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" 1e3", "amount '1e3' is in scientific notation; write every digit, like 1234.50"),
        ("1E-2", "amount '1E-2' is in scientific notation; write every digit, like 1234.50"),
        (
            "1.23457E+11",
            "amount '1.23457E+11' is in scientific notation; write every digit, like 1234.50",
        ),
        ("١٢٣", "amount '١٢٣' has digits other than 0-9; write it like 1234.50"),
        ("۱۲۳۴", "amount '۱۲۳۴' has digits other than 0-9; write it like 1234.50"),
        ("１２３", "amount '１２３' has digits other than 0-9; write it like 1234.50"),
        ("1_000", "amount '1_000' is not written like 1234.50 (digits 0-9 and one '.' only)"),
        ("+5", "amount '+5' is not written like 1234.50 (digits 0-9 and one '.' only)"),
        ("1 000", "amount '1 000' is not written like 1234.50 (digits 0-9 and one '.' only)"),
        ("5.", "amount '5.' needs digits after the point; write it like 5"),
        (".5", "amount '.5' needs a digit before the point; write it like 0.5"),
        ("1000000000000000", "amount 1000000000000000 is too large"),
    ],
)
def test_only_ascii_digits_with_an_optional_point_and_decimals_are_an_amount(text, message):
    with pytest.raises(MoneyError) as caught:
        parse_amount(text, "USD")

    assert str(caught.value) == message


def test_a_long_amount_is_quoted_in_the_message_only_in_part():
    text = "12345678901234567890123456789012345"

    with pytest.raises(MoneyError) as too_large:
        parse_amount(text, "USD")
    with pytest.raises(MoneyError) as not_a_number:
        parse_amount("x" * 100, "USD")

    assert str(too_large.value) == "amount 123456789012345678901234567890… is too large"
    assert str(not_a_number.value) == f"amount '{'x' * 30}…' is not a number"
    assert excerpt("short") == "short"


@given(
    units=st.integers(min_value=1, max_value=10**14 - 1),
    currency=st.sampled_from(["VND", "USD"]),
)
def test_an_amount_written_as_plain_digits_reads_back_exactly(units, currency):
    amount = Decimal(units).scaleb(-minor_units(currency))

    assert parse_amount(format(amount, "f"), currency) == amount


def test_a_currency_with_three_minor_units_is_refused_rather_than_rounded():
    with pytest.raises(MoneyError, match="at most 2"):
        check_currency("KWD")


def test_an_unknown_currency_is_refused():
    with pytest.raises(MoneyError, match="unknown currency"):
        check_currency("XYZ")


def test_named_rounding_rules_differ_on_a_half():
    assert round_money(Decimal("2.345"), "USD", Rounding.HALF_UP) == Decimal("2.35")
    assert round_money(Decimal("2.345"), "USD", Rounding.HALF_EVEN) == Decimal("2.34")
    assert round_money(Decimal("2.349"), "USD", Rounding.DOWN) == Decimal("2.34")
    assert round_money(Decimal("2500.5"), "VND", Rounding.HALF_UP) == Decimal(2501)


def test_percent_of_rounds_half_up_to_the_unit():
    assert percent_of(Decimal("1000000"), Decimal("33.333"), "VND") == Decimal(333330)
    assert percent_of(Decimal("100.01"), Decimal("50"), "USD") == Decimal("50.01")


@given(
    total=st.integers(min_value=0, max_value=10**12),
    parts=st.integers(min_value=1, max_value=36),
    currency=st.sampled_from(["VND", "USD", "IRR", "THB"]),
)
def test_even_split_adds_up_exactly_and_differs_by_at_most_one_unit(total, parts, currency):
    amount = Decimal(total).scaleb(-minor_units(currency))
    shares = allocate_evenly(amount, parts, currency)
    assert sum(shares) == amount
    assert max(shares) - min(shares) <= Decimal(1).scaleb(-minor_units(currency))
