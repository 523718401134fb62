from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owed.core.claims import (
    ClaimError,
    check_claim,
    factoring_quote,
    parse_limits,
    small_claims_limit,
    small_claims_limits,
)
from owed.core.interest import CaveatCode

D = Decimal
TODAY = date(2025, 6, 1)


def test_the_shipped_limits_load_with_a_source_and_a_procedure_each():
    limits = small_claims_limits()

    assert {row.jurisdiction for row in limits} == {
        "GB", "US-CA", "US-TX", "US-FL", "US-NY", "TH", "IR", "VN",
    }  # fmt: skip
    assert all(row.source and row.procedure for row in limits)


@pytest.mark.parametrize(
    ("jurisdiction", "currency", "limit"),
    [
        ("GB", "GBP", 10_000),
        ("US-TX", "USD", 20_000),
        ("US-FL", "USD", 8_000),
        ("US-NY", "USD", 10_000),
        ("TH", "THB", 300_000),
        ("IR", "IRR", 1_000_000_000),
    ],
)
def test_a_claim_at_the_limit_fits_and_one_unit_more_does_not(jurisdiction, currency, limit):
    unit = D(1) if currency == "IRR" else D("0.01")

    at = check_claim(D(limit), currency, jurisdiction, TODAY)
    above = check_claim(D(limit) + unit, currency, jurisdiction, TODAY)

    assert at.fits
    assert at.limit == D(limit)
    assert not above.fits
    assert above.warning.code == CaveatCode.ABOVE_LIMIT
    assert f"limit of {limit} {currency}" in above.warning.text()


def test_the_english_small_claims_track_names_its_procedure():
    check = check_claim(D("12000.00"), "GBP", "GB", TODAY)

    assert check.procedure == "Small claims track (England and Wales)"
    assert check.warning.text() == (
        "The claim of 12000.00 GBP is above the limit of 10000 GBP "
        "(Small claims track (England and Wales))."
    )


def test_californias_limit_depends_on_who_claims():
    assert small_claims_limit("US-CA", TODAY, "individual").limit == D(12_500)
    assert small_claims_limit("US-CA", TODAY, "business").limit == D(6_250)
    assert check_claim(D(7_000), "USD", "US-CA", TODAY, "individual").fits
    assert not check_claim(D(7_000), "USD", "US-CA", TODAY, "business").fits
    with pytest.raises(ClaimError, match="individual or a business"):
        check_claim(D(7_000), "USD", "US-CA", TODAY)


def test_an_any_row_serves_claimants_of_every_kind():
    assert small_claims_limit("US-TX", TODAY, "business").limit == D(20_000)


@pytest.mark.parametrize(
    ("jurisdiction", "kind", "first_day"),
    [
        ("US-TX", "any", date(2020, 9, 1)),
        ("US-CA", "individual", date(2024, 1, 1)),
        ("IR", "any", date(2023, 9, 13)),
        ("US-FL", "any", date(2020, 1, 1)),
    ],
)
def test_a_limit_applies_from_its_valid_from_and_not_before(jurisdiction, kind, first_day):
    before = date.fromordinal(first_day.toordinal() - 1)

    assert small_claims_limit(jurisdiction, first_day, kind) is not None
    assert small_claims_limit(jurisdiction, before, kind) is None


def test_a_jurisdiction_without_a_known_procedure_does_not_fit_and_says_so():
    check = check_claim(D(100), "EUR", "DE", TODAY)

    assert not check.fits
    assert check.limit is None
    assert check.warning.code == CaveatCode.NO_LIMIT_KNOWN
    assert "DE on 2025-06-01" in check.warning.text()


def test_the_vietnamese_simplified_procedure_has_no_amount_limit_but_conditions():
    check = check_claim(D(50_000_000_000), "VND", "VN", TODAY)

    assert check.fits
    assert check.limit is None
    assert check.procedure == "Simplified procedure"
    assert check.warning.code == CaveatCode.PROCEDURE_CONDITIONS
    assert "admit the obligation" in check.warning.text()


def test_the_new_york_city_limit_is_flagged_as_a_secondary_source():
    check = check_claim(D(500), "USD", "US-NY", TODAY)

    assert check.fits
    assert check.warning.code == CaveatCode.SECONDARY_SOURCE


def test_a_claim_in_another_currency_than_the_limit_is_refused():
    with pytest.raises(ClaimError, match="limit is in GBP; the claim is in EUR"):
        check_claim(D(100), "EUR", "GB", TODAY)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("jurisdiction,limit\n", "the columns must be"),
        (
            "jurisdiction,party_kind,currency,limit,valid_from,source,procedure\n"
            "GB,people,GBP,1,2020-01-01,x,y\n",
            "line 2: party kind 'people'",
        ),
        (
            "jurisdiction,party_kind,currency,limit,valid_from,source,procedure\n"
            "GB,any,GBP,ten,2020-01-01,x,y\n",
            "line 2",
        ),
    ],
)
def test_malformed_limits_are_refused_with_the_line(text, message):
    with pytest.raises(ClaimError, match=message):
        parse_limits(text)


def test_a_factoring_advance_is_rounded_down_and_the_fee_half_up():
    quote = factoring_quote(D("1234.57"), "USD", D(80), D("2.5"))

    # 80 % of 1,234.57 is 987.656; 2.5 % is 30.86425.
    assert quote.advance == D("987.65")
    assert quote.fee == D("30.86")
    assert quote.reserve == D("246.92")
    assert quote.net == D("1203.71")


def test_a_factoring_advance_in_dong_is_whole_dong_rounded_down():
    quote = factoring_quote(D(1_000_001), "VND", D(85), D(3))

    assert quote.advance == D(850_000)  # 850,000.85
    assert quote.fee == D(30_000)  # 30,000.03


@pytest.mark.parametrize(("advance", "fee"), [(D(101), D(1)), (D(80), D(-1))])
def test_factoring_percentages_must_be_between_0_and_100(advance, fee):
    with pytest.raises(ClaimError, match="between 0 and 100"):
        factoring_quote(D(100), "USD", advance, fee)


@given(
    cents=st.integers(min_value=0, max_value=10**12),
    advance=st.decimals(min_value=0, max_value=100, places=2),
    fee=st.decimals(min_value=0, max_value=100, places=2),
)
def test_a_factoring_quote_never_advances_more_than_the_percentage(cents, advance, fee):
    balance = D(cents).scaleb(-2)

    quote = factoring_quote(balance, "EUR", advance, fee)

    assert quote.advance <= balance * advance / 100 < quote.advance + D("0.01")
    assert quote.advance + quote.reserve == balance
    assert quote.net == balance - quote.fee
