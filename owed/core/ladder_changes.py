"""What an edit of a policy changes: steps added, dropped, retimed or reordered, their
channels, recipient, conditions and attachments, and the minimum balances.

A pure comparison of two `owed.core.ladder.Policy` values, for the summary shown before
and after a policy is saved. The changes come as data (`Change`); saying them in the
user's language is the caller's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from owed.core.ladder import Policy, Step


class Kind(enum.StrEnum):
    RENAMED = "renamed"
    ADDED = "added"
    DROPPED = "dropped"
    RETIMED = "retimed"
    """The step's day moved: `before` and `after` are the offsets in days."""
    CHANNELS = "channels"
    RECIPIENT = "recipient"
    CONDITIONS = "conditions"
    ATTACHMENTS = "attachments"
    REORDERED = "reordered"
    """The step moved among the steps both policies have: `after` is the step now just
    above it (None: it comes first)."""
    MINIMUM = "minimum"
    """A currency's minimum balance: `before`/`after` are amounts, None when there is none."""


@dataclass(frozen=True, slots=True)
class Change:
    kind: Kind
    step: str | None = None
    """The step's code (the currency for a minimum balance)."""
    before: object = None
    after: object = None


def _attachments(step: Step) -> tuple[str, ...]:
    found = []
    if step.attach_invoice:
        found.append("invoice")
    if step.attach_contract:
        found.append("contract")
    return tuple(found)


def ladder_changes(before: Policy, after: Policy) -> list[Change]:
    """What `after` changes from `before`, in ladder order; empty when nothing does."""
    changes: list[Change] = []
    if before.name != after.name:
        changes.append(Change(Kind.RENAMED, None, before.name, after.name))
    old = {s.code: s for s in before.steps}
    new = {s.code: s for s in after.steps}
    for step in after.steps:
        if step.code not in old:
            changes.append(Change(Kind.ADDED, step.code, None, step.offset_days))
            continue
        was = old[step.code]
        if was.offset_days != step.offset_days:
            changes.append(Change(Kind.RETIMED, step.code, was.offset_days, step.offset_days))
        if was.channels != step.channels:
            changes.append(
                Change(
                    Kind.CHANNELS,
                    step.code,
                    tuple(c.value for c in was.channels),
                    tuple(c.value for c in step.channels),
                )
            )
        if was.recipient != step.recipient:
            changes.append(
                Change(Kind.RECIPIENT, step.code, was.recipient.value, step.recipient.value)
            )
        if set(was.conditions) != set(step.conditions):
            changes.append(
                Change(
                    Kind.CONDITIONS,
                    step.code,
                    tuple(c.value for c in was.conditions),
                    tuple(c.value for c in step.conditions),
                )
            )
        if _attachments(was) != _attachments(step):
            changes.append(
                Change(Kind.ATTACHMENTS, step.code, _attachments(was), _attachments(step))
            )
    for step in before.steps:
        if step.code not in new:
            changes.append(Change(Kind.DROPPED, step.code, step.offset_days, None))
    kept_before = [s.code for s in before.steps if s.code in new]
    kept_after = [s.code for s in after.steps if s.code in old]
    stayed = _longest_common(kept_before, kept_after)
    for index, code in enumerate(kept_after):
        if code not in stayed:
            above = kept_after[index - 1] if index else None
            changes.append(Change(Kind.REORDERED, code, None, above))
    old_minimums: dict[str, Decimal] = dict(before.minimum_balances)
    new_minimums: dict[str, Decimal] = dict(after.minimum_balances)
    for currency in sorted(set(old_minimums) | set(new_minimums)):
        was_amount, amount = old_minimums.get(currency), new_minimums.get(currency)
        if was_amount != amount:
            changes.append(Change(Kind.MINIMUM, currency, was_amount, amount))
    return changes


def _longest_common(a: list[str], b: list[str]) -> set[str]:
    """The codes of a longest common subsequence of `a` and `b`: the steps that kept their
    order; the others are the ones that moved."""
    lengths = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lengths[i][j] = (
                lengths[i + 1][j + 1] + 1
                if a[i] == b[j]
                else max(lengths[i + 1][j], lengths[i][j + 1])
            )
    found: set[str] = set()
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            found.add(a[i])
            i, j = i + 1, j + 1
        elif lengths[i][j + 1] >= lengths[i + 1][j]:
            j += 1  # on a tie the step that rose is the one said to have moved
        else:
            i += 1
    return found
