from datetime import date, timedelta
from decimal import Decimal

import jdatetime
import pytest

from owed.core.rates import (
    TABLES,
    RateGap,
    RateRow,
    RateTableError,
    UnknownRateError,
    default_tables,
    load_table,
    parse_table,
)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_shipped_table_loads_in_date_order_with_a_source_per_row(name):
    table = load_table(name)

    days = [entry.valid_from for entry in table.entries]
    assert days == sorted(days)
    assert len(set(days)) == len(days)
    assert table.rows
    assert all(entry.source for entry in table.entries)
    assert all(row.table == name for row in table.rows)


def test_shipped_tables_cover_the_years_the_brief_asks_for():
    tables = default_tables()

    assert tables["boe"].rows[0].valid_from <= date(2008, 1, 1)
    assert tables["boe"].rows[-1].valid_from >= date(2025, 12, 18)
    assert tables["ecb_mro"].rows[0].valid_from <= date(2008, 12, 31)
    assert tables["ecb_mro"].rows[-1].valid_from >= date(2025, 6, 11)
    assert tables["de_base"].rows[0].valid_from <= date(2012, 1, 1)
    assert tables["de_base"].rows[-1].valid_from == date(2026, 1, 1)


def test_the_bank_rate_in_force_on_a_day_is_the_latest_change_before_it():
    boe = load_table("boe")

    row = boe.rate_on(date(2024, 12, 31))

    assert row.rate == Decimal("4.75")
    assert row.valid_from == date(2024, 11, 7)
    assert boe.rate_on(date(2024, 11, 7)).rate == Decimal("4.75")
    assert boe.rate_on(date(2024, 11, 6)).rate == Decimal("5.00")


def test_a_day_before_the_first_row_is_refused_naming_the_table_and_the_day():
    with pytest.raises(UnknownRateError) as caught:
        load_table("boe").rate_on(date(2000, 1, 1))

    message = str(caught.value)
    assert "Bank of England Bank Rate table (boe)" in message
    assert "2000-01-01" in message
    assert "2007-12-06" in message
    assert caught.value.table == "boe"
    assert caught.value.day == date(2000, 1, 1)


def test_a_day_in_a_quarter_the_table_lacks_is_refused_rather_than_carried_forward():
    florida = load_table("fl_statutory")

    with pytest.raises(UnknownRateError, match=r"\(fl_statutory\) has no rate for 2022-08-15"):
        florida.rate_on(date(2022, 8, 15))
    assert florida.rate_on(date(2022, 6, 30)).rate == Decimal("4.25")
    assert florida.rate_on(date(2023, 7, 1)).rate == Decimal("7.69")


def test_the_days_after_the_last_confirmed_decision_are_unknown():
    with pytest.raises(UnknownRateError, match="no rate is known from 2026-05-01"):
        load_table("boe").rate_on(date(2026, 6, 30))
    with pytest.raises(UnknownRateError, match="de_base"):
        load_table("de_base").rate_on(date(2026, 7, 1))


def test_a_user_row_fills_a_gap_for_its_own_quarter_only():
    user = RateRow("fl_statutory", date(2022, 7, 1), Decimal("4.38"), "user: CFO website")

    florida = load_table("fl_statutory", extra_rows=[user])

    assert florida.rate_on(date(2022, 8, 15)) == user
    with pytest.raises(UnknownRateError):
        florida.rate_on(date(2022, 10, 1))


def test_a_user_row_wins_over_a_shipped_row_on_the_same_day():
    user = RateRow("boe", date(2024, 11, 7), Decimal("4.70"), "user correction")

    boe = load_table("boe", extra_rows=[user])

    assert boe.rate_on(date(2024, 12, 31)) == user
    assert len(boe.entries) == len(load_table("boe").entries)


def test_a_user_row_after_the_last_one_extends_the_table():
    user = RateRow("boe", date(2026, 5, 1), Decimal("3.75"), "user: unchanged")

    assert load_table("boe", [user]).rate_on(date(2026, 9, 1)).rate == Decimal("3.75")


def test_rows_of_another_table_and_unknown_tables_are_refused():
    with pytest.raises(RateTableError, match="cannot be added to table 'ecb_mro'"):
        load_table("ecb_mro", [RateRow("boe", date(2030, 1, 1), Decimal(1), "x")])
    with pytest.raises(RateTableError, match="unknown rate table 'fed'"):
        load_table("fed")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day,rate,source\n", "columns must be valid_from,rate,source"),
        ("valid_from,rate,source\n2020-01-01,4.5%,x\n", "'4.5%' is not a rate"),
        ('valid_from,rate,source\n2020-01-01,"4,5",x\n', "'4,5' is not a rate"),
        ("valid_from,rate,source\n2020-13-01,4.5,x\n", "line 2"),
        ("valid_from,rate,source\n2020-01-01,4.5,\n", "line 2: the source is missing"),
        (
            "valid_from,rate,source\n2020-02-01,4.5,x\n2020-01-01,4.0,x\n",
            "not in strictly ascending order",
        ),
    ],
)
def test_a_malformed_table_is_refused_with_the_reason(text, message):
    with pytest.raises(RateTableError, match=message):
        parse_table("boe", text)


def test_an_empty_rate_is_read_as_a_gap_and_a_negative_rate_as_a_rate():
    entries = parse_table("de_base", "valid_from,rate,source\n2013-01-01,-0.13,x\n2013-07-01,,y\n")

    assert entries[0] == RateRow("de_base", date(2013, 1, 1), Decimal("-0.13"), "x")
    assert entries[1] == RateGap(date(2013, 7, 1), "y")


def _half_years(first: date, last: date) -> list[date]:
    return [
        date(year, month, 1)
        for year in range(first.year, last.year + 1)
        for month in (1, 7)
        if first <= date(year, month, 1) <= last
    ]


def test_the_german_base_rate_moves_by_what_the_ecb_rate_moved_since_its_last_change():
    # BGB §247(1): on 1 January and 1 July the base rate changes by the points the ECB
    # main refinancing rate moved since the base rate's last change. Two independently
    # entered tables must agree on that from 2009, when both are fixed-rate figures.
    base, ecb = load_table("de_base"), load_table("ecb_mro")

    def ecb_before(day):
        return ecb.rate_on(day - timedelta(days=1)).rate

    halves = _half_years(date(2009, 1, 1), date(2026, 1, 1))
    anchor = halves[0]
    for half in halves[1:]:
        moved = ecb_before(half) - ecb_before(anchor)
        expected = base.rate_on(anchor).rate + moved
        assert base.rate_on(half).rate == expected, half
        if moved:
            anchor = half


def test_every_index_year_starts_on_1_farvardin():
    for row in load_table("ir_cbi_index").rows:
        solar = jdatetime.date.fromgregorian(date=row.valid_from)
        assert (solar.month, solar.day) == (1, 1), row
