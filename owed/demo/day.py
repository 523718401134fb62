"""The day the demo is dated: the last day on or before today when every one of its
clients' countries is at work.

owed contacts nobody on a day that is not a business day where the client is (a weekend
or a public holiday: Saturday and Sunday in Vietnam, Thailand and the West, Friday in
Iran; `owed.core.calendar`). A demo dated on a Sunday would therefore show two Persian
reminders and nothing else. Dated on the last day all six countries worked, today's run
has messages and letters in all four languages; the summary says when that is not today.
"""

from __future__ import annotations

from datetime import date, timedelta

from babel import Locale

from owed.core.calendar import is_business_day
from owed.demo.data import COUNTRIES

# Tết or Nowruz with a weekend around them is the longest stretch; past that, something
# is wrong and the demo keeps the day it was given.
_SEARCH_DAYS = 60


def demo_day(today: date) -> date:
    """The last day on or before `today` that is a business day in every demo country."""
    day = today
    for _ in range(_SEARCH_DAYS):
        if not closed_on(day):
            return day
        day -= timedelta(days=1)
    return today


def closed_on(day: date) -> list[str]:
    """The demo countries (ISO codes) where `day` is not a business day."""
    return [code for code in COUNTRIES if not is_business_day(day, code)]


def day_note(today: date, day: date) -> str:
    """Why the demo is dated `day` and not `today`, in English; "" when they are the same."""
    if day == today:
        return ""
    names = Locale("en").territories
    closed = [names.get(code, code) for code in closed_on(today)]
    where = closed[0] if len(closed) == 1 else f"{', '.join(closed[:-1])} and {closed[-1]}"
    where = where.replace("United Kingdom", "the United Kingdom").replace(
        "United States", "the United States"
    )
    return (
        f"{_long(today)} is not a working day in {where}, where owed contacts nobody: the "
        f"demo is dated {_long(day)}, the last day every client's country was at work."
    )


def _long(day: date) -> str:
    """Sunday 22 November 2026 (English names, whatever the machine's locale)."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
