"""The risk grade shown on a client's page: A (pays on time) to D (high risk).

Pure: it reads a client's payment record (`History`) and returns a `Grade` with the
reasons for it, as codes the page words in the reader's language. The rules (docs/web.md):

- No grade while no invoice of the client has been paid or come past its due date.
- D: on average 45 or more days late, or 2 or more broken promises and plans, or an
  invoice 90 or more days overdue now.
- C: on average 15 or more days late, or 1 broken promise or plan, or an invoice 30 or
  more days overdue now.
- B: on average 3 or more days late, or an invoice overdue now.
- A: otherwise: pays on time (under 3 days late on average), nothing broken, nothing
  overdue.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


class Reason(enum.StrEnum):
    AVERAGE_LATE = "average_late"
    BROKEN = "broken"
    OVERDUE_NOW = "overdue_now"
    ON_TIME = "on_time"
    NO_HISTORY = "no_history"


@dataclass(frozen=True, slots=True)
class History:
    judged: int
    """Invoices paid or past their due date (the others say nothing yet)."""
    late: int
    """Of those, the ones paid after their due date or still unpaid past it."""
    days_late_total: int
    """Days late summed over the judged invoices (on time: 0; still open: so far)."""
    broken: int
    """Broken promises to pay and broken payment plans."""
    longest_overdue: int
    """Days the oldest invoice still unpaid is past its due date (0: none)."""

    @property
    def average_days_late(self) -> Decimal | None:
        if not self.judged:
            return None
        average = Decimal(self.days_late_total) / Decimal(self.judged)
        return average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Grade:
    letter: str
    """A, B, C, D; empty when there is no history to judge."""
    reasons: tuple[Reason, ...]


# (grade, least average days late, least broken, least days overdue now); first match.
RULES: tuple[tuple[str, int | None, int | None, int | None], ...] = (
    ("D", 45, 2, 90),
    ("C", 15, 1, 30),
    ("B", 3, None, 1),
)


def risk_grade(history: History) -> Grade:
    average = history.average_days_late
    if average is None:
        return Grade("", (Reason.NO_HISTORY,))
    for letter, least_average, least_broken, least_overdue in RULES:
        reasons = []
        if least_average is not None and average >= least_average:
            reasons.append(Reason.AVERAGE_LATE)
        if least_broken is not None and history.broken >= least_broken:
            reasons.append(Reason.BROKEN)
        if least_overdue is not None and history.longest_overdue >= least_overdue:
            reasons.append(Reason.OVERDUE_NOW)
        if reasons:
            return Grade(letter, tuple(reasons))
    return Grade("A", (Reason.ON_TIME,))
