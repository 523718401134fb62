"""The daily decision's fast path: the common case decided lean, the rest by `decide`.

Most invoices a daily run looks at are *plain*: their client has no promise, plan,
dispute, snooze, credit hold or work stop in the snapshot, was not contacted earlier the
same day, and has known facts (a client record, a known policy, a valid time zone). For a
plain invoice nothing pauses the ladder, so its decision is the ladder alone: the steps
ahead of the last one taken whose day has come (the most advanced fires, the others are
skipped), then one message per client per day. `decide_fast` computes that for the plain
clients with precomputed ladders and whole-day arithmetic, hands every other client to
`decide` (the general rules), and merges the two results in `decide`'s own order.

`decide_fast(as_of, snapshot, policy)` returns exactly what `decide(as_of, snapshot,
policy)` returns: the same actions in the same order, the same problems and the same next
looks. tests/core/test_fast_path.py checks it on random ledgers and run dates.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from owed.core.calendar import ContactRules, contact_rules, first_allowed_moment
from owed.core.decide import DUE_DATE_PASSED, RESPONDED, _ladder_steps, _responded, decide
from owed.core.facts import (
    NEVER,
    Action,
    ClientFacts,
    Decision,
    InvoiceFacts,
    Kind,
    Line,
    Snapshot,
    Status,
    invoice_key,
    is_contact,
)
from owed.core.ladder import Condition, Policy

_LADDER = Kind.LADDER
_PLANNED, _SKIPPED, _MERGED = Status.PLANNED, Status.SKIPPED, Status.MERGED


def decide_fast(as_of: date, snapshot: Snapshot, policy: Policy) -> Decision:
    """What `decide(as_of, snapshot, policy)` returns, with plain clients decided lean."""
    plain, rest = _split(snapshot, policy)
    if not plain:
        return decide(as_of, snapshot, policy)
    general = (
        decide(as_of, replace(snapshot, invoices=tuple(rest)), policy)
        if rest or _has_other_moves(snapshot)
        else Decision(actions=(), problems=(), next_step_on={})
    )
    fast = _Lean(as_of, snapshot, policy).decide(plain)
    # `decide`'s order: the skipped steps of every client by key, then client by client.
    split = next(
        (n for n, a in enumerate(general.actions) if a.status is not _SKIPPED),
        len(general.actions),
    )
    skipped = heapq.merge(general.actions[:split], fast.skipped, key=_by_key)
    by_client = heapq.merge(general.actions[split:], fast.sections, key=_by_client)
    next_step_on = dict(general.next_step_on)
    next_step_on.update(fast.next_on)
    return Decision(
        actions=(*skipped, *by_client),
        problems=general.problems,
        next_step_on=next_step_on,
    )


def _by_key(action: Action) -> str:
    return action.key


def _by_client(action: Action) -> int:
    return action.client_id


def _has_other_moves(snapshot: Snapshot) -> bool:
    return bool(
        snapshot.promises
        or snapshot.disputes
        or snapshot.plans
        or snapshot.holds
        or snapshot.work_stops
    )


_ZONES: dict[str, bool] = {}


def _valid_zone(name: str) -> bool:
    found = _ZONES.get(name)
    if found is None:
        try:
            ZoneInfo(name)
            found = True
        except (ValueError, KeyError):
            found = False
        _ZONES[name] = found
    return found


def _split(snapshot: Snapshot, policy: Policy) -> tuple[list[InvoiceFacts], list[InvoiceFacts]]:
    """The plain invoices and the others, each in the snapshot's order.

    A client is plain unless something besides the ladder concerns it or one of its
    invoices (a promise, plan, dispute, snooze, hold or work stop, a contact already
    recorded today), or `decide` would report a problem about it."""
    client_of = {i.id: i.client_id for i in snapshot.invoices}
    other: set[int | None] = set(snapshot.contacted_today)
    other.update(snapshot.contacts_today)
    for promise in snapshot.promises:
        other.add(promise.client_id)
        other.update(client_of.get(i) for i in promise.invoice_ids)
    for plan in snapshot.plans:
        other.add(plan.client_id)
        other.update(client_of.get(i) for i in plan.invoice_ids)
    for dispute in snapshot.disputes:
        other.add(client_of.get(dispute.invoice_id))
    for snooze in snapshot.snoozes:
        other.add(snooze.client_id)
        other.add(client_of.get(snooze.invoice_id))
    for hold in (*snapshot.holds, *snapshot.work_stops):
        other.add(hold.client_id)
    clients = snapshot.clients
    policies = snapshot.policies
    plain_clients: dict[int, bool] = {}
    plain: list[InvoiceFacts] = []
    rest: list[InvoiceFacts] = []
    for invoice in snapshot.invoices:
        client_id = invoice.client_id
        ok = plain_clients.get(client_id)
        if ok is None:
            client = clients.get(client_id)
            ok = plain_clients[client_id] = (
                client is not None
                and client_id not in other
                and (
                    client.policy is None
                    or client.policy == policy.name
                    or client.policy in policies
                )
                and _valid_zone(client.tz)
            )
        (plain if ok else rest).append(invoice)
    return plain, rest


@dataclass(slots=True)
class _Shape:
    """A ladder as the fast path reads it: `decide`'s steps in the order they come."""

    offsets: list[int]
    codes: list[str]
    ranks: list[int]
    channels: list[tuple]
    contact: list[bool]
    no_response: list[bool]
    position: dict[str, int]
    """Each step code's place (the last, if a code came twice)."""


def _shape(policy: Policy, invoice: InvoiceFacts) -> _Shape:
    steps = _ladder_steps(policy, invoice)
    return _Shape(
        offsets=[offset for offset, _, _ in steps],
        codes=[step.code for _, step, _ in steps],
        ranks=[rank for _, _, rank in steps],
        channels=[step.channels for _, step, _ in steps],
        contact=[is_contact(step.code, step.channels) for _, step, _ in steps],
        no_response=[Condition.NO_RESPONSE in step.conditions for _, step, _ in steps],
        position={step.code: n for n, (_, step, _) in enumerate(steps)},
    )


@dataclass(slots=True)
class _Step:
    """A step due for an invoice today (`decide`'s candidate, for a ladder step)."""

    key: str
    invoice: InvoiceFacts
    code: str
    channels: tuple
    rank: int
    contact: bool
    reason: str = ""


class _Lean:
    """The fast path's work: the plain invoices' ladders, then their clients' messages."""

    def __init__(self, as_of: date, snapshot: Snapshot, policy: Policy) -> None:
        self.as_of = as_of
        self.today = as_of.toordinal()
        self.snapshot = snapshot
        self.default = policy
        self.shapes: dict[tuple[int, int | None], _Shape] = {}
        self.minimums: dict[tuple[int, str], object] = {}
        self.moments: dict[tuple[str, str, str], datetime] = {}
        self.days: dict[tuple[str, str], tuple[ContactRules, bool]] = {}
        self.looks: dict[int, date] = {}
        self.skipped: list[Action] = []
        self.sections: list[Action] = []
        self.next_on: dict[int, date] = {}

    def _day(self, ordinal: int) -> date:
        found = self.looks.get(ordinal)
        if found is None:
            found = self.looks[ordinal] = date.fromordinal(ordinal)
        return found

    def _policy(self, client: ClientFacts) -> Policy:
        if client.policy is None or client.policy == self.default.name:
            return self.default
        return self.snapshot.policies[client.policy]

    def _moment(self, client: ClientFacts) -> datetime:
        key = (client.tz, client.country, client.kind)
        found = self.moments.get(key)
        if found is None:
            zone = ZoneInfo(client.tz)
            start = datetime.combine(self.as_of, time(0), tzinfo=zone)
            found = self.moments[key] = first_allowed_moment(
                on_or_after=start,
                country=client.country or "ZZ",
                client_kind=client.kind,
                tz=zone.key,
            )
        return found

    def _rules(self, client: ClientFacts) -> tuple[ContactRules, bool]:
        key = (client.country, client.kind)
        found = self.days.get(key)
        if found is None:
            country = client.country or "ZZ"
            rules = contact_rules(country, client.kind)
            found = self.days[key] = (rules, rules.window_on(self.as_of, country) is not None)
        return found

    def decide(self, invoices: list[InvoiceFacts]) -> _Lean:
        clients = self.snapshot.clients
        due: dict[int, list[_Step]] = {}
        skipped: list[_Step] = []
        next_on = self.next_on
        for invoice in invoices:
            next_on[invoice.id] = NEVER
            steps = self._ladder(invoice, clients[invoice.client_id], skipped)
            if steps:
                found = due.get(invoice.client_id)
                if found is None:
                    due[invoice.client_id] = steps
                else:
                    found += steps
        skipped.sort(key=_step_key)
        for step in skipped:
            self.skipped.append(
                self._action(step, _SKIPPED, self._moment(clients[step.invoice.client_id]))
            )
        for client_id in sorted(due):
            self._settle(clients[client_id], due[client_id])
        return self

    def _ladder(
        self, invoice: InvoiceFacts, client: ClientFacts, skipped: list[_Step]
    ) -> list[_Step] | None:
        """`decide._ladder` for an invoice nothing pauses: its steps that fire today (the
        skipped ones go to `skipped`); its next look is set."""
        if invoice.balance <= 0:
            return None
        policy = self._policy(client)
        minimum_key = (id(policy), invoice.currency)
        minimum = self.minimums.get(minimum_key)
        if minimum is None:
            minimum = self.minimums[minimum_key] = policy.minimum_for(invoice.currency)
        if invoice.balance < minimum:
            return None
        shape_key = (id(policy), invoice.work_stop_grace_days)
        shape = self.shapes.get(shape_key)
        if shape is None:
            shape = self.shapes[shape_key] = _shape(policy, invoice)
        taken = invoice.taken
        last = -1
        if taken:
            position = shape.position
            for code in taken:
                found = position.get(code)
                if found is not None and found > last:
                    last = found
        due_ordinal = invoice.due_date.toordinal()
        days = self.today - due_ordinal
        offsets = shape.offsets
        end = bisect_right(offsets, days, last + 1)
        if end < len(offsets):
            self.next_on[invoice.id] = self._day(due_ordinal + offsets[end])
        if end == last + 1:
            return None
        fired: int | None = None
        fired_code = ""
        found: list[_Step] = []
        for n in range(end - 1, last, -1):
            offset = offsets[n]
            code = shape.codes[n]
            step = _Step(
                key=invoice_key(invoice.id, code),
                invoice=invoice,
                code=code,
                channels=shape.channels[n],
                rank=shape.ranks[n],
                contact=shape.contact[n],
            )
            if fired is not None and offset < fired:
                step.reason = f"catch-up: {fired_code} is due"
                skipped.append(step)
            elif offset < 0 and days > 0:
                step.reason = DUE_DATE_PASSED
                skipped.append(step)
            elif shape.no_response[n] and _responded(client, invoice):
                step.reason = RESPONDED
                skipped.append(step)
            else:
                if fired is None:
                    fired, fired_code = offset, code
                found.append(step)
        return found

    def _line(self, invoice: InvoiceFacts) -> Line:
        return Line(invoice.id, self.today - invoice.due_date.toordinal(), invoice.balance)

    def _action(self, step: _Step, status: Status, at: datetime, **extra) -> Action:
        invoice = step.invoice
        return Action(
            key=step.key,
            kind=_LADDER,
            client_id=invoice.client_id,
            step=step.code,
            channels=step.channels,
            status=status,
            scheduled_for=at,
            lines=extra.pop("lines", None) or (self._line(invoice),),
            subject_id=invoice.id,
            reason=extra.pop("reason", step.reason),
            **extra,
        )

    def _settle(self, client: ClientFacts, steps: list[_Step]) -> None:
        """`decide._settle` for one plain client: its tasks, then one message listing every
        invoice with a contact step due (the others merged into it)."""
        if len(steps) > 1:
            steps.sort(key=_step_key)
        rules, allowed_today = self._rules(client)
        at = self._moment(client)
        out = self.sections
        contacts = []
        for step in steps:
            if step.contact:
                contacts.append(step)
            else:
                out.append(self._action(step, _PLANNED, at))
        if not contacts:
            return
        if not allowed_today or (
            rules.max_contacts_per_day is not None and rules.max_contacts_per_day < 1
        ):
            # As `decide`: on the client's next allowed day, or tomorrow for a daily limit.
            until = at.date() if not allowed_today else self._day(self.today + 1)
            for step in contacts:
                invoice_id = step.invoice.id
                if until < self.next_on[invoice_id]:
                    self.next_on[invoice_id] = until
            return
        if len(contacts) == 1:
            out.append(self._action(contacts[0], _PLANNED, at))
            return
        head = max(contacts, key=_head_order)
        listed = sorted(
            {s.invoice.id: s.invoice for s in contacts}.values(),
            key=lambda i: (i.due_date, i.id),
        )
        out.append(self._action(head, _PLANNED, at, lines=tuple(self._line(i) for i in listed)))
        reason = f"merged into {head.code}"
        for step in contacts:
            if step is not head:
                out.append(self._action(step, _MERGED, at, merged_into=head.key, reason=reason))


def _step_key(step: _Step) -> str:
    return step.key


def _head_order(step: _Step) -> tuple[int, bool, str]:
    return (step.rank, True, step.key)
