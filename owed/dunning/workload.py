"""What a day leaves to do: the planned actions whose time has come by the end of the day
(the list on the back office's Today page), and what became of the other actions decided
that day (sent, done, merged into another, skipped, failed). Today, `owed run` and
`owed demo` count with these functions, so they say the same numbers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet

from owed.core import decide as core
from owed.dunning.models import Action
from owed.ledger.models import Organization

Status = Action.Status

# What became of the rest of the day's actions, in the order they are said.
OTHERS = ("sent", "done", "merged", "skipped", "failed")


def end_of_day(organization: Organization, day: date) -> datetime:
    """The first moment after `day` where the organization is."""
    return datetime.combine(
        day + timedelta(days=1), time(0), tzinfo=ZoneInfo(organization.timezone)
    )


def planned_up_to(*, organization: Organization, day: date) -> QuerySet[Action]:
    """The organization's actions still planned whose time comes by the end of `day`,
    those planned for earlier days and not yet done or sent included."""
    return Action.objects.filter(
        organization=organization,
        status=Status.PLANNED,
        scheduled_for__lt=end_of_day(organization, day),
    )


@dataclass(frozen=True, slots=True)
class DayCounts:
    """How many actions are to do by the end of `day`, and what became of the others the
    day's runs decided."""

    day: date
    to_do: int
    """Planned, their time come by the end of the day (earlier days' included): Today's list."""
    sent: int = 0
    done: int = 0
    merged: int = 0
    """Decided that day and merged into another action (one message per client a day)."""
    skipped: int = 0
    """Decided that day and skipped (a run catching up, or a user)."""
    failed: int = 0

    def others(self) -> list[tuple[str, int]]:
        """(status, how many) for the day's actions that are not to do, the nonzero ones."""
        return [(name, getattr(self, name)) for name in OTHERS if getattr(self, name)]

    def english(self, *, today: date | None = None) -> str:
        """The CLI's line: "28 actions to do today (15 merged into others, 1 skipped)"."""
        when = "today" if self.day == today else f"on {self.day.isoformat()}"
        noun = "action" if self.to_do == 1 else "actions"
        words = {"merged": "merged into others"}
        others = ", ".join(f"{n} {words.get(name, name)}" for name, n in self.others())
        return f"{self.to_do} {noun} to do {when}" + (f" ({others})" if others else "")

    def with_decided(self, actions: Iterable[core.Action], end: datetime) -> DayCounts:
        """These counts with `actions` (a dry run's, not recorded) counted in."""
        counts = {name: getattr(self, name) for name in ("to_do", *OTHERS)}
        for action in actions:
            if action.status == core.Status.PLANNED:
                if action.scheduled_for < end:
                    counts["to_do"] += 1
            else:
                counts[action.status.value] += 1
        return replace(self, **counts)


def day_counts(*, organization: Organization, day: date, to_do: int | None = None) -> DayCounts:
    """The day's counts. `to_do`, when the caller has counted `planned_up_to` already (Today
    lists them), is taken as it is."""
    if to_do is None:
        to_do = planned_up_to(organization=organization, day=day).count()
    others = dict(
        Action.objects.filter(organization=organization, decided_on=day, status__in=OTHERS)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return DayCounts(day=day, to_do=to_do, **{name: others.get(name, 0) for name in OTHERS})
