"""The demo's collections history: a month of daily runs, with calls, promises, a dispute,
a payment plan and a snooze recorded along the way, then today's run.

The runs go through the same services as a user's (`collections_run`, `call_log`,
`promise_record`...), so the demo shows the engine as it behaves, not a picture of it.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from owed.core.calls import Reason
from owed.dunning import services
from owed.dunning.models import (
    Action,
    Dispute,
    Hold,
    Interaction,
    Plan,
    Policy,
    Promise,
    Run,
    Snooze,
    WorkStop,
)
from owed.dunning.presenters import day_rows, step_order
from owed.dunning.run import collections_run
from owed.ledger.models import Organization

HISTORY_DAYS = 30
_REASONS = [Reason.FORGOT, Reason.INVOICE_LOST, Reason.CASH_FLOW, Reason.OTHER, Reason.FORGOT]


def delete_collections(org: Organization) -> None:
    """Delete the organization's collections records, set-based."""
    for model in (Interaction, Action, Run, Promise, Plan, Dispute, Snooze, Hold, WorkStop, Policy):
        model.objects.filter(organization=org).delete()


def simulate(
    org: Organization,
    *,
    today: date,
    rng: random.Random,
    history: bool = True,
    quiet: frozenset[str] | set[str] = frozenset(),
) -> dict:
    """Run the collections every day of the last month (with `history`) and today; return
    today's work.

    The clients in `quiet` (client ids) get no promise, dispute, plan, snooze or reply and
    their calls are not logged: nothing pauses or moves their ladders, so the steps the
    generator planned for today happen today."""
    start = today - timedelta(days=HISTORY_DAYS if history else 0)
    events = {
        start + timedelta(days=4): _promise,
        start + timedelta(days=9): _dispute,
        start + timedelta(days=12): _plan,
        start + timedelta(days=16): _snooze,
        start + timedelta(days=20): _reply,
    }
    day = start
    while day < today:
        collections_run(organization=org, as_of=day)
        _answer_calls(org, day, rng, quiet)
        if day in events:
            events[day](org, day, rng, quiet)
        day += timedelta(days=1)
    collections_run(organization=org, as_of=today)
    return summary(org, today)


def summary(org: Organization, today: date) -> dict:
    """Today's actions by step: how many planned, merged and skipped, and for whom."""
    rows = day_rows(organization=org, as_of=today)
    by_step: dict[str, Counter] = {}
    clients: dict[str, set[str]] = {}
    for row in rows:
        by_step.setdefault(row["step"], Counter())[row["status"]] += 1
        if row["status"] == "planned":
            clients.setdefault(row["step"], set()).add(row["client_name"])
    steps = sorted(by_step, key=step_order)
    return {
        "date": today.isoformat(),
        "actions": len(rows),
        "by_step": [
            {
                "step": step,
                "planned": by_step[step]["planned"],
                "merged": by_step[step]["merged"],
                "skipped": by_step[step]["skipped"],
                "clients": sorted(clients.get(step, ())),
            }
            for step in steps
        ],
    }


def _overdue_clients(org: Organization, day: date, quiet: frozenset[str] | set[str]) -> list:
    """(client, its overdue invoices) for every client with any but those in `quiet`, by
    client id; set-based."""
    from owed.ledger.models import Invoice
    from owed.ledger.selectors import annotate_balance

    overdue = (
        annotate_balance(
            Invoice.objects.filter(organization=org, written_off_on=None, due_date__lt=day)
        )
        .filter(balance__gt=0)
        .exclude(client__code__in=quiet)
        .select_related("client")
        .order_by("client__code", "due_date", "number")
    )
    found: dict[int, tuple] = {}
    for invoice in overdue:
        found.setdefault(invoice.client_id, (invoice.client, []))[1].append(invoice)
    return list(found.values())


def _answer_calls(
    org: Organization, day: date, rng: random.Random, quiet: frozenset[str] | set[str]
) -> None:
    """The studio makes most of the day's calls (not those to `quiet` clients) and logs
    what it heard."""
    calls = (
        Action.objects.filter(organization=org, decided_on=day, step="call", status="planned")
        .exclude(client__code__in=quiet)
        .select_related("client")
        .order_by("id")
    )
    for action in calls:
        if rng.random() < 0.3:
            continue
        reached = rng.random() < 0.8
        reason = rng.choice(_REASONS) if reached else None
        promised = (
            day + timedelta(days=rng.choice([5, 7, 10])) if reached and rng.random() < 0.5 else None
        )
        services.call_log(
            organization=org,
            client=action.client,
            on=day,
            reached=reached,
            reason=reason,
            promised_for=promised,
            note="Logged in the demo",
        )


def _promise(org: Organization, day: date, rng: random.Random, quiet: set[str]) -> None:
    candidates = _overdue_clients(org, day, quiet)
    if candidates:
        _client, invoices = candidates[0]
        if not invoices[0].promises.filter(status="open").exists():
            services.promise_record(
                organization=org, invoices=invoices[:1], until=day + timedelta(days=7), on=day
            )


def _dispute(org: Organization, day: date, rng: random.Random, quiet: set[str]) -> None:
    candidates = _overdue_clients(org, day, quiet)
    if len(candidates) > 1:
        _, invoices = candidates[1]
        if not Dispute.objects.filter(invoice=invoices[0], resolved_on=None).exists():
            services.dispute_open(
                organization=org,
                invoice=invoices[0],
                reason="The second design round was not delivered",
                on=day,
            )


def _plan(org: Organization, day: date, rng: random.Random, quiet: set[str]) -> None:
    for _client, invoices in _overdue_clients(org, day, quiet)[2:]:
        if (
            len({i.currency for i in invoices}) == 1
            and not Plan.objects.filter(invoices__in=invoices, status="active").exists()
        ):
            services.plan_create(
                organization=org, invoices=invoices, instalments=3, every_days=14, on=day
            )
            return


def _snooze(org: Organization, day: date, rng: random.Random, quiet: set[str]) -> None:
    candidates = _overdue_clients(org, day, quiet)
    if len(candidates) > 3:
        client, _ = candidates[-1]
        services.snooze_create(
            organization=org,
            client=client,
            until=day + timedelta(days=10),
            on=day,
            note="Owner on holiday; agreed to wait",
        )


def _reply(org: Organization, day: date, rng: random.Random, quiet: set[str]) -> None:
    candidates = _overdue_clients(org, day, quiet)
    if len(candidates) > 4:
        client, _ = candidates[4]
        services.reply_log(
            organization=org, client=client, on=day, note="Asked for the bank details again"
        )
