"""A planned moment where the client is: the client's day and time of day, and its time
zone named so that the reader knows whose time it is ("09:00 (Vietnam Time, UTC+7)"),
with the reader's own time added when the organization is elsewhere. Names come from
CLDR (Babel) in the reader's language; Persian gets Persian digits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_timezone_location
from django.utils import timezone
from django.utils.translation import gettext as _

from owed.core import localize
from owed.web import lists

UNIVERSAL = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Zulu"})


def zone_of(name: str | None) -> ZoneInfo:
    """The time zone `name` (an action's or a client's); the active one (the
    organization's) when it is empty or unknown."""
    try:
        return ZoneInfo(name) if name else timezone.get_current_timezone()
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def zone_day(moment: datetime, name: str | None) -> date:
    return moment.astimezone(zone_of(name)).date()


def offset_text(moment: datetime, language: str) -> str:
    """The zone's offset from UTC at `moment`: "UTC+7", "UTC+3:30", "UTC-5", "UTC"."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    text = "UTC" if not minutes else f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    if language == "fa":
        return localize.isolate_ltr(localize.to_persian_digits(text))
    return text


def zone_name(zone: ZoneInfo, moment: datetime, language: str) -> str:
    """The zone as the reader knows it: "Vietnam Time, UTC+7" ("وقت ویتنام، UTC+۷")."""
    offset = offset_text(moment, language)
    if zone.key in UNIVERSAL:
        return offset
    try:
        place = get_timezone_location(zone, locale=language)
    except (LookupError, ValueError):
        place = zone.key
    return lists.join_plain([place, offset], language)


def clock(moment: datetime, language: str) -> str:
    text = moment.strftime("%H:%M")
    return localize.to_persian_digits(text) if language == "fa" else text


def zone_clock(moment: datetime, name: str | None, language: str) -> str:
    """The time of day of `moment` where the zone `name` is, the zone named: "09:00
    (Vietnam Time, UTC+7)"; when the organization (the active zone) is elsewhere, its own
    time too: "09:00 (Iran Time, UTC+3:30; 12:30 your time)"."""
    zone = zone_of(name)
    there = moment.astimezone(zone)
    values = {"time": clock(there, language), "zone": zone_name(zone, there, language)}
    here = timezone.localtime(moment)
    if here.utcoffset() == there.utcoffset():
        return _("%(time)s (%(zone)s)") % values
    return _("%(time)s (%(zone)s; %(here)s your time)") % {
        **values,
        "here": clock(here, language),
    }
