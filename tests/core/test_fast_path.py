"""The fast path decides exactly what `decide` decides.

`decide_fast` decides the plain clients (nothing but the ladder concerns them) with its own
lean code and hands the others to `decide`. These properties compare the two on random
ledgers and run dates (the same simulation as test_decide_properties.py: promises,
disputes, snoozes, plans, payments, replies, gaps and repeats between runs), and on the
same snapshots varied further: other policies per client (retimed, reordered, dropped or
added steps; unknown names), clients missing or with an unknown time zone, clients already
contacted today, holds and work stops. Equal means the same actions in the same order
(their moments in the same zone), the same problems and the same next looks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from owed.core.decide import Decision, Hold, Snapshot, decide
from owed.core.fastpath import _split, decide_fast
from owed.core.ladder import STANDARD, Channel, Condition, Policy, Step
from tests.core.test_decide_properties import Event, ledgers, simulate


def assert_same(day: date, snapshot: Snapshot, policy: Policy) -> Decision:
    expected = decide(day, snapshot, policy)
    assert_equal(decide_fast(day, snapshot, policy), expected)
    return expected


def assert_equal(got: Decision, expected: Decision) -> None:
    assert got.actions == expected.actions
    # Equal moments in the same zone, not only the same instant.
    assert [str(a.scheduled_for.tzinfo) for a in got.actions] == [
        str(a.scheduled_for.tzinfo) for a in expected.actions
    ]
    assert got.problems == expected.problems
    assert dict(got.next_step_on) == dict(expected.next_step_on)


# --- the simulated ledgers, as the daily job sees them -----------------------------------


@settings(max_examples=150, deadline=None)
@given(ledger=ledgers(), incremental=st.booleans())
@example(  # two invoices of one client due the same day: one message, the other merged
    ledger=(
        [("GB", "business")],
        [(0, -10, "100", "EUR", None, None), (0, -10, "250", "EUR", 1, 30)],
        [],
        [1, 5, 10, 20],
        (),
    ),
    incremental=True,
)
@example(  # a Thai individual on a weekend, with a reply before the credit hold
    ledger=(
        [("TH", "individual")],
        [(0, -40, "1000", "EUR", 2, 35)],
        [Event(2, "respond", (0,))],
        [5, 1, 1, 20],
        (),
    ),
    incremental=False,
)
def test_the_fast_path_decides_every_run_exactly_as_decide(ledger, incremental):
    books = simulate(ledger, incremental=incremental)
    for day, snapshot, _decision in books.runs:
        assert_same(day, snapshot, books.policy)


# --- the same snapshots, varied -----------------------------------------------------------


def retimed(policy: Policy, draw) -> Policy:
    """A policy with steps retimed, dropped, reordered or added, as users edit them."""
    steps = list(policy.steps)
    if draw(st.booleans()):
        steps = [s for s in steps if draw(st.integers(0, 4)) != 0] or steps[:1]
    steps = [
        replace(s, offset_days=s.offset_days + draw(st.sampled_from([0, 0, 1, -1, 5])))
        for s in steps
    ]
    if draw(st.booleans()) and len(steps) > 1:
        i = draw(st.integers(0, len(steps) - 2))
        steps[i], steps[i + 1] = steps[i + 1], steps[i]
    if draw(st.booleans()):
        steps.append(
            Step(
                draw(st.sampled_from(["extra_call", "reminder", "last_word"])),
                draw(st.integers(-5, 60)),
                draw(st.sampled_from([(Channel.TASK,), (Channel.EMAIL,), (Channel.LETTER,)])),
                conditions=draw(
                    st.sampled_from([(), (Condition.NO_RESPONSE,), (Condition.WORK_STOP_CLAUSE,)])
                ),
            )
        )
    minimum = draw(st.sampled_from([(), (("EUR", Decimal(150)),), (("USD", Decimal(999)),)]))
    name = draw(st.sampled_from(["house", "soft", "hard"]))
    return Policy(name=name, steps=tuple(steps), minimum_balances=minimum)


@st.composite
def varied(draw):
    """A simulated ledger's run, and variations of its snapshot."""
    ledger = draw(ledgers())
    books = simulate(ledger, incremental=draw(st.booleans()))
    day, snapshot, _ = draw(st.sampled_from(books.runs))
    policies = {}
    for _ in range(draw(st.integers(0, 2))):
        other = retimed(STANDARD, draw)
        policies[other.name] = other
    names = [None, "standard", *policies, "unknown"]
    clients = {}
    for client_id, client in snapshot.clients.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # missing from the snapshot
        client = replace(client, policy=draw(st.sampled_from(names)))
        if draw(st.integers(0, 9)) == 0:
            client = replace(client, tz=draw(st.sampled_from(["Mars/Olympus", "", "UTC"])))
        if draw(st.booleans()):
            client = replace(
                client, last_response_on=day - timedelta(days=draw(st.integers(0, 60)))
            )
        clients[client_id] = client
    ids = sorted(snapshot.clients)
    contacted = draw(st.sets(st.sampled_from(ids))) if ids else set()
    counted = {c: draw(st.integers(0, 2)) for c in draw(st.sets(st.sampled_from(ids)))}
    holds = tuple(
        Hold(100 + n, client_id, day - timedelta(days=3))
        for n, client_id in enumerate(draw(st.sets(st.sampled_from(ids), max_size=2)))
    )
    stops = tuple(
        Hold(200 + n, client_id, day - timedelta(days=3), contract_id=n + 1)
        for n, client_id in enumerate(draw(st.sets(st.sampled_from(ids), max_size=1)))
    )
    snapshot = replace(
        snapshot,
        clients=clients,
        policies=policies,
        contacted_today=frozenset(contacted),
        contacts_today=counted,
        holds=holds,
        work_stops=stops,
        overdue_clients=frozenset(draw(st.sets(st.sampled_from(ids)))) if ids else frozenset(),
    )
    default = draw(st.sampled_from([books.policy, retimed(books.policy, draw)]))
    return day, snapshot, default


@settings(max_examples=200, deadline=None)
@given(case=varied())
def test_the_fast_path_decides_varied_snapshots_exactly_as_decide(case):
    day, snapshot, policy = case
    assert_same(day, snapshot, policy)


# --- the guard can fail --------------------------------------------------------------------


def test_most_invoices_of_a_plain_ledger_take_the_fast_path():
    ledger = (
        [("GB", "business"), ("VN", "business"), ("TH", "individual")],
        [(n % 3, -n, "1000", "EUR", None, None) for n in range(5)],
        [Event(0, "promise", (0, 10, 0))],
        [30],
        (),
    )
    books = simulate(ledger, incremental=False)
    day, snapshot, _ = books.runs[0]
    plain, rest = _split(snapshot, books.policy)
    # The promised invoice's client goes to `decide`; the other clients take the fast path.
    assert {i.client_id for i in rest} == {0}
    assert {i.client_id for i in plain} == {1, 2}
    decision = assert_same(day, snapshot, books.policy)
    assert any(a.client_id in (1, 2) for a in decision.actions)


def test_the_comparison_catches_the_same_instant_in_another_zone():
    ledger = ([("GB", "business")], [(0, -30, "1000", "EUR", None, None)], [], [0], ())
    books = simulate(ledger, incremental=False)
    day, snapshot, decision = books.runs[0]
    assert_equal(decide_fast(day, snapshot, books.policy), decision)
    first = decision.actions[0]
    elsewhere = replace(first, scheduled_for=first.scheduled_for.astimezone(UTC))
    assert elsewhere == first  # datetimes compare instants
    shifted = replace(decision, actions=(elsewhere, *decision.actions[1:]))
    with pytest.raises(AssertionError):
        assert_equal(shifted, decision)
    later = decide_fast(day + timedelta(days=1), snapshot, books.policy)
    with pytest.raises(AssertionError):
        assert_equal(later, decision)
