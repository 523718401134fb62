"""Reference rates as dated data: the tables statutory interest is computed from.

Each table ships as a CSV file in ``owed/core/data/rates/`` with the columns
``valid_from,rate,source``. A row's rate is in force from its ``valid_from`` until the
next row's. ``rate`` is a yearly percentage, except in ``ir_cbi_index`` where it is the
Central Bank of Iran's annual price index for the Solar Hijri year starting on
``valid_from`` (same loader, same lookup). ``source`` says where the figure comes from.

A row with an empty rate marks a stretch the table does not know: a quarter whose
published rate owed does not ship, or the days after the last decision owed could
confirm. Looking up a day in such a stretch, or before the first row, raises
`UnknownRateError` naming the table and the day, instead of carrying an old rate forward.
Users add the missing figures as rows of their own (`load_table(name, extra_rows=...)`);
a user row replaces a shipped row, or a gap, with the same ``valid_from``.

Tables:

- ``boe``: Bank of England Bank Rate, one row per change.
- ``ecb_mro``: ECB main refinancing operations rate, one row per change (date with effect).
- ``de_base``: German base rate (Basiszinssatz, BGB §247), one row per half-year.
- ``fl_statutory``: Florida interest rate under Fla. Stat. §55.03, one row per quarter.
- ``ir_cbi_index``: CBI annual price index, one row per Solar Hijri year, keyed by the
  Gregorian date of 1 Farvardin.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from types import MappingProxyType
from typing import Final

TABLES: Final[dict[str, str]] = {
    "boe": "Bank of England Bank Rate",
    "ecb_mro": "ECB main refinancing rate",
    "de_base": "German base rate (Basiszinssatz)",
    "fl_statutory": "Florida statutory interest rate (Fla. Stat. §55.03)",
    "ir_cbi_index": "Central Bank of Iran annual price index",
}
"""The shipped tables, by name, with the title messages use."""

_COLUMNS: Final = ("valid_from", "rate", "source")
# A rate is written as plain digits with an optional sign and decimals; the German base
# rate was negative from 2013 to 2022.
_RATE: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class UnknownRateError(ValueError):
    """No rate is known for a day: before a table's first row, or in a stretch it lacks.

    The message names the table and the day and says what to add, so it can be shown
    to a user as it is.
    """

    def __init__(self, table: str, day: date, message: str) -> None:
        super().__init__(message)
        self.table = table
        self.day = day


class RateTableError(ValueError):
    """A rate table file or a user row that cannot be read, with the reason."""


@dataclass(frozen=True, slots=True)
class RateRow:
    """One dated figure of a table: in force from `valid_from` until the next row's."""

    table: str
    valid_from: date
    rate: Decimal
    """A yearly percentage (4.75 means 4.75 % a year), or for ``ir_cbi_index`` the index."""
    source: str


@dataclass(frozen=True, slots=True)
class RateGap:
    """From `valid_from` the table knows no rate until its next row; `source` says why."""

    valid_from: date
    source: str


@dataclass(frozen=True, slots=True)
class RateTable:
    """A table's rows and gaps in date order; `rate_on` finds the one in force."""

    name: str
    entries: tuple[RateRow | RateGap, ...]
    _days: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        days = tuple(entry.valid_from for entry in self.entries)
        if list(days) != sorted(set(days)):
            raise RateTableError(f"table {self.name}: rows are not in strictly ascending order")
        object.__setattr__(self, "_days", days)

    @property
    def title(self) -> str:
        return TABLES.get(self.name, self.name)

    @property
    def rows(self) -> tuple[RateRow, ...]:
        """The rows that carry a rate (gaps left out)."""
        return tuple(entry for entry in self.entries if isinstance(entry, RateRow))

    def rate_on(self, day: date) -> RateRow:
        """The row in force on `day`.

        Raises `UnknownRateError` when `day` is before the first row or falls in a
        stretch the table marks as unknown.
        """
        position = bisect.bisect_right(self._days, day) - 1
        if position < 0:
            first = self.entries[0].valid_from if self.entries else None
            starts = f"its first row is from {first.isoformat()}" if first else "it has no rows"
            raise UnknownRateError(
                self.name,
                day,
                f"The {self.title} table ({self.name}) has no rate for {day.isoformat()}: "
                f"{starts}. Add the rate in force on that day.",
            )
        entry = self.entries[position]
        if isinstance(entry, RateGap):
            raise UnknownRateError(
                self.name,
                day,
                f"The {self.title} table ({self.name}) has no rate for {day.isoformat()}: "
                f"no rate is known from {entry.valid_from.isoformat()} ({entry.source}). "
                "Add the rate in force on that day.",
            )
        return entry


def load_table(name: str, extra_rows: Iterable[RateRow] = ()) -> RateTable:
    """The shipped table `name` merged with `extra_rows` (a user's own rows).

    A user row replaces the shipped row or gap with the same `valid_from`. Raises
    `RateTableError` for an unknown table name or a row that belongs to another table.
    """
    if name not in TABLES:
        known = ", ".join(sorted(TABLES))
        raise RateTableError(f"unknown rate table {name!r} (known tables: {known})")
    merged: dict[date, RateRow | RateGap] = {entry.valid_from: entry for entry in _shipped(name)}
    for row in extra_rows:
        if row.table != name:
            raise RateTableError(f"a row for table {row.table!r} cannot be added to table {name!r}")
        merged[row.valid_from] = row
    return RateTable(name, tuple(merged[day] for day in sorted(merged)))


@functools.cache
def default_tables() -> Mapping[str, RateTable]:
    """Every shipped table, without user rows (read once, shared, read-only)."""
    return MappingProxyType({name: load_table(name) for name in TABLES})


@functools.cache
def _shipped(name: str) -> tuple[RateRow | RateGap, ...]:
    text = resources.files("owed.core.data").joinpath("rates", f"{name}.csv").read_text("utf-8")
    return parse_table(name, text)


def parse_table(name: str, text: str) -> tuple[RateRow | RateGap, ...]:
    """Read a rate table's CSV text; an empty rate makes a gap."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise RateTableError(f"table {name}: the columns must be {','.join(_COLUMNS)}")
    entries: list[RateRow | RateGap] = []
    for line, record in enumerate(reader, start=2):
        try:
            valid_from = date.fromisoformat(record["valid_from"].strip())
        except ValueError as error:
            raise RateTableError(f"table {name}, line {line}: {error}") from error
        raw_rate = (record["rate"] or "").strip()
        source = (record["source"] or "").strip()
        if not source:
            raise RateTableError(f"table {name}, line {line}: the source is missing")
        if not raw_rate:
            entries.append(RateGap(valid_from, source))
        elif _RATE.fullmatch(raw_rate):
            entries.append(RateRow(name, valid_from, Decimal(raw_rate), source))
        else:
            raise RateTableError(f"table {name}, line {line}: {raw_rate!r} is not a rate")
    return RateTable(name, tuple(entries)).entries
