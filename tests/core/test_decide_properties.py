"""Properties of the daily decision over random ledgers and random run dates.

`Books` plays the caller (the Django layer): it keeps the ledger, runs `decide` and does the
bookkeeping the engine expects of it (every returned key recorded once, ladder steps into
`InvoiceFacts.taken`, promises, disputes, plans, holds and work stops updated, clients
contacted today remembered for a re-run the same day, `next_step_on` stored). A client
whose contacts are capped per day counts as contacted after any contact, not only a ladder
message: otherwise a re-run the same day would contact them a second time. The scenario
tests in `test_decide_rules.py` use it too.

An *incremental* `Books` passes only the invoices whose stored `next_step_on` has come (plus
those whose state changed since the last run), as the daily job will; a *full* one passes
every invoice every time. The key property: both record exactly the same actions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from owed.core.calendar import contact_rules
from owed.core.decide import (
    Action,
    ClientFacts,
    Decision,
    Dispute,
    Hold,
    Instalment,
    InvoiceFacts,
    Kind,
    Plan,
    Promise,
    Snapshot,
    Snooze,
    Status,
    decide,
    plan_break_day,
    promise_check_day,
)
from owed.core.ladder import STANDARD, Condition, Policy

ZONES = {
    "GB": "Europe/London",
    "IR": "Asia/Tehran",
    "TH": "Asia/Bangkok",
    "VN": "Asia/Ho_Chi_Minh",
    "US": "America/New_York",
}


class Refused(Exception):
    """The caller's unique constraint refused a key already recorded."""


@dataclass
class Books:
    """The caller's side: the ledger as plain facts, and what the engine has recorded."""

    clients: dict[int, ClientFacts] = field(default_factory=dict)
    invoices: dict[int, InvoiceFacts] = field(default_factory=dict)
    policy: Policy = STANDARD
    policies: dict[str, Policy] = field(default_factory=dict)
    incremental: bool = True
    promises: dict[int, Promise] = field(default_factory=dict)
    disputes: dict[int, Dispute] = field(default_factory=dict)
    snoozes: list[Snooze] = field(default_factory=list)
    plans: dict[int, Plan] = field(default_factory=dict)
    holds: dict[int, Hold] = field(default_factory=dict)
    work_stops: dict[int, Hold] = field(default_factory=dict)
    recorded: dict[str, tuple[date, Action]] = field(default_factory=dict)
    runs: list[tuple[date, Snapshot, Decision]] = field(default_factory=list)
    next_step_on: dict[int, date] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)
    contacted: dict[date, set[int]] = field(default_factory=lambda: defaultdict(set))
    pending: list[Event] = field(default_factory=list)
    """Ledger events not applied yet (see `simulate`)."""
    _ids: int = 0

    # --- the ledger -----------------------------------------------------------------------

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def client(self, id: int, country: str = "GB", kind: str = "business", **kw) -> ClientFacts:
        self.clients[id] = ClientFacts(id, country, kind, tz=kw.pop("tz", ZONES[country]), **kw)
        return self.clients[id]

    def invoice(self, id: int, client_id: int, due: date, balance="1000", currency="EUR", **kw):
        self.invoices[id] = InvoiceFacts(id, client_id, due, Decimal(balance), currency, **kw)
        self.changed.add(id)
        return self.invoices[id]

    def _client_invoices(self, client_id: int) -> list[int]:
        return [i for i, inv in self.invoices.items() if inv.client_id == client_id]

    def pay(self, invoice_id: int, amount=None) -> None:
        invoice = self.invoices[invoice_id]
        amount = invoice.balance if amount is None else min(Decimal(amount), invoice.balance)
        self.invoices[invoice_id] = replace(invoice, balance=invoice.balance - amount)
        self.changed.add(invoice_id)
        for plan in self.plans.values():
            if invoice_id in plan.invoice_ids:
                self.plans[plan.id] = replace(plan, paid=plan.paid + amount)
                self.changed.update(plan.invoice_ids)

    def dispute(self, invoice_id: int, on: date) -> int:
        id = self._next_id()
        self.disputes[id] = Dispute(id, invoice_id, opened_on=on)
        self.changed.add(invoice_id)
        self.respond(self.invoices[invoice_id].client_id, on)
        return id

    def resolve(self, dispute_id: int, on: date) -> None:
        dispute = self.disputes[dispute_id]
        self.disputes[dispute_id] = replace(dispute, resolved_on=on)
        self.changed.add(dispute.invoice_id)

    def promise(self, client_id: int, invoice_ids, on: date, until: date) -> int:
        id = self._next_id()
        self.promises[id] = Promise(id, client_id, tuple(invoice_ids), made_on=on, until=until)
        self.changed.update(invoice_ids)
        self.respond(client_id, on)
        return id

    def snooze(self, on: date, until: date, invoice_id=None, client_id=None) -> None:
        self.snoozes.append(Snooze(self._next_id(), on, until, invoice_id, client_id))
        if invoice_id is not None:
            self.changed.add(invoice_id)
        if client_id is not None:
            self.changed.update(self._client_invoices(client_id))

    def respond(self, client_id: int, on: date) -> None:
        self.clients[client_id] = replace(self.clients[client_id], last_response_on=on)

    def plan(self, client_id, invoice_ids, on: date, instalments, grace_days=7) -> int:
        id = self._next_id()
        self.plans[id] = Plan(
            id,
            client_id,
            tuple(invoice_ids),
            created_on=on,
            instalments=tuple(
                Instalment(n, due, Decimal(amount))
                for n, (due, amount) in enumerate(instalments, start=1)
            ),
            paid=Decimal(0),
            grace_days=grace_days,
        )
        self.changed.update(invoice_ids)
        return id

    # --- the state on a day ---------------------------------------------------------------

    def open_dispute(self, invoice_id: int, as_of: date) -> bool:
        return any(
            d.invoice_id == invoice_id
            and d.opened_on <= as_of
            and (d.resolved_on is None or d.resolved_on > as_of)
            for d in self.disputes.values()
        )

    def snoozed(self, invoice_id: int, as_of: date) -> bool:
        client_id = self.invoices[invoice_id].client_id
        return any(
            (s.invoice_id == invoice_id or s.client_id == client_id)
            and s.created_on <= as_of < s.until
            for s in self.snoozes
        )

    def promised(self, invoice_id: int, as_of: date) -> bool:
        """True while a promise covers the invoice and its check day has not come."""
        return any(
            invoice_id in p.invoice_ids
            and p.made_on <= as_of < promise_check_day(p, self.clients[p.client_id].country)
            for p in self.promises.values()
        )

    def in_plan(self, invoice_id: int, as_of: date) -> bool:
        """True while a plan covers the invoice and has not broken."""
        for plan in self.plans.values():
            breaks = plan.broken_on or plan_break_day(plan)
            if (
                invoice_id in plan.invoice_ids
                and plan.created_on <= as_of
                and (breaks is None or as_of < breaks)
            ):
                return True
        return False

    def overdue(self, as_of: date, contract: bool = False) -> frozenset[int]:
        return frozenset(
            (i.contract_id if contract else i.client_id)
            for i in self.invoices.values()
            if i.balance > 0 and i.due_date < as_of
        )

    # --- a run ----------------------------------------------------------------------------

    def run(self, as_of: date) -> Decision | None:
        """One run of the daily job; None when the caller refuses a date before the last run."""
        if self.runs and as_of < self.runs[-1][0]:
            return None
        if self.incremental:
            passed = [
                i
                for i in self.invoices.values()
                if i.id in self.changed or self.next_step_on.get(i.id, date.min) <= as_of
            ]
        else:
            passed = list(self.invoices.values())
        snapshot = Snapshot(
            clients=dict(self.clients),
            invoices=tuple(passed),
            promises=tuple(self.promises.values()),
            disputes=tuple(self.disputes.values()),
            snoozes=tuple(self.snoozes),
            plans=tuple(self.plans.values()),
            holds=tuple(self.holds.values()),
            work_stops=tuple(self.work_stops.values()),
            overdue_clients=self.overdue(as_of),
            overdue_contracts=self.overdue(as_of, contract=True) - {None},
            contacted_today=frozenset(self.contacted[as_of]),
            policies=dict(self.policies),
        )
        decision = decide(as_of, snapshot, self.policy)
        self._record(as_of, decision)
        self.runs.append((as_of, snapshot, decision))
        return decision

    def _record(self, as_of: date, decision: Decision) -> None:
        for action in decision.actions:
            if action.key in self.recorded:
                raise Refused(f"{as_of}: {action.key} recorded twice")
            self.recorded[action.key] = (as_of, action)
        for action in decision.actions:
            self._apply(as_of, action)
        self.next_step_on.update(decision.next_step_on)
        self.changed.clear()

    def _apply(self, as_of: date, action: Action) -> None:
        taken = action.status in (Status.PLANNED, Status.MERGED)
        match action.kind:
            case Kind.LADDER:
                invoice = self.invoices[action.subject_id]
                self.invoices[invoice.id] = replace(
                    invoice, taken={**invoice.taken, action.step: as_of}
                )
                held = {h.client_id for h in self.holds.values()}
                stopped = {h.contract_id for h in self.work_stops.values()}
                if taken and action.step == "credit_hold" and action.client_id not in held:
                    id = self._next_id()
                    self.holds[id] = Hold(id, action.client_id, as_of)
                contract = invoice.contract_id
                if taken and action.step == "work_stop" and contract not in stopped | {None}:
                    id = self._next_id()
                    self.work_stops[id] = Hold(id, action.client_id, as_of, contract)
            case Kind.INSTALMENT:
                plan = self.plans[action.subject_id]
                self.plans[plan.id] = replace(plan, taken=plan.taken | {action.key})
            case Kind.BROKEN_PROMISE:
                promise = self.promises[action.subject_id]
                self.promises[promise.id] = replace(promise, broken_recorded=True)
            case Kind.RESOLVE_DISPUTE:
                dispute = self.disputes[action.subject_id]
                self.disputes[dispute.id] = replace(dispute, task_recorded=True)
            case Kind.PLAN_BROKEN:
                plan = self.plans[action.subject_id]
                self.plans[plan.id] = replace(plan, broken_on=plan_break_day(plan))
            case Kind.HOLD_LIFTED:
                del self.holds[action.subject_id]
            case Kind.WORK_RESUMED:
                del self.work_stops[action.subject_id]
        # Clients sent a ladder message today; for a client with a daily cap, any contact.
        client = self.clients[action.client_id]
        capped = contact_rules(client.country, client.kind).max_contacts_per_day is not None
        if (
            action.status is Status.PLANNED
            and action.is_contact
            and (action.kind in (Kind.LADDER, Kind.INSTALMENT) or capped)
        ):
            self.contacted[as_of].add(action.client_id)

    # --- reading what happened ------------------------------------------------------------

    def actions(self, *statuses: Status) -> list[tuple[date, Action]]:
        """Every action recorded with one of `statuses` (any by default), with its run day."""
        statuses = statuses or tuple(Status)
        return [
            (day, action)
            for day, _snapshot, decision in self.runs
            for action in decision.actions
            if action.status in statuses
        ]


# --- random ledgers -----------------------------------------------------------------------

START = date(2026, 3, 2)
HORIZON = 120


@dataclass(frozen=True)
class Event:
    day: int
    what: str
    args: tuple


clients_strategy = st.lists(
    st.tuples(
        st.sampled_from(["TH", "IR", "VN", "GB", "US"]), st.sampled_from(["individual", "business"])
    ),
    min_size=1,
    max_size=3,
)


@st.composite
def ledgers(draw):
    clients = draw(clients_strategy)
    n_invoices = draw(st.integers(1, 5))
    invoices = [
        (
            draw(st.integers(0, len(clients) - 1)),
            draw(st.integers(-35, 30)),
            draw(st.sampled_from(["100", "250", "1000"])),
            draw(st.sampled_from(["EUR", "USD"])),
            draw(st.sampled_from([None, None, 1, 2])),
            draw(st.sampled_from([None, 20, 30, 35])),
        )
        for _ in range(n_invoices)
    ]
    day = st.integers(0, HORIZON)
    invoice = st.integers(0, n_invoices - 1)
    client = st.integers(0, len(clients) - 1)
    event = st.one_of(
        st.builds(lambda d, i, f: Event(d, "pay", (i, f)), day, invoice, st.sampled_from([1, 2])),
        st.builds(
            lambda d, i, n: Event(d, "dispute", (i, n)),
            day,
            invoice,
            st.one_of(st.none(), st.integers(1, 30)),
        ),
        st.builds(
            lambda d, i, k, mask: Event(d, "promise", (i, k, mask)),
            day,
            invoice,
            st.integers(0, 20),
            st.integers(0, 31),
        ),
        st.builds(
            lambda d, i, c, k: Event(d, "snooze", (i, c, k)),
            day,
            invoice,
            st.booleans(),
            st.integers(1, 20),
        ),
        st.builds(lambda d, c: Event(d, "respond", (c,)), day, client),
        st.builds(lambda d, c: Event(d, "settle", (c,)), st.integers(20, HORIZON), client),
        st.builds(
            lambda d, c, n, gap: Event(d, "plan", (c, n, gap)),
            day,
            client,
            st.integers(1, 3),
            st.integers(5, 20),
        ),
    )
    events = draw(st.lists(event, max_size=10))
    # Run dates: mostly forward, with gaps, repeats and reversals (refused by the caller).
    deltas = draw(
        st.lists(
            st.sampled_from([-3, -1, 0, 1, 1, 1, 1, 2, 3, 5, 10, 20]), min_size=25, max_size=60
        )
    )
    minimum = draw(st.sampled_from([(), (("USD", Decimal(200)),)]))
    return clients, invoices, events, deltas, minimum


def build(ledger, incremental: bool) -> Books:
    clients, invoices, _events, _deltas, minimum = ledger
    books = Books(policy=replace(STANDARD, minimum_balances=minimum), incremental=incremental)
    for id, (country, kind) in enumerate(clients):
        books.client(id, country, kind)
    for id, (client, due, balance, currency, contract, grace) in enumerate(invoices):
        books.invoice(
            id,
            client,
            START + timedelta(days=due),
            balance,
            currency,
            number=f"INV-{id}",
            contract_id=contract,
            work_stop_grace_days=grace if contract is not None else None,
        )
    return books


def apply(books: Books, event: Event, on: date) -> None:
    """Apply one ledger event, the same way on every `Books`."""
    match event.what:
        case "pay":
            invoice_id, fraction = event.args
            invoice = books.invoices[invoice_id]
            if invoice.balance > 0:
                books.pay(invoice_id, (invoice.balance / fraction).quantize(Decimal("0.01")))
        case "dispute":
            invoice_id, lasts = event.args
            dispute_id = books.dispute(invoice_id, on)
            if lasts is not None:
                books.pending.append(Event(event.day + lasts, "resolve", (dispute_id,)))
        case "resolve":
            books.resolve(event.args[0], on)
        case "promise":
            # The invoice and, by the mask's bits, others of its client.
            invoice_id, days, mask = event.args
            client_id = books.invoices[invoice_id].client_id
            ids = [
                i
                for n, i in enumerate(books._client_invoices(client_id))
                if (i == invoice_id or mask >> n & 1) and books.invoices[i].balance > 0
            ]
            if ids:
                books.promise(client_id, ids, on, on + timedelta(days=days))
        case "snooze":
            invoice_id, whole_client, days = event.args
            if whole_client:
                client_id = books.invoices[invoice_id].client_id
                books.snooze(on, on + timedelta(days=days), client_id=client_id)
            else:
                books.snooze(on, on + timedelta(days=days), invoice_id=invoice_id)
        case "respond":
            books.respond(event.args[0], on)
        case "settle":
            for invoice_id in books._client_invoices(event.args[0]):
                if books.invoices[invoice_id].balance > 0:
                    books.pay(invoice_id)
        case "plan":
            client_id, count, gap = event.args
            planned = {i for p in books.plans.values() for i in p.invoice_ids}
            ids = [
                i
                for i in books._client_invoices(client_id)
                if i not in planned and books.invoices[i].balance > 0
            ]
            if ids:
                total = sum(books.invoices[i].balance for i in ids)
                share = (total / count).quantize(Decimal("0.01"))
                amounts = [share] * (count - 1) + [total - share * (count - 1)]
                dues = [on + timedelta(days=gap * (n + 1)) for n in range(count)]
                books.plan(client_id, ids, on, list(zip(dues, amounts, strict=True)))


def simulate(ledger, incremental: bool) -> Books:
    _clients, _invoices, events, deltas, _minimum = ledger
    books = build(ledger, incremental)
    books.pending = list(events)
    offset = 0
    for delta in deltas:
        offset = max(0, offset + delta)
        day = START + timedelta(days=offset)
        if books.runs and day < books.runs[-1][0]:
            assert books.run(day) is None  # refused
            continue
        # What happened up to this day happens before the run (a resolution included).
        while due := [e for e in books.pending if e.day <= offset]:
            event = min(due, key=lambda e: e.day)
            books.pending.remove(event)
            apply(books, event, START + timedelta(days=event.day))
        books.run(day)
    return books


# The whole file runs in well under 30 s: the key property gets the most examples.
KEY = settings(max_examples=150, deadline=None)
FAST = settings(max_examples=80, deadline=None)


def step_order(policy: Policy, invoice: InvoiceFacts) -> dict[str, tuple[int, int]]:
    """Each step's place on the invoice's ladder: its day (the contract's grace days for a
    work stop), then its rank."""
    order = {}
    for rank, step in enumerate(policy.steps):
        offset = step.offset_days
        if Condition.WORK_STOP_CLAUSE in step.conditions:
            offset = invoice.work_stop_grace_days
        order[step.code] = (offset, rank)
    return order


# --- the properties -----------------------------------------------------------------------


@KEY
@given(ledger=ledgers())
@example(  # a plan whose invoice is disputed: its next look is when the dispute ends
    ledger=(
        [("TH", "individual")],
        [(0, 0, "100", "EUR", None, None)] * 2,
        [Event(1, "dispute", (0, None)), Event(0, "plan", (0, 1, 5))],
        [0, 1],
        (),
    )
)
@example(  # a re-run the day a Thai individual's broken promise took the day's contact
    ledger=(
        [("TH", "individual")],
        [(0, 0, "1000", "EUR", None, None), (0, 3, "1000", "EUR", None, None)],
        [Event(1, "promise", (0, 2, 0))],
        [1, 1, 1, 1, 0],
        (),
    )
)
def test_incremental_runs_record_exactly_what_full_runs_record(ledger):
    full = simulate(ledger, incremental=False)
    incremental = simulate(ledger, incremental=True)
    assert [r[0] for r in incremental.runs] == [r[0] for r in full.runs]
    for (day, _, by_all), (_, snapshot, by_due) in zip(full.runs, incremental.runs, strict=True):
        assert by_due.actions == by_all.actions, day
        passed = {i.id for i in snapshot.invoices}
        assert set(by_due.next_step_on) == passed
        for invoice_id, next_on in by_due.next_step_on.items():
            assert next_on == by_all.next_step_on[invoice_id], (day, invoice_id)
    assert full.recorded == incremental.recorded


@FAST
@given(ledger=ledgers())
def test_no_step_is_ever_recorded_twice_and_the_ladder_never_goes_backwards(ledger):
    books = simulate(ledger, incremental=True)  # `Refused` if a key came back
    seen: dict[int, tuple[int, int]] = {}
    for _day, _snapshot, decision in books.runs:
        reached = dict(seen)
        for action in decision.actions:
            if action.kind is not Kind.LADDER:
                continue
            invoice = books.invoices[action.subject_id]
            place = step_order(books.policy, invoice)[action.step]
            assert place > seen.get(invoice.id, (-1000, -1)), (invoice.id, action.step)
            reached[invoice.id] = max(reached.get(invoice.id, place), place)
        seen = reached
    keys = [a.key for _, a in books.actions()]
    assert len(keys) == len(set(keys))


@FAST
@given(ledger=ledgers())
def test_nothing_reaches_paid_disputed_snoozed_or_promised_invoices(ledger):
    books = simulate(ledger, incremental=True)
    for day, snapshot, decision in books.runs:
        invoices = {i.id: i for i in snapshot.invoices}
        for action in decision.actions:
            if action.status not in (Status.PLANNED, Status.MERGED):
                continue
            if action.kind is Kind.RESOLVE_DISPUTE:
                continue
            for line in action.lines:
                invoice = invoices[line.invoice_id]
                assert invoice.balance > 0, (day, action.key)
                assert line.balance == invoice.balance
                assert line.days_overdue == (day - invoice.due_date).days
                assert not books.open_dispute(invoice.id, day), (day, action.key)
                assert not books.snoozed(invoice.id, day), (day, action.key)
                assert not books.promised(invoice.id, day), (day, action.key)
                if action.kind is Kind.LADDER:
                    # Not below the minimum, and not while a plan replaces the ladder.
                    assert invoice.balance >= books.policy.minimum_for(invoice.currency)
                    assert not books.in_plan(invoice.id, day), (day, action.key)


@FAST
@given(ledger=ledgers())
def test_one_ladder_message_per_client_per_day_on_allowed_days_only(ledger):
    books = simulate(ledger, incremental=True)
    sent: dict[tuple[int, date], list[str]] = defaultdict(list)
    for day, action in books.actions(Status.PLANNED):
        client = books.clients[action.client_id]
        if action.is_contact:
            # On an allowed day for the client, at the start of that day's window, their time.
            window = contact_rules(client.country, client.kind).window_on(day, client.country)
            assert window is not None, (day, action.key)
            assert action.scheduled_for.date() == day, action.key
            assert action.scheduled_for.time() == window.start
            assert str(action.scheduled_for.tzinfo) == client.tz
        if action.is_contact and action.kind in (Kind.LADDER, Kind.INSTALMENT):
            sent[action.client_id, day].append(action.key)
    for (client_id, day), keys in sent.items():
        assert len(keys) == 1, (client_id, day, keys)


@FAST
@given(ledger=ledgers())
def test_catch_up_never_sends_a_burst_of_stale_steps(ledger):
    books = simulate(ledger, incremental=True)
    for _day, _snapshot, decision in books.runs:
        fired: dict[int, set[str]] = defaultdict(set)
        for action in decision.actions:
            if action.kind is Kind.LADDER and action.status is not Status.SKIPPED:
                fired[action.subject_id].add(action.step)
        for invoice_id, steps in fired.items():
            invoice = books.invoices[invoice_id]
            order = step_order(books.policy, invoice)
            days = {order[s][0] for s in steps}
            # Only steps of one ladder day fire together (e.g. credit hold and work stop).
            assert len(days) == 1, (invoice_id, steps)


def test_the_comparison_catches_a_caller_that_forgets_a_changed_invoice():
    # A guard on the key property: an incremental caller that did not pass the invoice
    # disputed on day 12 would create the dispute task only on day 14, its next step day.
    ledger = ([("GB", "business")], [(0, 0, "1000", "EUR", None, None)], [], [1] * 20, ())
    full, forgetful = build(ledger, incremental=False), build(ledger, incremental=True)
    for n in range(1, 21):
        day = START + timedelta(days=n)
        if n == 12:
            full.dispute(0, day)
            forgetful.dispute(0, day)
            forgetful.changed.clear()
        full.run(day)
        forgetful.run(day)
    assert full.recorded["dispute:1:resolve"][0] == START + timedelta(days=12)
    assert forgetful.recorded["dispute:1:resolve"][0] == START + timedelta(days=14)


@FAST
@given(ledger=ledgers())
def test_a_thai_individual_gets_at_most_one_contact_a_day(ledger):
    books = simulate(ledger, incremental=True)
    contacts: dict[tuple[int, date], list[str]] = defaultdict(list)
    for day, action in books.actions(Status.PLANNED):
        client = books.clients[action.client_id]
        if action.is_contact and (client.country, client.kind) == ("TH", "individual"):
            contacts[action.client_id, day].append(action.key)
    for (client_id, day), keys in contacts.items():
        assert len(keys) == 1, (client_id, day, keys)
