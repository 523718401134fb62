"""Actions as rows for the CLI and JSON: what was decided for a day, in ladder order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from owed.core import decide as core
from owed.core.ladder import STANDARD
from owed.dunning.models import Action, ActionLine
from owed.ledger.models import Client, Invoice, Organization

# Steps that are not on a ladder come after it, in this order.
_OFF_LADDER = (
    "broken_promise",
    "callback",
    "propose_plan",
    "resolve_dispute",
    "plan_broken",
    "hold_lifted",
    "work_resumed",
)


def step_order(step: str) -> tuple[int, int]:
    if step in STANDARD.codes:
        return (0, STANDARD.rank(step))
    if step in _OFF_LADDER:
        return (1, _OFF_LADDER.index(step))
    return (2, 0)


def day_rows(*, organization: Organization, as_of: date) -> list[dict]:
    """Every action decided for `as_of` (by a run or a user), as rows."""
    actions = list(
        Action.objects.filter(organization=organization, decided_on=as_of)
        .select_related("client", "merged_into")
        .order_by("id")
    )
    lines: dict[int, list[dict]] = defaultdict(list)
    for action_id, number, days, balance, currency in (
        ActionLine.objects.filter(action__in=actions)
        .order_by("id")
        .values_list("action_id", "invoice__number", "days_overdue", "balance", "invoice__currency")
    ):
        lines[action_id].append(
            {
                "invoice": number,
                "days_overdue": days,
                "balance": str(balance),
                "currency": currency,
            }
        )
    rows = [
        _row(
            client=a.client,
            key=a.key,
            step=a.step,
            channels=a.channel_list,
            status=a.status,
            scheduled_for=a.scheduled_for.astimezone(ZoneInfo(a.timezone)),
            lines=lines.get(a.pk, []),
            merged_into=a.merged_into.key if a.merged_into else None,
            reason=a.reason,
        )
        for a in actions
    ]
    return sort_rows(rows)


def decided_rows(*, organization: Organization, actions: Iterable[core.Action]) -> list[dict]:
    """Actions straight from the decision (a dry run), as rows."""
    actions = list(actions)
    clients = Client.objects.in_bulk({a.client_id for a in actions})
    invoice_ids = {line.invoice_id for a in actions for line in a.lines}
    invoices = dict(Invoice.objects.filter(pk__in=invoice_ids).values_list("id", "number"))
    currencies = dict(Invoice.objects.filter(pk__in=invoice_ids).values_list("id", "currency"))
    return sort_rows(
        [
            _row(
                client=clients[a.client_id],
                key=a.key,
                step=a.step,
                channels=[c.value for c in a.channels],
                status=a.status.value,
                scheduled_for=a.scheduled_for,
                lines=[
                    {
                        "invoice": invoices.get(line.invoice_id, str(line.invoice_id)),
                        "days_overdue": line.days_overdue,
                        "balance": str(line.balance),
                        "currency": currencies.get(line.invoice_id, ""),
                    }
                    for line in a.lines
                ],
                merged_into=a.merged_into,
                reason=a.reason,
            )
            for a in actions
        ]
    )


def sort_rows(rows: list[dict]) -> list[dict]:
    return sorted(
        rows,
        key=lambda r: (step_order(r["step"]), r["status"] != "planned", r["client_id"], r["key"]),
    )


def _row(
    *,
    client: Client,
    key: str,
    step: str,
    channels: list[str],
    status: str,
    scheduled_for,
    lines: list[dict],
    merged_into: str | None,
    reason: str,
) -> dict:
    return {
        "client_id": client.code,
        "client_name": client.name,
        "step": step,
        "channel": "+".join(channels),
        "channels": channels,
        "invoices": [line["invoice"] for line in lines],
        "lines": lines,
        "scheduled_for": scheduled_for.isoformat(),
        "status": status,
        "key": key,
        "merged_into": merged_into,
        "reason": reason,
    }
