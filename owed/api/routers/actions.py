"""/actions: what the collections runs (or a user) decided to do: messages, letters, tasks.

Runs decide actions, and sending them is the outbox's work; a user may skip a planned one, or
mark a planned task done.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from owed.api.auth import access_of
from owed.api.errors import ApiError
from owed.api.schemas import (
    READ,
    READ_ONE,
    WRITE,
    Day,
    Id,
    PageQuery,
    PathId,
    Text,
    day_or_today,
    filtered,
    money,
    owned,
    page,
    page_of,
    responses,
)
from owed.dunning.actions import action_done as mark_done
from owed.dunning.actions import action_skip as skip_planned
from owed.dunning.models import Action, ActionLine
from owed.dunning.selectors import client_actions
from owed.ledger.models import Organization

router = Router(tags=["actions"])

Status = Literal["planned", "sent", "done", "skipped", "merged", "failed"]


class ActionLineOut(Schema):
    invoice_id: int
    invoice_number: str
    days_overdue: int
    balance: str = Field(description="The invoice's balance when the action was decided.")


class ActionOut(Schema):
    id: int
    key: str = Field(description="Unique: the same step is never recorded twice.")
    kind: str
    client_id: int
    invoice_id: int | None
    step: str
    channels: list[str]
    status: Status
    decided_on: date
    scheduled_for: datetime
    timezone: str
    reason: str
    note: str
    merged_into_id: int | None
    lines: list[ActionLineOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_channels(action: Action) -> list[str]:
        return action.channel_list

    @staticmethod
    def resolve_lines(action: Action) -> list[dict]:
        return [
            {
                "invoice_id": line.invoice_id,
                "invoice_number": line.invoice.number,
                "days_overdue": line.days_overdue,
                "balance": money(line.balance, line.invoice.currency),
            }
            for line in action.lines.all()
        ]


class ActionFilter(Schema):
    status: Status | None = None
    step: Text(40) | None = Field(None, description="e.g. reminder_due, call, formal_notice.")
    kind: Text(20) | None = None
    client_id: Id | None = None
    invoice_id: Id | None = None
    date_from: Day | None = Field(
        None, description="Scheduled on or after this day (in the organization's time zone)."
    )
    date_to: Day | None = Field(
        None, description="Scheduled on or before this day (in the organization's time zone)."
    )


ActionPage = page_of(ActionOut)
LOOKUPS = {
    "status": "status",
    "step": "step",
    "kind": "kind",
    "client_id": "client_id",
    "invoice_id": "invoice_id",
}


def actions_of(organization: Organization, client_id: int | None = None) -> QuerySet[Action]:
    """The organization's actions, or one client's (found through its invoices: actions
    have no index by client, see `selectors.client_actions`)."""
    lines = ActionLine.objects.select_related("invoice").order_by("id")
    if client_id is None:
        rows = Action.objects.filter(organization=organization)
    else:
        rows = client_actions(organization=organization, client=client_id)
    return rows.prefetch_related(Prefetch("lines", lines))


def _start_of(day: date, organization: Organization) -> datetime:
    try:
        zone = ZoneInfo(organization.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.combine(day, time(0), tzinfo=zone)


@router.get("/actions", response=responses(200, ActionPage, READ))
def action_list(
    request: HttpRequest, filters: Query[ActionFilter], paging: Query[PageQuery]
) -> dict:
    """The organization's actions by the time they are scheduled for, filtered."""
    organization = access_of(request).organization
    actions = filtered(actions_of(organization, filters.client_id), filters, LOOKUPS)
    if filters.date_from:
        actions = actions.filter(scheduled_for__gte=_start_of(filters.date_from, organization))
    if filters.date_to:
        next_day = filters.date_to + timedelta(days=1)
        actions = actions.filter(scheduled_for__lt=_start_of(next_day, organization))
    return page(actions.order_by("scheduled_for", "id"), paging)


@router.get("/actions/{int:action_id}", response=responses(200, ActionOut, READ_ONE))
def action_read(request: HttpRequest, action_id: PathId) -> Action:
    organization = access_of(request).organization
    return owned(Action, organization, action_id, actions_of(organization))


class SkipIn(Schema):
    reason: Text(200, min_length=1) = Field(..., description="Why the action is not carried out.")
    on: Day | None = Field(None, description="The day it is skipped; default today.")


@router.post("/actions/{int:action_id}/skip", response=responses(200, ActionOut, WRITE))
def action_skip(request: HttpRequest, action_id: PathId, payload: SkipIn) -> Action:
    """Skip a planned action: it is not carried out, the ladder goes on to the next step,
    and the reason is noted on the client's timeline. 409 if it is not planned any more."""
    organization = access_of(request).organization
    action = owned(Action, organization, action_id, actions_of(organization))
    if action.status != Action.Status.PLANNED:
        raise ApiError.conflict(
            _("Only a planned action can be skipped; this one is %(status)s.")
            % {"status": str(action.get_status_display()).lower()}
        )
    if not payload.reason.strip():
        raise ApiError.invalid("reason", _("Say why the action is skipped."))
    skip_planned(
        organization=organization,
        action=action,
        reason=payload.reason,
        on=day_or_today(payload.on, organization),
    )
    return actions_of(organization).get(pk=action.pk)


class DoneIn(Schema):
    note: Text(2000) = Field(
        "", description='What was done; shown under "Done: <step>" on the client\'s timeline.'
    )
    on: Day | None = Field(None, description="The day it was done; default today.")


@router.post("/actions/{int:action_id}/done", response=responses(200, ActionOut, WRITE))
def action_done(request: HttpRequest, action_id: PathId, payload: DoneIn) -> Action:
    """Mark a planned task done (a call, a hand-off to an agency, legal action, a payment
    plan to propose, a dispute to resolve...), as Today's **Mark as done** does: the ladder
    goes on from it and the client's timeline says "Done: <step>", with the note. 400 for
    an e-mail or a letter (it is sent, not done); 409 if it is not planned any more."""
    organization = access_of(request).organization
    action = owned(Action, organization, action_id, actions_of(organization))
    if action.channel_list != ["task"]:
        raise ApiError.invalid(
            None, _("Only a task can be marked as done: an e-mail or a letter is sent.")
        )
    if action.status != Action.Status.PLANNED:
        raise ApiError.conflict(
            _("Only a planned action can be marked as done; this one is %(status)s.")
            % {"status": str(action.get_status_display()).lower()}
        )
    mark_done(
        organization=organization,
        action=action,
        on=day_or_today(payload.on, organization),
        note=payload.note,
    )
    return actions_of(organization).get(pk=action.pk)
