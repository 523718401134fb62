"""The daily decision: which invoice gets which step today, and what else is due.

`decide(as_of, snapshot, policy)` is pure and deterministic: it reads plain data (a
`Snapshot`) and returns a `Decision`: the actions to record (planned, skipped or merged),
the problems found in the data, and for every invoice it looked at the next day it needs
to be looked at again (`next_step_on`), so that a daily run reads only what is due.

The rules (the collections-engine issue, PLAYBOOK.md sections 1-2):

1. A paid invoice gets nothing; a partly paid one is chased for its balance. An invoice
   whose balance is below the policy's minimum for its currency is not chased.
2. A step fires on the first allowed moment on or after its date. On a day that is not an
   allowed day for the client (see `owed.core.calendar`), nothing reaches the client: its
   steps wait for the next allowed day. `scheduled_for` is the start of the contact window
   that day, in the client's time zone.
3. Catch-up: of the steps of an invoice that have come due and were not taken, only the
   most advanced fires; the earlier ones are recorded as skipped.
4. A step is recorded at most once per invoice: its key is ``invoice:<id>:<step>``, and the
   caller stores keys under a unique constraint. A step is never taken below one already
   taken (the ladder never goes backwards).
5. One ladder message per client per day: the most advanced step due for any of the
   client's invoices heads one action that lists them all; the others are recorded as
   merged into it. A client already sent a ladder message today (an earlier run for the
   same day) gets the rest tomorrow. Where the law caps contacts per day (Thai
   individuals: one), the other contacts wait for the next day.
6. An open dispute pauses the invoice's ladder and creates one ``resolve_dispute`` task.
7. A promise to pay by D pauses its invoices until the next business day after D; unpaid
   then, a ``broken_promise`` call task, and the ladder resumes. The call lists the unpaid
   invoices no dispute, snooze or other promise pauses; if every one is paused, it waits.
8. A payment plan pauses its invoices; each instalment gets its own ``pre_due_reminder``
   and ``reminder``. An instalment unpaid more than the plan's grace days after its due
   date breaks the plan (a ``plan_broken`` notice) and the ladder resumes. Like the
   broken-promise call, the plan's steps list only the invoices no dispute, snooze or
   promise pauses, and wait while every one is paused (then catch up as in rule 3).
9. A credit hold lifts itself (``hold_lifted``) when nothing of the client is overdue; a
   work stop (``work_resumed``) when nothing of the contract is.
10. A snooze pauses its invoice, or every invoice of its client, until a date.
11. The ``credit_hold`` step needs no client response since the first reminder.

Pauses do not lose the ladder's place: the ladder runs on *ladder time*, the calendar less
the days its invoice spent paused, so a ladder that resumes picks up where it stopped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from owed.core.calendar import (
    ContactRules,
    contact_rules,
    first_allowed_moment,
    next_business_day,
)
from owed.core.facts import (  # noqa: F401  (re-exported: callers import them from here)
    _INSTALMENT_STEPS,
    _NOTICE_CHANNELS,
    BROKEN_PROMISE,
    CALL_TASKS,
    CREDIT_HOLD,
    FIRST_REMINDER,
    HOLD_LIFTED,
    NEVER,
    PLAN_BROKEN,
    RESOLVE_DISPUTE,
    WORK_RESUMED,
    WORK_STOP,
    Action,
    ClientFacts,
    Decision,
    Dispute,
    Hold,
    Instalment,
    InvoiceFacts,
    Kind,
    Line,
    Plan,
    Problem,
    Promise,
    Snapshot,
    Snooze,
    Status,
    instalment_key,
    invoice_key,
    is_contact,
)
from owed.core.ladder import Channel, Condition, Policy, Step

# --- pauses and ladder time ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pause:
    """A [start, end) interval during which an invoice's ladder stands still, and why."""

    start: date
    end: date
    cause: str
    """"promise", "dispute", "snooze" or "plan"."""
    source_id: int


# What pauses an invoice's other moves too (instalment steps, a plan's or another promise's
# notice): its plan only replaces its ladder.
_BLOCKING_CAUSES = frozenset({"promise", "dispute", "snooze"})


def _union_days_before(intervals: Iterable[tuple[date, date]], as_of: date) -> int:
    """How many days before `as_of` lie inside at least one half-open [start, end)."""
    total = 0
    covered_to: date | None = None
    for start, end in sorted(intervals):
        end = min(end, as_of)
        if covered_to is not None:
            start = max(start, covered_to)
        if start < end:
            total += (end - start).days
            covered_to = end
    return total


def promise_check_day(promise: Promise, country: str) -> date:
    """The day a promise is judged: the first business day after its date."""
    return next_business_day(promise.until, country)


def plan_break_day(plan: Plan) -> date | None:
    """The first day the plan counts as broken, judged by what was paid so far."""
    cumulative = Decimal(0)
    for instalment in sorted(plan.instalments, key=lambda i: i.number):
        cumulative += instalment.amount
        if plan.paid < cumulative:
            return instalment.due_date + timedelta(days=plan.grace_days + 1)
    return None


# --- the decision itself ------------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    key: str
    kind: Kind
    client_id: int
    step: str
    channels: tuple[Channel, ...]
    rank: int
    invoice_ids: tuple[int, ...]
    subject_id: int | None
    reason: str = ""


@dataclass(slots=True)
class _Work:
    as_of: date
    snapshot: Snapshot
    default: Policy
    problems: list[Problem] = field(default_factory=list)
    candidates: dict[int, list[_Candidate]] = field(default_factory=lambda: defaultdict(list))
    skipped: list[_Candidate] = field(default_factory=list)
    next_on: dict[int, date] = field(default_factory=dict)
    pauses: dict[int, list[_Pause]] = field(default_factory=dict)
    ladders: dict[tuple[int, int | None], list[tuple[int, Step, int]]] = field(default_factory=dict)
    """`_ladder_steps` by (policy, work-stop grace days): many invoices share one."""

    def look(self, invoice_id: int, day: date) -> None:
        current = self.next_on.get(invoice_id, NEVER)
        self.next_on[invoice_id] = min(current, day)


def decide(as_of: date, snapshot: Snapshot, policy: Policy) -> Decision:
    """The actions due on `as_of` for the invoices and clients in `snapshot`.

    `policy` is the default policy; a client naming another one gets it from
    `snapshot.policies`.
    """
    work = _Work(as_of, snapshot, policy)
    invoices = {i.id: i for i in snapshot.invoices}
    work.pauses = _pauses(work, invoices)

    for invoice in snapshot.invoices:
        work.next_on[invoice.id] = NEVER
        _ladder(work, invoice, work.pauses.get(invoice.id, []))
    _promises(work, invoices)
    _disputes(work, invoices)
    _plans(work, invoices)
    _holds(work)

    actions = _settle(work, invoices)
    return Decision(
        actions=tuple(actions),
        problems=tuple(work.problems),
        next_step_on=dict(work.next_on),
    )


def _client(work: _Work, client_id: int) -> ClientFacts:
    client = work.snapshot.clients.get(client_id)
    if client is None:
        work.problems.append(Problem(f"client:{client_id}", "client missing from the snapshot"))
        client = ClientFacts(client_id, country="")
    return client


def _policy(work: _Work, client: ClientFacts) -> Policy:
    if client.policy is None or client.policy == work.default.name:
        return work.default
    found = work.snapshot.policies.get(client.policy)
    if found is None:
        work.problems.append(
            Problem(f"client:{client.id}", f"unknown policy {client.policy!r}: default used")
        )
        return work.default
    return found


def _pauses(work: _Work, invoices: Mapping[int, InvoiceFacts]) -> dict[int, list[_Pause]]:
    """Per invoice, the [start, end) intervals during which its ladder stands still."""
    snap, as_of = work.snapshot, work.as_of
    by_client: dict[int, list[int]] = defaultdict(list)
    for invoice in invoices.values():
        by_client[invoice.client_id].append(invoice.id)
    pauses: dict[int, list[_Pause]] = defaultdict(list)
    for promise in snap.promises:
        client = _client(work, promise.client_id)
        end = promise_check_day(promise, client.country)
        for invoice_id in promise.invoice_ids:
            pauses[invoice_id].append(_Pause(promise.made_on, end, "promise", promise.id))
    for dispute in snap.disputes:
        end = dispute.resolved_on or NEVER
        pauses[dispute.invoice_id].append(_Pause(dispute.opened_on, end, "dispute", dispute.id))
    for snooze in snap.snoozes:
        targets = [snooze.invoice_id] if snooze.invoice_id is not None else []
        if snooze.client_id is not None:
            targets += by_client.get(snooze.client_id, [])
        for invoice_id in targets:
            pauses[invoice_id].append(_Pause(snooze.created_on, snooze.until, "snooze", snooze.id))
    for plan in snap.plans:
        end = plan.broken_on
        if end is None:
            breaks = plan_break_day(plan)
            end = breaks if breaks is not None and breaks <= as_of else NEVER
        for invoice_id in plan.invoice_ids:
            pauses[invoice_id].append(_Pause(plan.created_on, end, "plan", plan.id))
    return pauses


def _blocked_until(
    work: _Work, invoice_id: int, besides: tuple[str, int] | None = None
) -> date | None:
    """If a dispute, snooze or promise (other than `besides`, a (cause, id) pair) pauses the
    invoice today, the first day that may end it; None if nothing does."""
    ends = [
        p.end
        for p in work.pauses.get(invoice_id, ())
        if p.cause in _BLOCKING_CAUSES
        and (p.cause, p.source_id) != besides
        and p.start <= work.as_of < p.end
    ]
    return min(ends, default=None)


def _free(
    work: _Work, invoice_ids: Iterable[int], besides: tuple[str, int] | None = None
) -> tuple[int, ...]:
    """The invoices no dispute, snooze or promise (other than `besides`) pauses today; the
    others are looked at again when their pause may end."""
    free = []
    for invoice_id in invoice_ids:
        blocked_until = _blocked_until(work, invoice_id, besides)
        if blocked_until is None:
            free.append(invoice_id)
        else:
            work.look(invoice_id, blocked_until)
    return tuple(free)


def _ladder_steps(policy: Policy, invoice: InvoiceFacts) -> list[tuple[int, Step, int]]:
    """The invoice's steps as (offset in ladder days, step, rank), in the order they come."""
    steps = []
    for rank, step in enumerate(policy.steps):
        offset = step.offset_days
        if Condition.WORK_STOP_CLAUSE in step.conditions:
            if invoice.work_stop_grace_days is None:
                continue
            offset = invoice.work_stop_grace_days
        steps.append((offset, step, rank))
    steps.sort(key=lambda s: (s[0], s[2]))
    return steps


# Why a ladder step was skipped (`owed.core.fastpath` says the same).
DUE_DATE_PASSED = "the due date has passed"
RESPONDED = "the client responded after the first reminder"


def _ladder(work: _Work, invoice: InvoiceFacts, pauses: list[_Pause]) -> None:
    as_of = work.as_of
    if invoice.balance <= 0:
        return
    client = _client(work, invoice.client_id)
    policy = _policy(work, client)
    if invoice.balance < policy.minimum_for(invoice.currency):
        return
    active = [p.end for p in pauses if p.start <= as_of < p.end]
    if active:
        # Paused: look again when the first pause ends (promise, plan and dispute moves
        # are looked after by their own rules).
        work.look(invoice.id, min(active))
        return
    # Days paused before the due date do not count: the ladder does not start before it.
    shift = _union_days_before(((max(p.start, invoice.due_date), p.end) for p in pauses), as_of)
    ladder_today = as_of - timedelta(days=shift)
    shape = (id(policy), invoice.work_stop_grace_days)
    steps = work.ladders.get(shape)
    if steps is None:
        steps = work.ladders[shape] = _ladder_steps(policy, invoice)
    last_taken = max(
        (i for i, (_, step, _) in enumerate(steps) if step.code in invoice.taken), default=-1
    )
    ahead = steps[last_taken + 1 :]
    due = [s for s in ahead if invoice.due_date + timedelta(days=s[0]) <= ladder_today]
    later = [s for s in ahead if invoice.due_date + timedelta(days=s[0]) > ladder_today]
    if later:
        offset = later[0][0]
        work.look(invoice.id, invoice.due_date + timedelta(days=offset + shift))
    if not due:
        return
    # The most advanced step due fires, with any other due the same day (merged into
    # one message later); the earlier ones are skipped.
    fired_on: date | None = None
    fired_step = ""
    for offset, step, rank in reversed(due):
        day = invoice.due_date + timedelta(days=offset)
        candidate = _Candidate(
            key=invoice_key(invoice.id, step.code),
            kind=Kind.LADDER,
            client_id=invoice.client_id,
            step=step.code,
            channels=step.channels,
            rank=rank,
            invoice_ids=(invoice.id,),
            subject_id=invoice.id,
        )
        if fired_on is not None and day < fired_on:
            candidate.reason = f"catch-up: {fired_step} is due"
            work.skipped.append(candidate)
        elif offset < 0 and as_of > invoice.due_date:
            candidate.reason = DUE_DATE_PASSED
            work.skipped.append(candidate)
        elif Condition.NO_RESPONSE in step.conditions and _responded(client, invoice):
            candidate.reason = RESPONDED
            work.skipped.append(candidate)
        else:
            if fired_on is None:
                fired_on, fired_step = day, step.code
            work.candidates[invoice.client_id].append(candidate)


def _responded(client: ClientFacts, invoice: InvoiceFacts) -> bool:
    """True if the client responded on or after the first reminder (or, if none was
    recorded, on or after the due date)."""
    if client.last_response_on is None:
        return False
    since = invoice.taken.get(FIRST_REMINDER, invoice.due_date)
    return client.last_response_on >= since


def _promises(work: _Work, invoices: Mapping[int, InvoiceFacts]) -> None:
    as_of = work.as_of
    # A newer promise on an invoice replaces an older one: only the newest can break.
    newest: dict[int, tuple[date, int]] = {}
    for promise in work.snapshot.promises:
        for invoice_id in promise.invoice_ids:
            newest[invoice_id] = max(
                newest.get(invoice_id, (date.min, 0)), (promise.made_on, promise.id)
            )
    for promise in work.snapshot.promises:
        if promise.broken_recorded:
            continue
        client = _client(work, promise.client_id)
        check = promise_check_day(promise, client.country)
        # As in rule 1: what is left below the policy's minimum is not chased.
        minimum = _policy(work, client).minimum_for
        unpaid = [
            i
            for i in promise.invoice_ids
            if i in invoices
            and newest[i][1] == promise.id
            and invoices[i].balance > 0
            and invoices[i].balance >= minimum(invoices[i].currency)
        ]
        if not unpaid:
            continue
        if as_of < check:
            for invoice_id in unpaid:
                work.look(invoice_id, check)
            continue
        # The call leaves out the invoices snoozed, disputed or under another promise; it
        # waits while all of them are.
        unpaid = _free(work, unpaid, besides=("promise", promise.id))
        if not unpaid:
            continue
        work.candidates[promise.client_id].append(
            _Candidate(
                key=f"promise:{promise.id}:broken",
                kind=Kind.BROKEN_PROMISE,
                client_id=promise.client_id,
                step=BROKEN_PROMISE,
                channels=_NOTICE_CHANNELS[BROKEN_PROMISE],
                rank=-1,
                invoice_ids=tuple(unpaid),
                subject_id=promise.id,
            )
        )


def _disputes(work: _Work, invoices: Mapping[int, InvoiceFacts]) -> None:
    for dispute in work.snapshot.disputes:
        if dispute.resolved_on is not None or dispute.task_recorded:
            continue
        invoice = invoices.get(dispute.invoice_id)
        if invoice is None or dispute.opened_on > work.as_of:
            continue
        if invoice.balance <= 0:
            continue  # paid meanwhile: nothing left to settle for collections
        work.candidates[invoice.client_id].append(
            _Candidate(
                key=f"dispute:{dispute.id}:resolve",
                kind=Kind.RESOLVE_DISPUTE,
                client_id=invoice.client_id,
                step=RESOLVE_DISPUTE,
                channels=_NOTICE_CHANNELS[RESOLVE_DISPUTE],
                rank=-1,
                invoice_ids=(invoice.id,),
                subject_id=dispute.id,
            )
        )


def _plans(work: _Work, invoices: Mapping[int, InvoiceFacts]) -> None:
    as_of = work.as_of
    for plan in work.snapshot.plans:
        if plan.broken_on is not None:
            continue
        open_ids = tuple(i for i in plan.invoice_ids if i in invoices and invoices[i].balance > 0)
        if not open_ids:
            continue
        client = _client(work, plan.client_id)
        policy = _policy(work, client)
        breaks = plan_break_day(plan)
        # The plan's notices and instalment steps wait while its invoices are snoozed,
        # disputed or promised; they list the invoices nothing pauses.
        free = _free(work, open_ids)
        if not free:
            continue
        if breaks is not None and breaks <= as_of:
            work.candidates[plan.client_id].append(
                _Candidate(
                    key=f"plan:{plan.id}:broken",
                    kind=Kind.PLAN_BROKEN,
                    client_id=plan.client_id,
                    step=PLAN_BROKEN,
                    channels=_NOTICE_CHANNELS[PLAN_BROKEN],
                    rank=-1,
                    invoice_ids=free,
                    subject_id=plan.id,
                )
            )
            continue
        if breaks is not None:
            for invoice_id in free:
                work.look(invoice_id, breaks)
        # The instalment steps, in date order, as one ladder that never goes backwards.
        sequence = []
        cumulative = Decimal(0)
        for instalment in sorted(plan.instalments, key=lambda i: i.number):
            cumulative += instalment.amount
            if plan.paid >= cumulative:
                continue
            for code, default_offset in _INSTALMENT_STEPS:
                step = _step_or_none(policy, code)
                offset = step.offset_days if step else default_offset
                rank = policy.rank(code) if step else 0
                channels = step.channels if step else (Channel.EMAIL,)
                day = instalment.due_date + timedelta(days=offset)
                key = instalment_key(plan.id, instalment.number, code)
                sequence.append((day, rank, key, code, channels))
        sequence.sort()
        last_taken = max((i for i, s in enumerate(sequence) if s[2] in plan.taken), default=-1)
        ahead = sequence[last_taken + 1 :]
        due = [s for s in ahead if s[0] <= as_of]
        later = [s for s in ahead if s[0] > as_of]
        if later:
            for invoice_id in free:
                work.look(invoice_id, later[0][0])
        for index, (_day, rank, key, code, channels) in enumerate(reversed(due)):
            candidate = _Candidate(
                key=key,
                kind=Kind.INSTALMENT,
                client_id=plan.client_id,
                step=code,
                channels=channels,
                rank=rank,
                invoice_ids=free,
                subject_id=plan.id,
            )
            if index == 0:
                work.candidates[plan.client_id].append(candidate)
            else:
                candidate.reason = "catch-up: a later instalment step is due"
                work.skipped.append(candidate)


def _step_or_none(policy: Policy, code: str) -> Step | None:
    return policy.step(code) if code in policy.codes else None


def _holds(work: _Work) -> None:
    snap = work.snapshot
    for hold in snap.holds:
        if hold.client_id not in snap.overdue_clients:
            work.candidates[hold.client_id].append(
                _notice(f"hold:{hold.id}:lifted", Kind.HOLD_LIFTED, HOLD_LIFTED, hold)
            )
    for stop in snap.work_stops:
        if stop.contract_id not in snap.overdue_contracts:
            work.candidates[stop.client_id].append(
                _notice(f"work_stop:{stop.id}:resumed", Kind.WORK_RESUMED, WORK_RESUMED, stop)
            )


def _notice(key: str, kind: Kind, step: str, hold: Hold) -> _Candidate:
    return _Candidate(
        key=key,
        kind=kind,
        client_id=hold.client_id,
        step=step,
        channels=_NOTICE_CHANNELS[step],
        rank=-1,
        invoice_ids=(),
        subject_id=hold.id,
    )


# --- one message per client per day -------------------------------------------------------


_LADDER_KINDS = frozenset({Kind.LADDER, Kind.INSTALMENT})
# When the law allows fewer contacts a day than are due, these go first.
_CONTACT_PRIORITY = {
    Kind.BROKEN_PROMISE: 0,
    Kind.PLAN_BROKEN: 1,
    Kind.LADDER: 2,
    Kind.INSTALMENT: 2,
    Kind.HOLD_LIFTED: 3,
    Kind.WORK_RESUMED: 3,
}


def _settle(work: _Work, invoices: Mapping[int, InvoiceFacts]) -> list[Action]:
    """Turn candidates into actions: allowed days, merging, daily limits."""
    as_of = work.as_of
    tomorrow = as_of + timedelta(days=1)
    actions: list[Action] = []
    # Clients in the same zone, country and kind share the moment and the day's rules.
    moments: dict[tuple[str, str | None, str], datetime] = {}
    days: dict[tuple[str | None, str], tuple[ContactRules, bool]] = {}

    def moment(client: ClientFacts) -> datetime:
        key = (client.tz, client.country, client.kind)
        found = moments.get(key)
        if found is None:
            problems = len(work.problems)
            found = _moment(work, client)
            if len(work.problems) == problems:  # an unknown zone is reported per client
                moments[key] = found
        return found

    def today(client: ClientFacts) -> tuple[ContactRules, bool]:
        """The client's contact rules, and whether today is an allowed day for them."""
        key = (client.country, client.kind)
        found = days.get(key)
        if found is None:
            country = client.country or "ZZ"
            rules = contact_rules(country, client.kind)
            found = days[key] = (rules, rules.window_on(as_of, country) is not None)
        return found

    def defer(candidates: Iterable[_Candidate], until: date = tomorrow) -> None:
        for candidate in candidates:
            for invoice_id in candidate.invoice_ids:
                if invoice_id in work.next_on:
                    work.look(invoice_id, until)

    def lines(ids: Iterable[int]) -> tuple[Line, ...]:
        found = sorted(
            (invoices[i] for i in set(ids) if i in invoices), key=lambda i: (i.due_date, i.id)
        )
        return tuple(Line(i.id, (as_of - i.due_date).days, i.balance) for i in found)

    def action(c: _Candidate, status: Status, at: datetime, **extra) -> Action:
        return Action(
            key=c.key,
            kind=c.kind,
            client_id=c.client_id,
            step=c.step,
            channels=c.channels,
            status=status,
            scheduled_for=at,
            lines=extra.pop("lines", lines(c.invoice_ids)),
            subject_id=c.subject_id,
            reason=extra.pop("reason", c.reason),
            **extra,
        )

    # Skipped steps are recorded at once, whatever the day: they never reach the client.
    for candidate in sorted(work.skipped, key=lambda c: c.key):
        client = _client(work, candidate.client_id)
        actions.append(action(candidate, Status.SKIPPED, moment(client)))

    for client_id in sorted(work.candidates):
        candidates = sorted(work.candidates[client_id], key=lambda c: c.key)
        client = _client(work, client_id)
        rules, allowed_today = today(client)
        contacts = [c for c in candidates if is_contact(c.step, c.channels)]
        tasks = [c for c in candidates if not is_contact(c.step, c.channels)]
        at = moment(client)
        for task in tasks:
            actions.append(action(task, Status.PLANNED, at))
        if not allowed_today:
            # Looked at again on the client's next allowed day (the day of `at`), not on
            # each day between: nothing can reach the client before it, and a step coming
            # due meanwhile (a task, or a catch-up) has its own next look.
            defer(contacts, at.date())
            continue

        ladder = [c for c in contacts if c.kind in _LADDER_KINDS]
        others = [c for c in contacts if c.kind not in _LADDER_KINDS]
        heads: list[tuple[_Candidate, list[_Candidate]]] = []
        if ladder and client_id in work.snapshot.contacted_today:
            defer(ladder)
        elif ladder:
            head = max(ladder, key=lambda c: (c.rank, c.kind == Kind.LADDER, c.key))
            heads.append((head, [c for c in ladder if c is not head]))
        heads += [(c, []) for c in others]
        heads.sort(key=lambda h: (_CONTACT_PRIORITY[h[0].kind], h[0].key))
        limit = rules.max_contacts_per_day
        if limit is not None:
            used = max(
                work.snapshot.contacts_today.get(client_id, 0),
                1 if client_id in work.snapshot.contacted_today else 0,
            )
            room = max(limit - used, 0)
            for head, merged in heads[room:]:
                defer([head, *merged])
            heads = heads[:room]
        for head, merged in heads:
            listed = [i for c in (head, *merged) for i in c.invoice_ids]
            actions.append(action(head, Status.PLANNED, at, lines=lines(listed)))
            for other in merged:
                actions.append(
                    action(
                        other,
                        Status.MERGED,
                        at,
                        merged_into=head.key,
                        reason=f"merged into {head.step}",
                    )
                )
    return actions


def _moment(work: _Work, client: ClientFacts) -> datetime:
    try:
        zone = ZoneInfo(client.tz)
    except (ValueError, KeyError):
        work.problems.append(
            Problem(f"client:{client.id}", f"unknown time zone {client.tz!r}: UTC used")
        )
        zone = ZoneInfo("UTC")
    start = datetime.combine(work.as_of, time(0), tzinfo=zone)
    return first_allowed_moment(
        on_or_after=start, country=client.country or "ZZ", client_kind=client.kind, tz=zone.key
    )
