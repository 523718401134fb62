from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owed.core.money import (
    MoneyError,
    Rounding,
    allocate_evenly,
    check_currency,
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
