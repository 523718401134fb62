"""Business days, public holidays and contact windows: when a step may fire.

A step is due on a date (`step_date`), but it fires on the first allowed moment on or after
that date (`first_allowed_moment`): a moment on an allowed day, inside the contact window,
in the client's local time.

- A business day is a day that is neither a weekend day nor a public holiday of the
  client's country, as the ``holidays`` package defines them. The weekend is the package's
  own for each country (Iran's is Friday only), and a weekend day the country declares a
  working day (Vietnam moves some) is a business day. A country code the package does not
  know has Saturday and Sunday as its weekend and no public holidays.
- An allowed day is a business day, except where `ContactRules.holiday` is set: then every
  other day (weekend or public holiday) is allowed too, with that shorter window. Only Thai
  individuals have it (Debt Collection Act B.E. 2558 s.9: 08:00-20:00 on working days,
  08:00-18:00 on holidays, which in Thai law include Saturday and Sunday).
- A contact window is half-open: a moment at its end is outside it.

The rules and their sources are in the project's legal research (LAW.md, sections 3 and 5).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import holidays

CLIENT_KINDS: Final = frozenset({"business", "individual"})

# Any country has an allowed day within a few weeks (Tết and Nowruz are the longest runs),
# so a search that goes further than this has a bug, not a long holiday.
_MAX_DAYS_SEARCHED: Final = 366


@dataclass(frozen=True)
class ContactWindow:
    """A local-time window, from `start` (included) to `end` (excluded)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"window start {self.start} is not before its end {self.end}")

    def contains(self, moment: time) -> bool:
        """True if the local time `moment` is at or after `start` and before `end`."""
        return self.start <= moment < self.end


@dataclass(frozen=True)
class ContactRules:
    """When a client may be contacted.

    `working_day` is the window on a business day. `holiday` is the window on any other
    day, or None if the client may not be contacted on those days at all.
    `max_contacts_per_day` is the most contacts a client may get on one local day, or None
    for no limit here; the engine enforces it, this module does not.
    """

    working_day: ContactWindow
    holiday: ContactWindow | None = None
    max_contacts_per_day: int | None = None

    def window_on(self, day: date, country: str) -> ContactWindow | None:
        """The window on `day` in `country`, or None if `day` is not an allowed day."""
        return self.working_day if is_business_day(day, country) else self.holiday


_DEFAULT_RULES: Final = ContactRules(working_day=ContactWindow(time(8), time(20)))

# Circular 18/2019/TT-NHNN binds finance companies only; owed takes its hours as the
# Vietnamese default for everyone.
_VN_RULES: Final = ContactRules(working_day=ContactWindow(time(7), time(21)))

_TH_INDIVIDUAL_RULES: Final = ContactRules(
    working_day=ContactWindow(time(8), time(20)),
    holiday=ContactWindow(time(8), time(18)),
    max_contacts_per_day=1,
)


def contact_rules(country: str, client_kind: str) -> ContactRules:
    """The contact rules for a client of `client_kind` ("business" or "individual") in
    `country` (ISO 3166-1 alpha-2, any case).

    Vietnam: 07:00-21:00 on business days. Thailand, individuals: 08:00-20:00 on business
    days, 08:00-18:00 on other days, at most one contact a day. Everyone else, including
    Thai businesses: 08:00-20:00 on business days. Raises ValueError for another kind.
    """
    if client_kind not in CLIENT_KINDS:
        raise ValueError(f"unknown client kind {client_kind!r} (use 'business' or 'individual')")
    code = _normalize(country)
    if code == "VN":
        return _VN_RULES
    if code == "TH" and client_kind == "individual":
        return _TH_INDIVIDUAL_RULES
    return _DEFAULT_RULES


def is_business_day(day: date, country: str) -> bool:
    """True if `day` is neither a weekend day nor a public holiday in `country`.

    A weekend day the country declares a working day is a business day. For a country the
    ``holidays`` package does not know, only Saturday and Sunday are non-business days.
    """
    calendar = _country_holidays(_normalize(country), day.year)
    if calendar is None:
        return day.weekday() < 5
    return calendar.is_working_day(day)


def next_business_day(day: date, country: str) -> date:
    """The first business day in `country` strictly after `day`."""
    return add_business_days(day, 1, country)


def add_business_days(day: date, n: int, country: str) -> date:
    """The day `n` business days after `day` in `country` (before it if `n` is negative).

    `day` itself is never counted, so with n=1 the result is the next business day even
    when `day` is not a business day; with n=0 the result is `day`, whatever it is.
    """
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_business_day(day, country):
            remaining -= 1
    return day


def step_date(due_date: date, offset_days: int) -> date:
    """The date a step falls due: `due_date` plus `offset_days` calendar days (negative
    for a step before the due date). Business days do not count here; the step fires on
    the first allowed moment on or after this date."""
    return due_date + timedelta(days=offset_days)


def first_allowed_moment(
    *, on_or_after: datetime, country: str, client_kind: str, tz: str
) -> datetime:
    """The earliest moment at or after `on_or_after` when the client may be contacted.

    `on_or_after` must be aware; raises ValueError for a naive datetime. The result is an
    aware datetime in `tz` (an IANA zone name): `on_or_after` itself if it falls inside the
    window of an allowed day there; otherwise the start of the window of that day or of the
    next allowed day. A window start that does not exist on a DST-change day (clocks jump
    over it) becomes the first local time after the jump.
    """
    if on_or_after.tzinfo is None or on_or_after.utcoffset() is None:
        raise ValueError("on_or_after must be an aware datetime, not a naive one")
    zone = ZoneInfo(tz)
    rules = contact_rules(country, client_kind)
    local = on_or_after.astimezone(zone)
    day = local.date()
    for _ in range(_MAX_DAYS_SEARCHED):
        window = rules.window_on(day, country)
        if window is not None:
            # Compared as instants: aware datetimes sharing a tzinfo compare by wall time,
            # which is wrong in the repeated hour of a DST change.
            if _instant(local) < _instant(start := _local_moment(day, window.start, zone)):
                return start
            if _instant(local) < _instant(_local_moment(day, window.end, zone)):
                return local
        day += timedelta(days=1)
    raise ValueError(f"no allowed day within {_MAX_DAYS_SEARCHED} days of {local.date()}")


def _normalize(country: str) -> str:
    return (country or "").strip().upper()


def _instant(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at local time `at` in `zone`, moved past the gap if the clocks skip it."""
    # The round trip through UTC turns a wall time inside a DST gap into the real local
    # time the same distance after the jump; any other wall time comes back unchanged.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).astimezone(zone)


@functools.cache
def _supported_countries() -> frozenset[str]:
    """The country codes the package knows, read from its registry.

    `holidays.list_supported_countries()` gives the same codes but imports every country's
    module to do it (half a second or more at each start of a run)."""
    return frozenset(
        code
        for entry in holidays.registry.COUNTRIES.values()
        for code in entry[1:]
        if code.isupper() and len(code) in (2, 3)
    )


@functools.lru_cache(maxsize=256)
def _country_holidays(country: str, year: int) -> holidays.HolidayBase | None:
    """The country's public holidays for one year, or None for a country the package does
    not know. Cached because building one runs the package's holiday rules; never mutated:
    `expand=False` stops a lookup in another year from adding that year to it."""
    if country not in _supported_countries():
        return None
    return holidays.country_holidays(country, years=year, expand=False)
