"""What an edit of a policy changes, as data: the summary the Policies page shows."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from owed.core.ladder import STANDARD, Channel, Condition, Recipient, Step
from owed.core.ladder_changes import Change, Kind, ladder_changes


def steps_with(**changed: Step) -> tuple[Step, ...]:
    return tuple(changed.get(s.code, s) for s in STANDARD.steps)


def test_an_unchanged_policy_changes_nothing():
    assert ladder_changes(STANDARD, replace(STANDARD)) == []


def test_a_retimed_step_and_a_new_minimum():
    call = STANDARD.step("call")
    after = replace(
        STANDARD,
        steps=steps_with(call=replace(call, offset_days=12)),
        minimum_balances=(("USD", Decimal(50)),),
    )
    assert ladder_changes(STANDARD, after) == [
        Change(Kind.RETIMED, "call", 10, 12),
        Change(Kind.MINIMUM, "USD", None, Decimal(50)),
    ]


def test_channels_recipient_conditions_and_attachments():
    reminder = STANDARD.step("reminder")
    edited = replace(
        reminder,
        channels=(Channel.EMAIL, Channel.LETTER),
        recipient=Recipient.BILLING,
        conditions=(Condition.NO_RESPONSE,),
        attach_invoice=True,
    )
    kinds = [
        c.kind
        for c in ladder_changes(STANDARD, replace(STANDARD, steps=steps_with(reminder=edited)))
    ]
    assert kinds == [Kind.CHANNELS, Kind.RECIPIENT, Kind.CONDITIONS, Kind.ATTACHMENTS]


def test_added_dropped_and_renamed():
    steps = [s for s in STANDARD.steps if s.code != "legal"]
    steps.insert(4, Step("courtesy_call", 12, (Channel.TASK,)))
    after = replace(STANDARD, name="gentle", steps=tuple(steps))
    assert ladder_changes(STANDARD, after) == [
        Change(Kind.RENAMED, None, "standard", "gentle"),
        Change(Kind.ADDED, "courtesy_call", None, 12),
        Change(Kind.DROPPED, "legal", 120, None),
    ]


def test_a_swap_names_the_step_that_rose_only():
    steps = list(STANDARD.steps)
    hold, stop = steps.index(STANDARD.step("credit_hold")), steps.index(STANDARD.step("work_stop"))
    steps[hold], steps[stop] = steps[stop], steps[hold]
    assert ladder_changes(STANDARD, replace(STANDARD, steps=tuple(steps))) == [
        Change(Kind.REORDERED, "work_stop", None, "formal_notice")
    ]


def test_a_step_moved_to_the_top_comes_first():
    steps = list(STANDARD.steps)
    steps.insert(0, steps.pop(3))
    assert ladder_changes(STANDARD, replace(STANDARD, steps=tuple(steps))) == [
        Change(Kind.REORDERED, "call", None, None)
    ]
