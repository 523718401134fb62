"""The risk grade: A (pays on time) to D, from average days late, broken promises and plans,
and how overdue the oldest open invoice is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from owed.web.risk import Grade, History, Reason, risk_grade


def history(average: int = 0, *, broken: int = 0, overdue: int = 0, judged: int = 10) -> History:
    return History(
        judged=judged,
        late=judged if average else 0,
        days_late_total=average * judged,
        broken=broken,
        longest_overdue=overdue,
    )


def test_a_client_with_nothing_paid_or_due_has_no_grade():
    assert risk_grade(history(judged=0)) == Grade("", (Reason.NO_HISTORY,))


def test_a_client_paying_on_time_is_a():
    assert risk_grade(history(2)) == Grade("A", (Reason.ON_TIME,))


@pytest.mark.parametrize(
    ("average", "broken", "overdue", "letter"),
    [
        (3, 0, 0, "B"),
        (14, 0, 0, "B"),
        (0, 0, 1, "B"),
        (15, 0, 0, "C"),
        (0, 1, 0, "C"),
        (0, 0, 30, "C"),
        (44, 1, 89, "C"),
        (45, 0, 0, "D"),
        (0, 2, 0, "D"),
        (0, 0, 90, "D"),
    ],
)
def test_grade_thresholds(average, broken, overdue, letter):
    assert risk_grade(history(average, broken=broken, overdue=overdue)).letter == letter


def test_the_grade_says_why():
    grade = risk_grade(history(50, broken=3, overdue=120))
    assert grade == Grade("D", (Reason.AVERAGE_LATE, Reason.BROKEN, Reason.OVERDUE_NOW))


def test_the_average_is_rounded_to_a_tenth():
    found = History(judged=3, late=1, days_late_total=10, broken=0, longest_overdue=0)
    assert found.average_days_late == Decimal("3.3")
