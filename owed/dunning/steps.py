"""Each invoice's own record of the ladder steps it took (`Invoice.ladder_steps`).

A daily run reads this record instead of the invoice's earlier actions; the record counts
the actions it was read from (`Invoice.ladder_actions`), and `owed.dunning.snapshot` reads
the actions again when the invoice has another number of them (a step recorded by
another path than the run). `owed.dunning.write` keeps it up to date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

_DAYS: dict[str, date] = {}

_STEPS: dict[str, dict[str, date]] = {}


def as_text(taken: Mapping[str, date]) -> str:
    """The ladder steps taken, as `Invoice.ladder_steps` keeps them: for each day, in order,
    ``YYYY-MM-DD:code,code``, the days separated by spaces (step codes hold none of these
    characters). A first run records an invoice's whole catch-up on one day."""
    by_day: dict[date, list[str]] = defaultdict(list)
    for code, day in taken.items():
        by_day[day].append(code)
    return " ".join(f"{day.isoformat()}:{','.join(sorted(by_day[day]))}" for day in sorted(by_day))


def added(text: str, day: date, codes: Iterable[str]) -> str:
    """`text` (see `as_text`) with `codes` taken on `day`, a day not before any in it."""
    added = ",".join(codes)
    stamp = day.isoformat()
    if not text:
        return f"{stamp}:{added}"
    last = text.rpartition(" ")[2]
    if last.partition(":")[0] == stamp:
        return f"{text},{added}"
    return f"{text} {stamp}:{added}"


def parse(text: str) -> Mapping[str, date]:
    """`as_text` read back. Many invoices took the same steps on the same days: each
    distinct text is parsed once, and those invoices share the (read-only) mapping."""
    found = _STEPS.get(text)
    if found is None:
        found = {}
        for part in text.split():
            day, _, codes = part.partition(":")
            when = _DAYS.get(day)
            if when is None:
                when = _DAYS[day] = date.fromisoformat(day)
            for code in codes.split(","):
                found[code] = when
        if len(_STEPS) < 100_000:
            _STEPS[text] = found
    return found
