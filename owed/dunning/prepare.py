"""One chunk of the daily run, decided and prepared for writing.

`prepare` reads the snapshot of a chunk of clients, decides (`decide_fast`), and turns the
decision into what one transaction writes (`Prepared`): plain rows of plain values, no
model instances, so that a chunk may be decided in a second process while the first
writes the one before (`owed.dunning.aside`). `owed.dunning.write` writes them.

Each distinct moment and day is converted once; every row is keyed by the action's unique
key, which is how the writer tells the actions it inserted from those already recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.db import connection
from django.utils import timezone

from owed.core import decide as core
from owed.core.fastpath import decide_fast
from owed.core.ladder import Policy as CorePolicy
from owed.dunning import snapshot, steps
from owed.ledger.fields import to_hundredths
from owed.ledger.models import Organization

ACTION_COLUMNS = (
    "organization_id",
    "run_id",
    "key",
    "kind",
    "client_id",
    "invoice_id",
    "subject_id",
    "step",
    "channels",
    "status",
    "decided_on",
    "scheduled_for",
    "timezone",
    "merged_into_id",
    "reason",
    "note",
    "created_at",
    "updated_at",
)
MERGED_INTO = ACTION_COLUMNS.index("merged_into_id")


@dataclass
class Effects:
    """What the actions mean besides themselves, each with the key of its action (only the
    actions the writer inserts take effect)."""

    holds: list[tuple[str, int]] = field(default_factory=list)
    """(key, client) of each credit hold step taken."""
    stops: list[tuple[str, int]] = field(default_factory=list)
    """(key, invoice) of each work-stop step taken."""
    broken_promises: list[tuple[str, int]] = field(default_factory=list)
    broken_plans: list[tuple[str, int, date]] = field(default_factory=list)
    """(key, plan, the day it broke)."""
    lifted_holds: list[tuple[str, int]] = field(default_factory=list)
    resumed_stops: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Prepared:
    """One transaction of the run: what it decided, as rows to write."""

    clients: int
    looked_at: int
    decided: int
    problems: tuple[core.Problem, ...]
    actions: tuple[core.Action, ...]
    """The decided actions themselves, when the run keeps them (else empty)."""
    heads: list[tuple]
    """Rows of the actions merged into none (`ACTION_COLUMNS`)."""
    merged: list[tuple[tuple, str]]
    """Rows of the actions merged into another, with the key of that head."""
    lines: list[tuple[str, int, int, int]]
    """(action key, invoice, days overdue, balance in hundredths)."""
    effects: Effects
    next_step_on: dict[int, date]
    """Each invoice's next look, until `invoice_rows` are made."""
    invoice_rows: list[tuple] | None = None
    """The invoices' rows to write (`invoice_rows`), every action decided being inserted:
    made by whichever process decided the chunk, so that the run's process, which writes
    every chunk, has less to do."""


def cut(due: dict[int, list[int]], chunk_clients: int) -> list[list[int]]:
    """The run's chunks, each as its clients, in client order (`bounds`)."""
    clients = sorted(due)
    return [clients[start:end] for start, end in bounds(clients, due, chunk_clients)]


@dataclass(frozen=True)
class Chunks:
    """A run's chunks and how to decide one: what both processes of a big run share (the
    second one receives it pickled, `owed.dunning.aside`)."""

    organization_id: int
    as_of: date
    due: dict[int, list[int]]
    """The due invoices, by client (`snapshot.due_invoices`)."""
    chunk_clients: int
    keep_actions: bool
    run_id: int | None
    """The run the rows are for (None for a dry run)."""

    @cached_property
    def clients(self) -> list[list[int]]:
        """Each chunk's clients (`cut`)."""
        return cut(self.due, self.chunk_clients)

    def sizes(self) -> list[int]:
        """Each chunk's due invoices."""
        return [sum(len(self.due[client]) for client in chunk) for chunk in self.clients]

    def decide(
        self,
        organization: Organization,
        policies: tuple[CorePolicy, dict[str, CorePolicy]],
        index: int,
    ) -> Prepared:
        """Chunk `index` read, decided and prepared."""
        clients = self.clients[index]
        return prepare(
            organization,
            self.as_of,
            clients,
            [i for c in clients for i in self.due[c]],
            policies,
            keep_actions=self.keep_actions,
            run_id=self.run_id,
        )


CHUNK_INVOICES = 10_000
"""Due invoices from which a chunk is closed before its `chunk_clients`: a first run over a
ledger decides every invoice of a client and records its whole catch-up (about eight
actions an invoice), so its chunks hold fewer clients and its memory stays bounded."""


def bounds(
    clients: list[int], due: dict[int, list[int]], chunk_clients: int
) -> list[tuple[int, int]]:
    """The chunks as (start, end) slices of `clients` (sorted): `chunk_clients` clients
    each, or fewer once they have `CHUNK_INVOICES` due invoices. Both processes of a run
    (`owed.dunning.aside`) cut the same chunks from the same `due`."""
    found: list[tuple[int, int]] = []
    start = invoices = 0
    for n, client in enumerate(clients, 1):
        invoices += len(due[client])
        if n - start >= chunk_clients or invoices >= CHUNK_INVOICES:
            found.append((start, n))
            start, invoices = n, 0
    if start < len(clients):
        found.append((start, len(clients)))
    return found


def prepare(
    organization: Organization,
    as_of: date,
    client_ids: list[int],
    invoice_ids: list[int],
    policies: tuple[CorePolicy, dict[str, CorePolicy]],
    *,
    keep_actions: bool,
    run_id: int | None,
) -> Prepared:
    """Read, decide and prepare one chunk: the due invoices `invoice_ids` of `client_ids`."""
    default, by_name = policies
    records: dict[int, tuple[int, bool, str]] = {}
    snap = snapshot.build(organization, as_of, client_ids, by_name, invoice_ids, records)
    decision = decide_fast(as_of, snap, default)
    prepared = rows(organization, decision, snap, as_of, keep_actions=keep_actions, run_id=run_id)
    prepared.clients = len(client_ids)
    prepared.looked_at = len(snap.invoices)
    ladder = core.Kind.LADDER
    decided: dict[int, list[str]] = {}
    for a in decision.actions:
        if a.kind is ladder:
            decided.setdefault(a.subject_id, []).append(a.step)
    stale = {i.id: i.taken for i in snap.invoices if records[i.id][1]}
    prepared.invoice_rows = invoice_rows(prepared.next_step_on, as_of, records, stale, decided)
    prepared.next_step_on = {}  # in the rows: not sent twice between the run's processes
    return prepared


def invoice_rows(
    next_step_on: Mapping[int, date],
    as_of: date,
    records: Mapping[int, tuple[int, bool, str]] | None = None,
    stale: Mapping[int, Mapping[str, date]] | None = None,
    decided: Mapping[int, list[str]] | None = None,
) -> list[tuple[object, str | None, int | None, int]]:
    """Per invoice looked at, in id order, the row the writer stores: (its next look, its
    record of the ladder steps taken and the count of actions it stands for, or None
    where they did not change, its id), every action decided being inserted.

    `records`: per invoice, the count and record as read, and whether the record was out
    of date (`snapshot.build`); `stale`: the steps read from the actions of those out of
    date; `decided`: the ladder steps decided now. The record gets those steps added, or
    is made again from the steps read where it was out of date."""
    records, stale, decided = records or {}, stale or {}, decided or {}
    adapt = connection.ops.adapt_datefield_value
    days: dict[date, object] = {}
    found = []
    for invoice_id, day in sorted(next_step_on.items()):
        value = days.get(day)
        if value is None:
            value = days[day] = adapt(day)
        text = count = None
        record = records.get(invoice_id)
        if record is not None:
            had, out_of_date, text_then = record
            now = decided.get(invoice_id, ())
            if out_of_date:
                taken = dict(stale[invoice_id])
                taken.update(dict.fromkeys(now, as_of))
                text, count = steps.as_text(taken), had + len(now)
            elif now:
                text, count = steps.added(text_then, as_of, now), had + len(now)
        found.append((value, text, count, invoice_id))
    return found


def unrecorded(rows: list[tuple]) -> list[tuple]:
    """`invoice_rows` for a chunk some of whose actions were not inserted (another run
    recorded them meanwhile): the next looks only. Each record then counts fewer actions
    than the invoice has, so the next run reads its actions again."""
    return [(value, None, None, invoice_id) for value, _, _, invoice_id in rows]


def rows(
    organization: Organization,
    decision: core.Decision,
    snap: core.Snapshot | None,
    as_of: date,
    *,
    keep_actions: bool,
    run_id: int | None,
) -> Prepared:
    """The decision as rows (heads, merged, lines) for the run `run_id`, and effects;
    `snap`, if given, names the clients' time zones and the plans that broke."""
    actions = decision.actions
    zones = {c.id: c.tz for c in snap.clients.values()} if snap else {}
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    decided_on = ops.adapt_datefield_value(as_of)
    moments: dict[datetime, object] = {}
    channel_text: dict[tuple[core.Channel, ...], str] = {}
    ladder = core.Kind.LADDER
    organization_id = organization.pk
    heads: list[tuple] = []
    merged: list[tuple[tuple, str]] = []
    lines: list[tuple[str, int, int, int]] = []
    for a in actions:
        at = a.scheduled_for
        moment = moments.get(at)
        if moment is None:
            moment = moments[at] = ops.adapt_datetimefield_value(at)
        channels = channel_text.get(a.channels)
        if channels is None:
            channels = channel_text[a.channels] = ",".join(c.value for c in a.channels)
        row = (
            organization_id,
            run_id,
            a.key,
            a.kind.value,
            a.client_id,
            a.subject_id if a.kind is ladder else None,
            a.subject_id,
            a.step,
            channels,
            a.status.value,
            decided_on,
            moment,
            zones.get(a.client_id) or str(at.tzinfo),
            None,
            a.reason[:200],
            "",
            now,
            now,
        )
        if a.merged_into is None:
            heads.append(row)
        else:
            merged.append((row, a.merged_into))
        key = a.key
        for line in a.lines:
            lines.append((key, line.invoice_id, line.days_overdue, to_hundredths(line.balance)))
    return Prepared(
        clients=0,
        looked_at=0,
        decided=len(actions),
        problems=tuple(decision.problems),
        actions=tuple(actions) if keep_actions else (),
        heads=heads,
        merged=merged,
        lines=lines,
        effects=_effects(actions, snap, as_of),
        next_step_on=dict(decision.next_step_on),
    )


def _effects(actions: tuple[core.Action, ...], snap: core.Snapshot | None, as_of: date) -> Effects:
    effects = Effects()
    happening = (core.Status.PLANNED, core.Status.MERGED)
    plans = {p.id: p for p in snap.plans} if snap else {}
    for a in actions:
        if a.status not in happening:
            continue
        kind = a.kind
        if kind is core.Kind.LADDER:
            if a.step == core.CREDIT_HOLD:
                effects.holds.append((a.key, a.client_id))
            elif a.step == core.WORK_STOP:
                effects.stops.append((a.key, a.subject_id))
        elif kind is core.Kind.BROKEN_PROMISE:
            effects.broken_promises.append((a.key, a.subject_id))
        elif kind is core.Kind.PLAN_BROKEN:
            plan = plans.get(a.subject_id)
            day = core.plan_break_day(plan) if plan is not None else as_of
            effects.broken_plans.append((a.key, a.subject_id, day or as_of))
        elif kind is core.Kind.HOLD_LIFTED:
            effects.lifted_holds.append((a.key, a.subject_id))
        elif kind is core.Kind.WORK_RESUMED:
            effects.resumed_stops.append((a.key, a.subject_id))
    return effects
