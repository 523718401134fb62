from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from owed.core.calendar import (
    ContactRules,
    ContactWindow,
    add_business_days,
    contact_rules,
    first_allowed_moment,
    is_business_day,
    next_business_day,
    step_date,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")
BANGKOK = ZoneInfo("Asia/Bangkok")

ZONES = {
    "VN": "Asia/Ho_Chi_Minh",
    "IR": "Asia/Tehran",
    "TH": "Asia/Bangkok",
    "GB": "Europe/London",
    "US": "America/New_York",
    "DE": "Europe/Berlin",
}


def moment(country, client_kind, local):
    """first_allowed_moment for a local wall time given in the client's own zone."""
    tz = ZONES[country]
    return first_allowed_moment(
        on_or_after=local.replace(tzinfo=ZoneInfo(tz)),
        country=country,
        client_kind=client_kind,
        tz=tz,
    )


# Business days


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 2, 17),  # Tết Nguyên Đán
        date(2026, 2, 18),
        date(2026, 2, 19),
        date(2026, 2, 20),
        date(2026, 4, 30),  # Reunification Day
        date(2026, 9, 2),  # National Day
    ],
)
def test_vietnamese_public_holidays_are_not_business_days(day):
    assert not is_business_day(day, "VN")


def test_a_saturday_vietnam_declares_a_working_day_is_a_business_day():
    assert date(2026, 8, 22).weekday() == 5
    assert is_business_day(date(2026, 8, 22), "VN")


def test_in_iran_friday_is_the_weekend_and_saturday_a_business_day():
    assert not is_business_day(date(2026, 5, 1), "IR")  # Friday
    assert is_business_day(date(2026, 5, 2), "IR")  # Saturday
    assert is_business_day(date(2026, 5, 3), "IR")  # Sunday


def test_nowruz_1_farvardin_is_not_a_business_day_in_iran():
    assert not is_business_day(date(2026, 3, 21), "IR")


def test_songkran_is_not_a_business_day_in_thailand():
    assert not is_business_day(date(2026, 4, 13), "TH")


@pytest.mark.parametrize(
    "day",
    [date(2026, 12, 25), date(2026, 12, 28), date(2026, 4, 3), date(2026, 5, 4)],
)
def test_uk_bank_holidays_and_their_substitutes_are_not_business_days(day):
    assert not is_business_day(day, "GB")


@pytest.mark.parametrize(
    "day", [date(2026, 1, 1), date(2026, 7, 3), date(2026, 11, 26), date(2026, 12, 25)]
)
def test_us_federal_holidays_and_their_observed_days_are_not_business_days(day):
    assert not is_business_day(day, "US")


def test_an_unknown_country_has_a_saturday_and_sunday_weekend_and_no_holidays():
    assert is_business_day(date(2026, 12, 25), "XX")  # Friday
    assert not is_business_day(date(2026, 12, 26), "XX")  # Saturday
    assert not is_business_day(date(2026, 12, 27), "XX")  # Sunday


def test_country_codes_are_read_in_any_case():
    assert not is_business_day(date(2026, 4, 30), "vn")


def test_the_next_business_day_is_strictly_after_the_day():
    assert next_business_day(date(2026, 12, 21), "GB") == date(2026, 12, 22)
    assert next_business_day(date(2026, 12, 24), "GB") == date(2026, 12, 29)
    assert next_business_day(date(2026, 3, 19), "IR") == date(2026, 3, 25)


def test_adding_business_days_skips_weekends_and_holidays_both_ways():
    assert add_business_days(date(2026, 12, 23), 2, "GB") == date(2026, 12, 29)
    assert add_business_days(date(2026, 12, 29), -2, "GB") == date(2026, 12, 23)
    assert add_business_days(date(2026, 12, 26), 0, "GB") == date(2026, 12, 26)


def test_a_step_date_counts_calendar_days_from_the_due_date():
    assert step_date(date(2026, 12, 20), 7) == date(2026, 12, 27)
    assert step_date(date(2026, 3, 1), -3) == date(2026, 2, 26)


# Contact rules


def test_the_default_window_is_eight_to_eight_on_business_days_only():
    assert contact_rules("GB", "business") == ContactRules(
        working_day=ContactWindow(time(8), time(20)), holiday=None, max_contacts_per_day=None
    )


def test_vietnam_allows_seven_to_nine():
    assert contact_rules("VN", "individual").working_day == ContactWindow(time(7), time(21))


def test_a_thai_individual_has_a_shorter_holiday_window_and_one_contact_a_day():
    rules = contact_rules("TH", "individual")
    assert rules.working_day == ContactWindow(time(8), time(20))
    assert rules.holiday == ContactWindow(time(8), time(18))
    assert rules.max_contacts_per_day == 1


def test_a_thai_business_has_the_default_rules():
    assert contact_rules("TH", "business") == contact_rules("GB", "business")


def test_an_unknown_client_kind_is_refused():
    with pytest.raises(ValueError, match="client kind"):
        contact_rules("GB", "consumer")


# First allowed moment


def test_inside_the_window_the_moment_is_now():
    assert moment("GB", "business", datetime(2026, 12, 21, 10, 15)) == datetime(
        2026, 12, 21, 10, 15, tzinfo=LONDON
    )


def test_before_eight_moves_to_eight_the_same_day():
    assert moment("GB", "business", datetime(2026, 12, 21, 6, 0)) == datetime(
        2026, 12, 21, 8, 0, tzinfo=LONDON
    )


def test_after_eight_in_the_evening_moves_to_eight_the_next_business_day():
    assert moment("GB", "business", datetime(2026, 12, 21, 20, 30)) == datetime(
        2026, 12, 22, 8, 0, tzinfo=LONDON
    )


def test_the_window_end_itself_is_outside_the_window():
    assert moment("GB", "business", datetime(2026, 12, 21, 20, 0)) == datetime(
        2026, 12, 22, 8, 0, tzinfo=LONDON
    )


def test_vietnam_window_opens_at_seven_and_closes_at_nine():
    assert moment("VN", "business", datetime(2026, 6, 2, 6, 30)) == datetime(
        2026, 6, 2, 7, 0, tzinfo=HO_CHI_MINH
    )
    assert moment("VN", "business", datetime(2026, 6, 2, 20, 45)) == datetime(
        2026, 6, 2, 20, 45, tzinfo=HO_CHI_MINH
    )
    assert moment("VN", "business", datetime(2026, 6, 2, 21, 0)) == datetime(
        2026, 6, 3, 7, 0, tzinfo=HO_CHI_MINH
    )


def test_a_step_during_tet_waits_until_after_tet():
    assert moment("VN", "individual", datetime(2026, 2, 16, 9, 0)) == datetime(
        2026, 2, 23, 7, 0, tzinfo=HO_CHI_MINH
    )


def test_a_friday_evening_in_the_uk_moves_to_monday_eight():
    assert moment("GB", "business", datetime(2026, 12, 18, 21, 0)) == datetime(
        2026, 12, 21, 8, 0, tzinfo=LONDON
    )


def test_a_friday_evening_before_a_bank_holiday_monday_moves_to_tuesday_eight():
    assert moment("GB", "business", datetime(2026, 5, 1, 21, 0)) == datetime(
        2026, 5, 5, 8, 0, tzinfo=LONDON
    )


def test_songkran_is_skipped_for_a_thai_business():
    assert moment("TH", "business", datetime(2026, 4, 13, 9, 0)) == datetime(
        2026, 4, 16, 8, 0, tzinfo=BANGKOK
    )


def test_a_thai_individual_may_be_contacted_from_eight_to_six_on_songkran():
    assert moment("TH", "individual", datetime(2026, 4, 13, 7, 0)) == datetime(
        2026, 4, 13, 8, 0, tzinfo=BANGKOK
    )
    assert moment("TH", "individual", datetime(2026, 4, 13, 17, 59)) == datetime(
        2026, 4, 13, 17, 59, tzinfo=BANGKOK
    )
    assert moment("TH", "individual", datetime(2026, 4, 13, 18, 0)) == datetime(
        2026, 4, 14, 8, 0, tzinfo=BANGKOK
    )


def test_in_iran_a_thursday_evening_moves_to_saturday():
    assert moment("IR", "business", datetime(2026, 5, 7, 20, 30)) == datetime(
        2026, 5, 9, 8, 0, tzinfo=ZoneInfo("Asia/Tehran")
    )


def test_the_result_is_in_the_clients_zone_whatever_the_input_zone():
    result = first_allowed_moment(
        on_or_after=datetime(2026, 12, 21, 23, 30, tzinfo=UTC),
        country="VN",
        client_kind="business",
        tz="Asia/Ho_Chi_Minh",
    )
    # 23:30 UTC is 06:30 the next morning in Vietnam.
    assert result == datetime(2026, 12, 22, 7, 0, tzinfo=HO_CHI_MINH)
    assert result.tzinfo == HO_CHI_MINH


def test_over_the_spring_dst_weekend_in_london_monday_eight_is_summer_time():
    result = moment("GB", "business", datetime(2026, 3, 27, 20, 30))
    assert result == datetime(2026, 3, 30, 8, 0, tzinfo=LONDON)
    assert result.utcoffset() == timedelta(hours=1)
    assert result.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_a_moment_given_in_utc_on_the_london_dst_day_moves_to_monday_eight_local():
    result = first_allowed_moment(
        on_or_after=datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        country="GB",
        client_kind="business",
        tz="Europe/London",
    )
    assert result.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_over_the_autumn_dst_weekend_in_london_monday_eight_is_winter_time():
    result = moment("GB", "business", datetime(2026, 10, 23, 21, 0))
    assert result.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_over_the_spring_dst_weekend_in_new_york_monday_eight_is_daylight_time():
    result = moment("US", "business", datetime(2026, 3, 7, 12, 0))
    assert result.astimezone(UTC) == datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    assert result.utcoffset() == timedelta(hours=-4)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        first_allowed_moment(
            on_or_after=datetime(2026, 12, 21, 9, 0),
            country="GB",
            client_kind="business",
            tz="Europe/London",
        )


# Property


@settings(max_examples=300, deadline=None)
@given(
    instant=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    country=st.sampled_from(sorted(ZONES)),
    client_kind=st.sampled_from(["business", "individual"]),
)
def test_the_first_allowed_moment_is_the_earliest_allowed_moment_at_or_after_the_input(
    instant, country, client_kind
):
    tz = ZoneInfo(ZONES[country])
    rules = contact_rules(country, client_kind)
    result = first_allowed_moment(
        on_or_after=instant, country=country, client_kind=client_kind, tz=ZONES[country]
    )

    assert result.tzinfo == tz
    assert result >= instant
    window = rules.window_on(result.date(), country)
    assert window is not None
    assert window.contains(result.time())

    if result != instant:
        # Not now, so the result opens a window, and the last allowed moment before it
        # (the previous allowed day's window end, which is excluded) is not after the input.
        assert result.time() == window.start
        day = result.date() - timedelta(days=1)
        while (previous := rules.window_on(day, country)) is None:
            day -= timedelta(days=1)
        assert datetime.combine(day, previous.end, tzinfo=tz) <= instant


def test_supported_countries_read_from_the_registry_match_the_package_list():
    import holidays

    from owed.core.calendar import _supported_countries

    assert _supported_countries() == frozenset(holidays.list_supported_countries())
