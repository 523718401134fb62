"""The escalation ladder: policies, their steps, and which steps an invoice has reached.

A policy is an ordered list of steps, each measured in calendar days from the due date
(negative before it). The "standard" policy follows the playbook (PLAYBOOK.md sections
1-2): a reminder before the due date, then polite reminder, invoice copy, call, payer
contact, formal notice, credit hold, work stop, demand letter, agency hand-off and legal.
Users may add, drop, reorder and retime steps; `check_policy` says what is wrong with an
edited policy, as data, before it is saved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal


class Channel(enum.StrEnum):
    EMAIL = "email"
    LETTER = "letter"
    TASK = "task"


class Condition(enum.StrEnum):
    """A rule a step needs besides its date."""

    NO_RESPONSE = "no_response"
    """The client has not responded since the first reminder (credit hold, L8)."""
    WORK_STOP_CLAUSE = "work_stop_clause"
    """The invoice's contract has a work-stop clause; the step's offset is its grace days."""


class Recipient(enum.StrEnum):
    MAIN = "main"
    BILLING = "billing"


@dataclass(frozen=True, slots=True)
class Step:
    code: str
    offset_days: int
    """Calendar days from the due date; for a work-stop step, the default when the
    contract gives no grace days."""
    channels: tuple[Channel, ...]
    recipient: Recipient = Recipient.MAIN
    conditions: tuple[Condition, ...] = ()
    attach_invoice: bool = False
    attach_contract: bool = False

    def date_for(self, due_date: date, *, work_stop_grace_days: int | None = None) -> date:
        """The day this step is due for an invoice due on `due_date`."""
        offset = self.offset_days
        if Condition.WORK_STOP_CLAUSE in self.conditions and work_stop_grace_days is not None:
            offset = work_stop_grace_days
        return due_date + timedelta(days=offset)


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    steps: tuple[Step, ...]
    minimum_balances: tuple[tuple[str, Decimal], ...] = ()
    """(currency, amount) pairs: an invoice whose balance is below the amount for its
    currency is not chased. A currency not listed has no minimum."""
    codes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", frozenset(s.code for s in self.steps))

    def minimum_for(self, currency: str) -> Decimal:
        for code, amount in self.minimum_balances:
            if code == currency:
                return amount
        return Decimal(0)

    def step(self, code: str) -> Step:
        for step in self.steps:
            if step.code == code:
                return step
        raise KeyError(code)

    def rank(self, code: str) -> int:
        """The step's position on the ladder: a higher rank is a more advanced step."""
        for index, step in enumerate(self.steps):
            if step.code == code:
                return index
        raise KeyError(code)


E, L, T = Channel.EMAIL, Channel.LETTER, Channel.TASK

STANDARD = Policy(
    name="standard",
    steps=(
        Step("pre_due_reminder", -3, (E,)),
        Step("reminder", 1, (E,)),
        Step("invoice_copy", 7, (E,), attach_invoice=True),
        Step("call", 10, (T,)),
        Step("payer_contact", 14, (E,), recipient=Recipient.BILLING),
        Step("formal_notice", 21, (E, L)),
        Step("credit_hold", 30, (L,), conditions=(Condition.NO_RESPONSE,)),
        Step("work_stop", 30, (L,), conditions=(Condition.WORK_STOP_CLAUSE,)),
        Step("demand_letter", 45, (L,), attach_contract=True),
        Step("agency_handoff", 90, (T,)),
        Step("legal", 120, (T,)),
    ),
)


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    step: str | None
    message: str


def check_policy(policy: Policy) -> list[PolicyProblem]:
    """What is wrong with a policy, as data; an empty list means it can be saved."""
    problems: list[PolicyProblem] = []
    if not policy.steps:
        problems.append(PolicyProblem(None, "a policy needs at least one step"))
    seen: set[str] = set()
    previous: Step | None = None
    for step in policy.steps:
        if not step.code or not step.code.replace("_", "").isalnum():
            problems.append(PolicyProblem(step.code, "a step code is letters, digits and _"))
        if step.code in seen:
            problems.append(PolicyProblem(step.code, f"step {step.code} appears twice"))
        seen.add(step.code)
        if not step.channels:
            problems.append(PolicyProblem(step.code, f"step {step.code} has no channel"))
        if (
            previous is not None
            and step.offset_days < previous.offset_days
            and Condition.WORK_STOP_CLAUSE not in step.conditions
        ):
            problems.append(
                PolicyProblem(
                    step.code,
                    f"step {step.code} (day {step.offset_days}) comes after "
                    f"{previous.code} (day {previous.offset_days}): a later step cannot be "
                    "due earlier",
                )
            )
        if Condition.WORK_STOP_CLAUSE not in step.conditions:
            previous = step
    currencies = [currency for currency, _ in policy.minimum_balances]
    for currency, amount in policy.minimum_balances:
        if amount < 0:
            problems.append(
                PolicyProblem(None, f"the minimum balance for {currency} cannot be negative")
            )
        if currencies.count(currency) > 1:
            problems.append(PolicyProblem(None, f"two minimum balances for {currency}"))
            currencies = [c for c in currencies if c != currency]
    return problems


def reached_steps(
    policy: Policy, *, due_date: date, as_of: date, work_stop_grace_days: int | None = None
) -> list[Step]:
    """The steps whose date has come by `as_of`, in ladder order.

    Conditions other than dates (a work-stop clause, no response) are the caller's to
    apply: a work-stop step is left out when the contract has no work-stop clause
    (`work_stop_grace_days` is None).
    """
    reached = []
    for step in policy.steps:
        if Condition.WORK_STOP_CLAUSE in step.conditions and work_stop_grace_days is None:
            continue
        if step.date_for(due_date, work_stop_grace_days=work_stop_grace_days) <= as_of:
            reached.append(step)
    return reached
