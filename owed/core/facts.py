"""The data of a decision: what `decide` reads (a `Snapshot` of clients, invoices,
promises, disputes, snoozes, plans and holds) and what it returns (a `Decision` of
`Action`s with their `Line`s, and `Problem`s), with the step codes and keys they use.

Plain frozen dataclasses, no behaviour beyond small helpers; `owed.core.decide` holds the
rules.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from owed.core.ladder import Channel, Policy

NEVER = date.max
"""`next_step_on` for an invoice that needs no further look unless something changes."""


class Status(enum.StrEnum):
    PLANNED = "planned"
    SENT = "sent"
    DONE = "done"
    SKIPPED = "skipped"
    MERGED = "merged"
    FAILED = "failed"


class Kind(enum.StrEnum):
    """What an action is about: an invoice's ladder step or one of the other moves."""

    LADDER = "ladder"
    INSTALMENT = "instalment"
    BROKEN_PROMISE = "broken_promise"
    RESOLVE_DISPUTE = "resolve_dispute"
    PLAN_BROKEN = "plan_broken"
    HOLD_LIFTED = "hold_lifted"
    WORK_RESUMED = "work_resumed"


# Tasks that are a call to the client, so they count as a contact; other tasks are the
# user's own work (resolve a dispute, prepare a dossier).
CALL_TASKS = frozenset({"call", "broken_promise", "callback"})

BROKEN_PROMISE = "broken_promise"
RESOLVE_DISPUTE = "resolve_dispute"
PLAN_BROKEN = "plan_broken"
HOLD_LIFTED = "hold_lifted"
WORK_RESUMED = "work_resumed"
CREDIT_HOLD = "credit_hold"
WORK_STOP = "work_stop"
FIRST_REMINDER = "reminder"

_NOTICE_CHANNELS = {
    BROKEN_PROMISE: (Channel.TASK,),
    RESOLVE_DISPUTE: (Channel.TASK,),
    PLAN_BROKEN: (Channel.EMAIL,),
    HOLD_LIFTED: (Channel.EMAIL,),
    WORK_RESUMED: (Channel.EMAIL,),
}
# Instalments use the policy's own pre-due reminder and reminder; these offsets apply
# when the policy has dropped them.
_INSTALMENT_STEPS = (("pre_due_reminder", -3), ("reminder", 1))


# --- the snapshot -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientFacts:
    id: int
    country: str
    kind: str = "business"
    tz: str = "UTC"
    policy: str | None = None
    """The name of the client's policy; None for the default one."""
    last_response_on: date | None = None
    """The last day the client responded (reply, answered call, promise, dispute, portal)."""


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    id: int
    client_id: int
    due_date: date
    balance: Decimal
    currency: str
    number: str = ""
    contract_id: int | None = None
    work_stop_grace_days: int | None = None
    """The contract's work-stop grace days; None when it has no work-stop clause."""
    taken: Mapping[str, date] = field(default_factory=dict)
    """The ladder steps already recorded for this invoice (any status), with their day."""


@dataclass(frozen=True, slots=True)
class Promise:
    id: int
    client_id: int
    invoice_ids: tuple[int, ...]
    made_on: date
    until: date
    broken_recorded: bool = False


@dataclass(frozen=True, slots=True)
class Dispute:
    id: int
    invoice_id: int
    opened_on: date
    resolved_on: date | None = None
    task_recorded: bool = False


@dataclass(frozen=True, slots=True)
class Snooze:
    id: int
    created_on: date
    until: date
    invoice_id: int | None = None
    client_id: int | None = None


@dataclass(frozen=True, slots=True)
class Instalment:
    number: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Plan:
    id: int
    client_id: int
    invoice_ids: tuple[int, ...]
    created_on: date
    instalments: tuple[Instalment, ...]
    paid: Decimal
    """What the plan's invoices received since the plan began."""
    grace_days: int = 7
    broken_on: date | None = None
    taken: frozenset[str] = frozenset()
    """Keys of the instalment steps already recorded (see `instalment_key`)."""


@dataclass(frozen=True, slots=True)
class Hold:
    """A credit hold (per client) or a work stop (per contract) in force."""

    id: int
    client_id: int
    since: date
    contract_id: int | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    clients: Mapping[int, ClientFacts]
    invoices: tuple[InvoiceFacts, ...]
    promises: tuple[Promise, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    snoozes: tuple[Snooze, ...] = ()
    plans: tuple[Plan, ...] = ()
    holds: tuple[Hold, ...] = ()
    work_stops: tuple[Hold, ...] = ()
    overdue_clients: frozenset[int] = frozenset()
    """Clients with anything overdue today (needed for the clients with a hold)."""
    overdue_contracts: frozenset[int] = frozenset()
    """Contracts with anything overdue today (needed for the contracts stopped)."""
    contacted_today: frozenset[int] = frozenset()
    """Clients an earlier run for the same day already sent a ladder message (rule 5)."""
    contacts_today: Mapping[int, int] = field(default_factory=dict)
    """Per client, the contacts of any kind (message, letter, call) already recorded for
    the day, for the clients whose contacts the law caps per day (Thai individuals). A
    client in `contacted_today` counts as at least one."""
    policies: Mapping[str, Policy] = field(default_factory=dict)


# --- the decision -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One invoice an action lists, with its days overdue (negative before the due date)."""

    invoice_id: int
    days_overdue: int
    balance: Decimal


@dataclass(frozen=True, slots=True)
class Action:
    key: str
    kind: Kind
    client_id: int
    step: str
    channels: tuple[Channel, ...]
    status: Status
    scheduled_for: datetime
    lines: tuple[Line, ...] = ()
    subject_id: int | None = None
    """The invoice, promise, plan, dispute, hold or work stop the action is about."""
    merged_into: str | None = None
    reason: str = ""

    @property
    def is_contact(self) -> bool:
        return is_contact(self.step, self.channels)


@dataclass(frozen=True, slots=True)
class Problem:
    subject: str
    message: str


@dataclass(frozen=True, slots=True)
class Decision:
    actions: tuple[Action, ...]
    problems: tuple[Problem, ...]
    next_step_on: Mapping[int, date]
    """For every invoice in the snapshot, the next day to look at it (`NEVER`: none)."""

    def __iter__(self):
        # `actions, problems = decide(...)` reads as the issue states it.
        return iter((self.actions, self.problems))


def invoice_key(invoice_id: int, step: str) -> str:
    return f"invoice:{invoice_id}:{step}"


def instalment_key(plan_id: int, number: int, step: str) -> str:
    return f"plan:{plan_id}:{number}:{step}"


def is_contact(step: str, channels: Iterable[Channel]) -> bool:
    """True if the action reaches the client (a message, a letter or a call)."""
    channels = tuple(channels)
    return any(c is not Channel.TASK for c in channels) or step in CALL_TASKS
