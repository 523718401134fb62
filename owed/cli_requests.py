"""The `owed requests` commands: the payment plans clients asked for and the payments they
reported in the portal (see docs/portal.md), and the decision on a plan request. Like
every command, they parse, call a service and print."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from owed.cli import JsonOption, OrgOption, _org, _parse_day, _setup, app, console
from owed.errors import OwedError

requests_app = typer.Typer(
    help="What clients asked or reported in the portal: list, approve, decline.",
    no_args_is_help=False,
)
app.add_typer(requests_app, name="requests")

RequestId = Annotated[int, typer.Argument(metavar="ID", help="The plan request's id.")]


class Status(StrEnum):
    pending = "pending"
    approved = "approved"
    declined = "declined"
    confirmed = "confirmed"
    rejected = "rejected"
    all = "all"


def _plan_request_row(row) -> dict:
    return {
        "id": row.pk,
        "client": row.client.code,
        "invoices": [i.number for i in row.invoices.all()],
        "instalments": row.instalments,
        "every_days": row.every_days,
        "note": row.note,
        "asked_on": row.created_on.isoformat(),
        "status": row.status,
        "decided_on": row.decided_on.isoformat() if row.decided_on else None,
        "decline_reason": row.decline_reason,
        "plan": row.plan_id,
    }


def _claim_row(row) -> dict:
    return {
        "id": row.pk,
        "client": row.client.code,
        "invoices": [i.number for i in row.invoices.all()],
        "paid_on": row.paid_on.isoformat(),
        "amount": str(row.amount) if row.amount is not None else None,
        "currency": row.currency,
        "reference": row.reference,
        "proof": bool(row.proof),
        "reported_on": row.created_on.isoformat(),
        "status": row.status,
    }


@requests_app.callback(invoke_without_command=True)
def requests_list(
    ctx: typer.Context,
    status: Annotated[
        Status,
        typer.Option(
            "--status",
            help="Only those in this state (all: every one); approved and declined are plan "
            "requests', confirmed and rejected reported payments'.",
        ),
    ] = Status.pending,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the payment plans clients asked for and the payments they reported in the
    portal (pending ones by default)."""
    if ctx.invoked_subcommand is not None:
        return
    _setup(as_json=as_json)
    from owed.portal import selectors

    organization = _org(org)
    from owed.portal.models import PaymentClaim, PlanRequest

    plans = selectors.plan_requests(organization=organization)
    claims = selectors.payment_claims(organization=organization)
    # A plan request is approved or declined, a reported payment confirmed or rejected:
    # a status of one kind lists that kind only.
    show_plans = status in (Status.all, *map(Status, PlanRequest.Status.values))
    show_claims = status in (Status.all, *map(Status, PaymentClaim.Status.values))
    if status is not Status.all:
        plans = plans.filter(status=status.value)
        claims = claims.filter(status=status.value)
    plan_rows = [_plan_request_row(r) for r in plans] if show_plans else []
    claim_rows = [_claim_row(r) for r in claims] if show_claims else []
    if as_json:
        answer = {"ok": True}
        if show_plans:
            answer["plan_requests"] = plan_rows
        if show_claims:
            answer["payment_claims"] = claim_rows
        print(json.dumps(answer, ensure_ascii=False))
        return
    shown = "" if status is Status.all else f" ({status.value})"
    if show_plans:
        _print_plan_requests(plan_rows, f"Plan requests of {organization.name}{shown}")
    if show_claims:
        _print_claims(claim_rows, f"Payments reported{shown}")
    counts = []
    if show_plans:
        counts.append(f"{len(plan_rows)} plan requests")
    if show_claims:
        counts.append(f"{len(claim_rows)} payments reported")
    console.print(", ".join(counts) + ".", highlight=False)


def _print_plan_requests(plan_rows: list[dict], title: str) -> None:
    table = Table(
        "id",
        "client",
        "invoices",
        "asked",
        "asked on",
        "status",
        title=title,
    )
    for row in plan_rows:
        table.add_row(
            str(row["id"]),
            row["client"],
            ", ".join(row["invoices"]),
            f"{row['instalments']} every {row['every_days']} days",
            row["asked_on"],
            row["status"],
        )
    console.print(table)


def _print_claims(claim_rows: list[dict], title: str) -> None:
    table = Table(
        "id",
        "client",
        "invoices",
        "paid on",
        "amount",
        "proof",
        "status",
        title=title,
    )
    for row in claim_rows:
        amount = f"{row['amount']} {row['currency']}".strip() if row["amount"] else ""
        table.add_row(
            str(row["id"]),
            row["client"],
            ", ".join(row["invoices"]),
            row["paid_on"],
            amount,
            "yes" if row["proof"] else "",
            row["status"],
        )
    console.print(table)


def _request(organization, pk: int):
    from owed.portal.models import PlanRequest

    found = PlanRequest.objects.filter(organization=organization, pk=pk).first()
    if found is None:
        raise OwedError(f"no plan request {pk} in {organization.slug}")
    return found


@requests_app.command("approve")
def requests_approve(
    request_id: RequestId,
    instalments: Annotated[
        int | None, typer.Option("--instalments", help="Default: what the client asked.")
    ] = None,
    every: Annotated[
        int | None,
        typer.Option("--every", help="Days between instalments (default: what was asked)."),
    ] = None,
    first: Annotated[
        str | None,
        typer.Option(
            "--first", help="Due date of the first instalment (default: today + --every)."
        ),
    ] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Agree the payment plan a client asked for, as `owed plan` agrees one."""
    _setup(as_json=as_json)
    from owed.portal.requests import plan_request_approve

    organization = _org(org)
    decided = plan_request_approve(
        organization=organization,
        request=_request(organization, request_id),
        instalments=instalments,
        every_days=every,
        first_due=_parse_day(first, organization.timezone) if first else None,
    )
    plan = decided.plan
    rows = [
        {"number": i.number, "due_date": str(i.due_date), "amount": str(i.amount)}
        for i in plan.instalments.order_by("number")
    ]
    if as_json:
        answer = {"ok": True, "request": decided.pk, "plan": plan.pk, "instalments": rows}
        print(json.dumps(answer))
        return
    table = Table(
        "#", "due date", "amount", title=f"Payment plan for {decided.client.code} ({plan.currency})"
    )
    for r in rows:
        table.add_row(str(r["number"]), r["due_date"], r["amount"])
    console.print(table)
    console.print(
        f"Plan request {decided.pk} approved: the client sees the instalments in the portal.",
        highlight=False,
    )


@requests_app.command("decline")
def requests_decline(
    request_id: RequestId,
    reason: Annotated[str, typer.Option("--reason", help="Why; the client sees it.")] = "",
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Decline a client's payment plan request; the reason is shown in its portal."""
    _setup(as_json=as_json)
    from owed.portal.requests import plan_request_decline

    organization = _org(org)
    decided = plan_request_decline(
        organization=organization, request=_request(organization, request_id), reason=reason
    )
    if as_json:
        print(json.dumps({"ok": True, "request": decided.pk, "status": decided.status}))
        return
    console.print(
        f"Plan request {decided.pk} of {decided.client.code} declined; the reminders resume.",
        highlight=False,
        markup=False,
    )
