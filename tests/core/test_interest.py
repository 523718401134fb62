from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from owed.core.interest import (
    LAWS,
    CaveatCode,
    InterestError,
    check_contract_rate,
    contract_interest,
    contract_penalty,
    statutory_interest,
    step_fee,
)
from owed.core.rates import RateRow, UnknownRateError, load_table

D = Decimal


def by_hand(principal, *stretches):
    """Simple interest, actual/365, for (days, yearly percent) stretches, unrounded."""
    return sum((D(principal) * D(rate) * days / 100 / 365 for days, rate in stretches), D(0))


def cents(amount):
    return amount.quantize(D("0.01"), rounding=ROUND_HALF_EVEN)


def codes(result):
    return [warning.code for warning in result.warnings]


# Worked examples ----------------------------------------------------------------------


def test_gb_worked_example_12000_pounds_due_1_march_paid_9_june_2025():
    result = statutory_interest("GB", D("12000.00"), "GBP", date(2025, 3, 1), date(2025, 6, 9))

    # 2 March to 9 June: 30 + 30 + 31 + 9 days. Bank Rate on 31 Dec 2024 was 4.75 %.
    assert result.days == 100
    assert result.rate == D("12.75")
    assert by_hand(12000, (100, "12.75")) == D(153000) / 365
    assert result.interest == D("419.18")
    assert result.compensation == D(100)
    assert result.total == D("12519.18")
    assert result.rates_used[0].valid_from == date(2024, 11, 7)
    assert result.basis.values["reference_date"] == "2024-12-31"
    assert "4.75% on 2024-12-31 plus 8 points, 12.75% a year" in result.basis.text()


@pytest.mark.parametrize(
    ("due", "reference_date", "rate"),
    [
        (date(2025, 6, 29), "2024-12-31", D("12.75")),  # interest starts 30 June
        (date(2025, 6, 30), "2025-06-30", D("12.25")),  # interest starts 1 July
        (date(2024, 12, 31), "2024-12-31", D("12.75")),  # interest starts 1 January
    ],
)
def test_gb_reference_is_the_bank_rate_on_the_half_year_end_before_interest_starts(
    due, reference_date, rate
):
    result = statutory_interest("GB", D("5000.00"), "GBP", due, due + timedelta(days=10))

    assert result.basis.values["reference_date"] == reference_date
    assert result.rate == rate


def test_gb_rate_stays_fixed_for_the_life_of_the_debt_across_bank_rate_changes():
    result = statutory_interest("GB", D("1000.00"), "GBP", date(2024, 6, 1), date(2025, 6, 1))

    assert {period.rate for period in result.periods} == {D("13.25")}
    assert result.interest == cents(by_hand(1000, (365, "13.25")))


@pytest.mark.parametrize(
    ("principal", "fixed_sum"),
    [("999.99", 40), ("1000.00", 70), ("9999.99", 70), ("10000.00", 100)],
)
def test_gb_fixed_sum_depends_on_the_size_of_the_debt(principal, fixed_sum):
    result = statutory_interest("GB", D(principal), "GBP", date(2025, 1, 31), date(2025, 2, 1))

    assert result.compensation == D(fixed_sum)


def test_gb_consumer_debt_gets_no_statutory_interest_and_says_what_a_court_may_do():
    result = statutory_interest(
        "GB", D("5000.00"), "GBP", date(2025, 1, 31), date(2025, 6, 1), debtor="b2c"
    )

    assert result.interest == 0
    assert result.compensation == 0
    assert result.total == D("5000.00")
    assert codes(result) == [CaveatCode.CONSUMER_DEBT]
    assert "County Courts Act 1984 s.69" in result.warnings[0].text()


def test_gb_contract_rate_displaces_the_act_and_its_fixed_sum():
    result = statutory_interest(
        "GB", D("12000.00"), "GBP", date(2025, 3, 1), date(2025, 6, 9), contract_rate=D(4)
    )

    assert result.rate == D(4)
    assert result.compensation == 0
    assert result.interest == cents(by_hand(12000, (100, 4)))
    assert "s.8-9" in result.basis.citation
    assert result.basis.text() == "Contractual interest at 4% a year, simple, from 2025-03-02."
    assert codes(result) == [CaveatCode.CONTRACT_DISPLACES_ACT]


def test_german_debt_crossing_1_july_takes_each_half_years_base_rate():
    result = statutory_interest("DE", D("5000.00"), "EUR", date(2024, 5, 15), date(2024, 8, 20))

    # Base rate 3.62 % in H1 2024 and 3.37 % in H2, plus 9 points for a business debtor.
    first, second = result.periods
    assert (first.start, first.end, first.days, first.rate) == (
        date(2024, 5, 16),
        date(2024, 6, 30),
        46,
        D("12.62"),
    )
    assert (second.start, second.end, second.days, second.rate) == (
        date(2024, 7, 1),
        date(2024, 8, 20),
        51,
        D("12.37"),
    )
    assert result.interest == D("165.94")
    assert result.interest == cents(by_hand(5000, (46, "12.62"), (51, "12.37")))
    assert result.compensation == D(40)
    assert result.rate == D("12.37")


def test_german_consumer_debt_is_base_rate_plus_5_without_the_flat_fee():
    result = statutory_interest(
        "DE", D("5000.00"), "EUR", date(2024, 5, 15), date(2024, 8, 20), debtor="b2c"
    )

    assert [p.rate for p in result.periods] == [D("8.62"), D("8.37")]
    assert result.compensation == 0
    assert "§288(1)" in result.basis.citation


@pytest.mark.parametrize(("law", "margin"), [("EU", 8), ("FR", 10)])
def test_ecb_rate_of_1_january_and_1_july_applies_to_each_half_year(law, margin):
    result = statutory_interest(law, D("10000.00"), "EUR", date(2025, 6, 15), date(2025, 7, 15))

    # ECB main refinancing rate 3.15 % on 1 January 2025, 2.15 % on 1 July 2025.
    rates = [D("3.15") + margin, D("2.15") + margin]
    assert [p.rate for p in result.periods] == rates
    assert [p.days for p in result.periods] == [15, 15]
    assert result.interest == cents(by_hand(10000, (15, rates[0]), (15, rates[1])))
    assert result.compensation == D(40)


def test_eu_consumer_debt_is_outside_the_directive():
    result = statutory_interest(
        "EU", D("100.00"), "EUR", date(2025, 1, 1), date(2025, 3, 1), debtor="b2c"
    )

    assert (result.interest, result.compensation) == (0, 0)
    assert codes(result) == [CaveatCode.CONSUMER_DEBT]


def test_eu_fixed_sum_is_not_added_to_a_debt_in_another_currency():
    result = statutory_interest("EU", D("1000.00"), "PLN", date(2025, 1, 1), date(2025, 3, 1))

    assert result.compensation == 0
    assert codes(result) == [CaveatCode.COMPENSATION_CURRENCY]
    assert "40 EUR" in result.warnings[0].text()


def test_thai_debt_crossing_11_april_2021_pays_7_5_before_and_5_from_that_day():
    result = statutory_interest("TH", D("100000.00"), "THB", date(2021, 3, 1), date(2021, 5, 10))

    # 2 March to 10 April 2021: 40 days at 7.5 %; 11 April to 10 May: 30 days at 5 %.
    assert [(p.start, p.days, p.rate) for p in result.periods] == [
        (date(2021, 3, 2), 40, D("7.5")),
        (date(2021, 4, 11), 30, D(5)),
    ]
    assert result.interest == D("1232.88")
    assert result.interest == cents(by_hand(100000, (40, "7.5"), (30, 5)))
    assert result.warnings == ()


def test_thai_result_running_past_april_2024_warns_about_the_unconfirmed_review():
    result = statutory_interest("TH", D("1000.00"), "THB", date(2024, 1, 1), date(2024, 5, 1))

    assert codes(result) == [CaveatCode.RATE_REVIEW]
    assert result.rate == D(5)


def test_vietnamese_contract_rate_of_24_is_capped_at_20_with_the_article():
    result = statutory_interest(
        "VN", D(100_000_000), "VND", date(2024, 1, 10), date(2024, 4, 19), contract_rate=D(24)
    )

    assert result.days == 100
    assert result.rate == D(20)
    # 100,000,000 x 20 % x 100 / 365 = 5,479,452.05 dong, paid in whole dong.
    assert result.interest == D(5_479_452)
    assert codes(result) == [CaveatCode.RATE_CAPPED]
    assert result.warnings[0].text() == (
        "The agreed rate of 24% a year is above the 20% cap (Civil Code 2015 Art. 468(1)); "
        "20% is used."
    )


def test_vietnamese_debt_without_an_agreed_rate_bears_10_percent():
    result = statutory_interest("VN", D(100_000_000), "VND", date(2024, 1, 10), date(2024, 4, 19))

    assert result.rate == D(10)
    assert result.interest == D(2_739_726)
    assert "468(2)" in result.basis.citation


def test_vietnamese_commercial_interest_needs_the_market_rate():
    with pytest.raises(InterestError, match=r"Commercial Law 2005 \(Art. 306\) needs the average"):
        statutory_interest("VN-COMMERCIAL", D(1_000_000), "VND", date(2025, 1, 1), date(2025, 2, 1))

    result = statutory_interest(
        "VN-COMMERCIAL", D(1_000_000), "VND", date(2025, 1, 1), date(2025, 2, 1), market_rate=D(12)
    )
    assert result.interest == D(10_192)  # 1,000,000 x 12 % x 31 / 365 = 10,191.78
    assert codes(result) == [CaveatCode.MARKET_RATE]


def test_vietnamese_commercial_penalty_is_capped_at_8_percent():
    capped = contract_penalty(D(50_000_000), "VND", D(10))
    civil = contract_penalty(D(50_000_000), "VND", D(10), law="VN")

    assert (capped.amount, capped.percent) == (D(4_000_000), D(8))
    assert capped.warning.code == CaveatCode.PENALTY_CAPPED
    assert "Art. 301" in capped.warning.text()
    assert (civil.amount, civil.warning) == (D(5_000_000), None)
    with pytest.raises(InterestError, match="no rule for contractual penalties under GB"):
        contract_penalty(D(100), "GBP", D(5), law="GB")


def test_iranian_damages_follow_the_ratio_of_the_annual_index():
    result = statutory_interest(
        "IR",
        D(1_000_000_000),
        "IRR",
        date(2017, 5, 1),  # in 1396, index 109.6
        date(2019, 6, 1),  # in 1398, index 203.150
        demand_on=date(2017, 6, 1),
    )

    expected = D(1_000_000_000) * D("203.150") / D("109.6") - D(1_000_000_000)
    assert result.interest == expected.quantize(D(1), rounding=ROUND_HALF_EVEN)
    assert result.interest == D(853_558_394)
    assert result.rate is None
    assert result.basis.values["due_year"] == "1396"
    assert result.basis.values["until_year"] == "1398"
    assert CaveatCode.INDEX_CONDITIONS in codes(result)


def test_iranian_damages_within_the_year_of_the_due_date_are_nothing():
    result = statutory_interest(
        "IR", D(5_000_000), "IRR", date(2018, 4, 1), date(2019, 3, 1), demand_on=date(2018, 4, 2)
    )

    assert result.interest == 0


def test_iranian_damages_are_never_negative_when_the_index_falls():
    falling = load_table(
        "ir_cbi_index", [RateRow("ir_cbi_index", date(2020, 3, 20), D("100"), "test")]
    )

    result = statutory_interest(
        "IR",
        D(5_000_000),
        "IRR",
        date(2019, 4, 1),
        date(2020, 5, 1),
        demand_on=date(2019, 5, 1),
        tables={"ir_cbi_index": falling},
    )

    assert result.interest == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"currency": "USD", "demand_on": date(2018, 1, 1)},
            "in rials only, and this debt is in USD",
        ),
        ({"currency": "IRR"}, "no demand for payment has been made yet"),
    ],
)
def test_iranian_damages_need_rials_and_a_demand(kwargs, message):
    with pytest.raises(InterestError, match=message) as raised:
        statutory_interest(
            "IR", D(1_000_000), due=date(2017, 5, 1), until=date(2019, 6, 1), **kwargs
        )
    # The reason is a sentence for a user, with no argument names in it.
    assert raised.value.reason is not None
    assert "demand_on" not in str(raised.value) and "IRR" not in str(raised.value)


def test_iranian_damages_before_any_demand_are_nothing_with_a_warning():
    result = statutory_interest(
        "IR", D(1_000_000), "IRR", date(2017, 5, 1), date(2019, 6, 1), demand_on=date(2019, 7, 1)
    )

    assert result.interest == 0
    assert CaveatCode.NO_DEMAND in codes(result)


def test_texas_interest_starts_on_the_30th_day_after_the_due_date():
    due = date(2025, 1, 1)

    day_29 = statutory_interest("US-TX", D("1000.00"), "USD", due, due + timedelta(days=29))
    day_30 = statutory_interest("US-TX", D("1000.00"), "USD", due, due + timedelta(days=30))

    assert (day_29.interest, day_29.days, day_29.periods) == (0, 0, ())
    assert day_30.days == 1
    assert day_30.periods[0].start == date(2025, 1, 31)
    assert day_30.interest == cents(by_hand(1000, (1, 6)))
    assert day_30.basis.text() == "Statutory interest at 6% a year, simple, from 2025-01-31."


def test_florida_debt_crossing_a_quarter_takes_each_quarters_rate():
    result = statutory_interest(
        "US-FL", D("10000.00"), "USD", date(2023, 9, 15), date(2023, 10, 15)
    )

    # 16-30 September 2023 at 7.69 %, 1-15 October at 8.54 %.
    assert [(p.days, p.rate) for p in result.periods] == [(15, D("7.69")), (15, D("8.54"))]
    assert result.interest == D("66.70")
    assert result.interest == cents(by_hand(10000, (15, "7.69"), (15, "8.54")))
    assert result.compensation == 0


@pytest.mark.parametrize(
    ("law", "rate"), [("US-NY", 9), ("US-CA", 10), ("US-IL", 5), ("US-MA", 12)]
)
def test_us_states_with_one_statutory_rate(law, rate):
    result = statutory_interest(law, D("1000.00"), "USD", date(2025, 1, 1), date(2025, 4, 11))

    assert result.days == 100
    assert result.rate == D(rate)
    assert result.interest == cents(by_hand(1000, (100, rate)))
    assert result.compensation == 0


def test_texas_contract_rate_above_the_usury_cap_is_capped():
    result = statutory_interest(
        "US-TX", D("1000.00"), "USD", date(2025, 1, 1), date(2025, 3, 1), contract_rate=D(18)
    )

    assert result.rate == D(10)
    assert "302.001(b)" in result.warnings[0].text()
    assert result.periods[0].start == date(2025, 1, 31)


# Unknown rates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("law", "due", "table"),
    [
        ("GB", date(2005, 1, 1), "boe"),
        ("EU", date(2008, 1, 10), "ecb_mro"),
        ("DE", date(2007, 1, 10), "de_base"),
        ("US-FL", date(2022, 8, 1), "fl_statutory"),
        ("IR", date(2010, 1, 1), "ir_cbi_index"),
    ],
)
def test_a_period_the_tables_do_not_know_raises_naming_the_table(law, due, table):
    currency = {"GB": "GBP", "US-FL": "USD", "IR": "IRR"}.get(law, "EUR")

    with pytest.raises(UnknownRateError) as caught:
        statutory_interest(law, D(1000), currency, due, due + timedelta(days=60), demand_on=due)

    assert caught.value.table == table
    assert f"({table})" in str(caught.value)


def test_a_reference_rate_given_by_the_caller_replaces_the_table():
    result = statutory_interest(
        "GB", D("1000.00"), "GBP", date(2005, 1, 1), date(2005, 2, 1), reference_rate=D(5)
    )

    assert result.rate == D(13)
    assert codes(result) == [CaveatCode.REFERENCE_GIVEN]
    with pytest.raises(InterestError, match="US-NY has no reference rate"):
        statutory_interest(
            "US-NY", D(1), "USD", date(2025, 1, 1), date(2025, 2, 1), reference_rate=D(5)
        )


# Rounding -----------------------------------------------------------------------------


def test_vnd_interest_rounds_to_whole_dong_half_to_even():
    # 9,125 dong at 10 % for 1 day is exactly 2.5 dong; 12,775 dong is exactly 3.5.
    down = statutory_interest("VN", D(9125), "VND", date(2025, 1, 1), date(2025, 1, 2))
    up = statutory_interest("VN", D(12775), "VND", date(2025, 1, 1), date(2025, 1, 2))

    assert down.periods[0].amount == D("2.5")
    assert down.interest == D(2)
    assert up.interest == D(4)
    assert down.interest.as_tuple().exponent == 0


def test_irr_damages_are_whole_rials():
    result = statutory_interest(
        "IR", D(1_234_567), "IRR", date(2017, 5, 1), date(2018, 5, 1), demand_on=date(2017, 5, 2)
    )

    assert result.interest.as_tuple().exponent == 0
    assert result.interest == (D(1_234_567) * D("143.842") / D("109.6") - D(1_234_567)).quantize(
        D(1), rounding=ROUND_HALF_EVEN
    )


def test_periods_accrue_unrounded_and_the_total_is_rounded_once():
    result = statutory_interest("US-FL", D("333.33"), "USD", date(2023, 9, 1), date(2023, 10, 20))

    unrounded = sum(period.amount for period in result.periods)
    assert unrounded != cents(unrounded)
    assert result.interest == cents(unrounded)


# Part-payments ------------------------------------------------------------------------

DUE, PAID_ON, UNTIL = date(2024, 1, 31), date(2024, 3, 1), date(2024, 3, 31)
# Base rate 3.62 % + 9 = 12.62 % for all of it. 1 February to 1 March 2024: 30 days.
FIRST = by_hand(10000, (30, "12.62"))


def test_costs_interest_principal_pays_the_fee_then_interest_then_principal():
    result = statutory_interest(
        "DE", D("10000.00"), "EUR", DUE, UNTIL, payments=[(PAID_ON, D("5000.00"))]
    )

    principal_left = D(10000) - (D(5000) - 40 - FIRST)
    assert [p.balance for p in result.periods] == [D("10000.00"), principal_left]
    second = by_hand(principal_left, (30, "12.62"))
    assert result.interest == cents(FIRST + second)
    assert result.compensation == 40
    assert result.paid == D("5000.00")
    assert result.outstanding == D("10000.00") + result.interest + 40 - D("5000.00")


def test_principal_first_pays_principal_before_interest_and_the_fee():
    result = statutory_interest(
        "DE",
        D("10000.00"),
        "EUR",
        DUE,
        UNTIL,
        payments=[(PAID_ON, D("5000.00"))],
        allocation="principal_first",
    )

    assert [p.balance for p in result.periods] == [D("10000.00"), D("5000.00")]
    assert result.interest == cents(FIRST + by_hand(5000, (30, "12.62")))
    assert result.interest == D("155.59")
    assert result.outstanding == D("5195.59")


def test_the_allocation_order_changes_the_interest():
    both = [
        statutory_interest(
            "DE", D("10000.00"), "EUR", DUE, UNTIL, payments=[(PAID_ON, D("5000.00"))],
            allocation=order,
        ).interest
        for order in ("costs_interest_principal", "principal_first")
    ]  # fmt: skip

    assert both[0] > both[1]


def test_a_payment_after_until_is_left_out_and_overpaying_warns():
    later = statutory_interest(
        "US-NY", D("100.00"), "USD", DUE, UNTIL, payments=[(UNTIL + timedelta(days=1), D(100))]
    )
    over = statutory_interest("US-NY", D("100.00"), "USD", DUE, UNTIL, payments=[(DUE, D(200))])

    assert later.paid == 0
    assert (over.interest, over.outstanding) == (0, 0)
    assert codes(over) == [CaveatCode.OVERPAID]
    assert over.warnings[0].values["amount"] == "100.00"


def test_a_debt_paid_on_time_owes_no_fixed_sum():
    result = statutory_interest("GB", D("500.00"), "GBP", DUE, UNTIL, payments=[(DUE, D(500))])

    assert (result.interest, result.compensation, result.outstanding) == (0, 0, 0)


def test_payments_must_be_positive_amounts_in_the_currency():
    with pytest.raises(InterestError, match="not a positive VND amount"):
        statutory_interest("VN", D(1000), "VND", DUE, UNTIL, payments=[(DUE, D("0.5"))])


# Contract terms -----------------------------------------------------------------------


def test_contract_interest_is_simple_actual_365_from_the_day_after_due():
    result = contract_interest(D("2000.00"), "USD", date(2024, 2, 1), date(2024, 3, 2), D(12))

    assert result.days == 30  # 2 February to 2 March 2024 (a leap February)
    assert result.interest == cents(by_hand(2000, (30, 12)))
    assert result.basis.citation == "the contract"


@pytest.mark.parametrize(
    ("law", "agreed", "used", "warned"),
    [
        ("VN", 20, 20, False),
        ("VN", 21, 20, True),
        ("TH", 15, 15, False),
        ("TH", 16, 15, True),
        ("US-TX", 12, 10, True),
        ("US-NY", 20, 20, False),
    ],
)
def test_agreed_rates_are_checked_against_the_laws_cap(law, agreed, used, warned):
    check = check_contract_rate(law, D(agreed))

    assert check.rate == D(used)
    assert (check.warning is not None) == warned


def test_a_step_fee_is_fixed_plus_a_percentage_rounded_half_up():
    assert step_fee(D(10), D(2), D("1234.56"), "USD") == D("34.69")
    assert step_fee(D(50000), D("1.5"), D(3_333_333), "VND") == D(100_000)
    assert step_fee(None, None, D(100), "EUR") == D("0.00")


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(InterestError, match="unknown law 'US-ZZ'"):
        statutory_interest("US-ZZ", D(1), "USD", DUE, UNTIL)
    with pytest.raises(InterestError, match="'b2b' or 'b2c'"):
        statutory_interest("GB", D(1), "GBP", DUE, UNTIL, debtor="b2g")
    with pytest.raises(InterestError, match="more decimals than VND allows"):
        statutory_interest("VN", D("1.5"), "VND", DUE, UNTIL)
    with pytest.raises(InterestError, match="market rate is used only under VN-COMMERCIAL"):
        statutory_interest("VN", D(1), "VND", DUE, UNTIL, market_rate=D(9))


# Properties ---------------------------------------------------------------------------

# Days the shipped tables know for each law (the reference of every period included).
KNOWN = {
    "GB": (date(2008, 1, 1), date(2026, 4, 30)),
    "EU": (date(2009, 1, 1), date(2026, 6, 16)),
    "FR": (date(2009, 1, 1), date(2026, 6, 16)),
    "DE": (date(2008, 1, 1), date(2026, 6, 30)),
    "TH": (date(2015, 1, 1), date(2030, 12, 31)),
    "US-NY": (date(2015, 1, 1), date(2030, 12, 31)),
    "US-TX": (date(2015, 1, 1), date(2030, 12, 31)),
    "VN": (date(2015, 1, 1), date(2030, 12, 31)),
}
CURRENCY = {"GB": "GBP", "EU": "EUR", "FR": "EUR", "DE": "EUR", "TH": "THB"}
CURRENCY |= {"US-NY": "USD", "US-TX": "USD", "VN": "VND"}


@st.composite
def debts(draw):
    law = draw(st.sampled_from(sorted(KNOWN)))
    first, last = KNOWN[law]
    due = draw(st.dates(first, last - timedelta(days=1)))
    until = draw(st.dates(first, last))
    currency = CURRENCY[law]
    units = draw(st.integers(min_value=1, max_value=10**9))
    principal = D(units) if currency == "VND" else D(units).scaleb(-2)
    return law, principal, currency, due, until


@given(debts())
def test_nothing_is_due_on_or_before_the_due_date(debt):
    law, principal, currency, due, until = debt
    assume(until <= due)

    result = statutory_interest(law, principal, currency, due, until)

    assert result.interest == 0
    assert result.periods == ()
    assert result.compensation == 0


@given(debts(), st.integers(min_value=0, max_value=400))
def test_interest_never_decreases_with_time(debt, more_days):
    law, principal, currency, due, until = debt
    later = until + timedelta(days=more_days)
    assume(later <= KNOWN[law][1])

    earlier_result = statutory_interest(law, principal, currency, due, until)
    later_result = statutory_interest(law, principal, currency, due, later)

    assert earlier_result.interest <= later_result.interest
    assert earlier_result.total <= later_result.total


@given(
    law=st.sampled_from(["GB", "US-NY", "US-MA", "VN", "TH"]),
    units=st.integers(min_value=1, max_value=10**8),
    factor=st.integers(min_value=2, max_value=50),
    days=st.integers(min_value=1, max_value=1000),
)
def test_interest_is_linear_in_the_principal_up_to_rounding(law, units, factor, days):
    currency = CURRENCY.get(law, "USD")
    unit = D(1) if currency == "VND" else D("0.01")
    due = date(2022, 1, 15)
    until = due + timedelta(days=days)

    one = statutory_interest(law, units * unit, currency, due, until).interest
    many = statutory_interest(law, factor * units * unit, currency, due, until).interest

    # Each result is within half a unit of its exact value.
    assert abs(many - factor * one) <= (factor + 1) * unit / 2


@given(debts(), st.integers(min_value=1, max_value=300))
def test_paying_everything_on_a_day_is_like_stopping_interest_on_that_day(debt, days):
    law, principal, currency, due, _until = debt
    paid_on = due + timedelta(days=days)
    until = paid_on + timedelta(days=30)
    assume(until <= KNOWN[law][1])

    paid = statutory_interest(
        law, principal, currency, due, until, payments=[(paid_on, principal)],
        allocation="principal_first",
    )  # fmt: skip
    stopped = statutory_interest(law, principal, currency, due, paid_on)

    assert paid.interest == stopped.interest
    assert paid.outstanding == stopped.interest + stopped.compensation


def test_every_law_produces_a_basis_whose_template_fills_in():
    for law in LAWS:
        currency = {"GB": "GBP", "IR": "IRR", "VN": "VND", "VN-COMMERCIAL": "VND"}.get(law, "EUR")
        if law.startswith("US") or law == "TH":
            currency = "USD"
        due = date(2018, 5, 1) if law == "IR" else date(2023, 9, 1)
        result = statutory_interest(
            law,
            D(1000),
            currency,
            due,
            due + timedelta(days=45),
            demand_on=due,
            market_rate=D(10) if law == "VN-COMMERCIAL" else None,
        )
        assert result.basis.law == law
        assert "{" not in result.basis.text()
        assert all("{" not in warning.text() for warning in result.warnings)
