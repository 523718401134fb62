from dataclasses import replace
from datetime import date
from decimal import Decimal

from owed.core.ladder import STANDARD, Channel, Policy, Recipient, Step, check_policy, reached_steps

DUE = date(2026, 11, 2)


def codes(steps):
    return [s.code for s in steps]


def test_the_standard_policy_follows_the_playbook_in_order():
    assert codes(STANDARD.steps) == [
        "pre_due_reminder",
        "reminder",
        "invoice_copy",
        "call",
        "payer_contact",
        "formal_notice",
        "credit_hold",
        "work_stop",
        "demand_letter",
        "agency_handoff",
        "legal",
    ]
    assert check_policy(STANDARD) == []
    assert STANDARD.step("payer_contact").recipient is Recipient.BILLING
    assert STANDARD.step("formal_notice").channels == (Channel.EMAIL, Channel.LETTER)
    assert STANDARD.rank("legal") > STANDARD.rank("demand_letter")


def test_three_days_before_the_due_date_only_the_pre_due_reminder_is_reached():
    assert codes(reached_steps(STANDARD, due_date=DUE, as_of=date(2026, 10, 30))) == [
        "pre_due_reminder"
    ]
    assert reached_steps(STANDARD, due_date=DUE, as_of=date(2026, 10, 29)) == []


def test_the_day_after_the_due_date_the_polite_reminder_is_reached():
    assert codes(reached_steps(STANDARD, due_date=DUE, as_of=date(2026, 11, 3)))[-1] == "reminder"


def test_work_stop_follows_the_contracts_grace_days_and_needs_a_clause():
    without_clause = reached_steps(STANDARD, due_date=DUE, as_of=date(2026, 12, 31))
    assert "work_stop" not in codes(without_clause)
    with_clause = reached_steps(
        STANDARD, due_date=DUE, as_of=date(2026, 11, 17), work_stop_grace_days=15
    )
    assert codes(with_clause)[-1] == "work_stop"


def test_a_policy_with_a_step_due_before_the_one_above_it_is_refused():
    broken = Policy(
        "mine",
        (Step("reminder", 5, (Channel.EMAIL,)), Step("call", 3, (Channel.TASK,))),
    )
    [problem] = check_policy(broken)
    assert problem.step == "call"
    assert "cannot be due earlier" in problem.message


def test_a_policy_with_twice_the_same_step_or_no_channel_is_refused():
    step = Step("reminder", 1, (Channel.EMAIL,))
    problems = check_policy(Policy("p", (step, replace(step, offset_days=2, channels=()))))
    messages = [p.message for p in problems]
    assert "step reminder appears twice" in messages
    assert "step reminder has no channel" in messages
    assert check_policy(Policy("empty", ()))[0].message == "a policy needs at least one step"
    assert check_policy(replace(STANDARD, minimum_balances=(("USD", Decimal(-1)),)))


def test_users_can_drop_and_retime_steps():
    gentle = Policy(
        "gentle",
        tuple(
            replace(s, offset_days=s.offset_days * 2) for s in STANDARD.steps if s.code != "call"
        ),
    )
    assert check_policy(gentle) == []
    reached = reached_steps(gentle, due_date=DUE, as_of=date(2026, 11, 22))
    assert codes(reached) == ["pre_due_reminder", "reminder", "invoice_copy"]
