"""/plans: invoices' balance paid in instalments instead of at once (`plan_create`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from owed.api.auth import access_of
from owed.api.schemas import (
    READ,
    READ_ONE,
    WRITE,
    Day,
    Id,
    PageQuery,
    PathId,
    day_or_today,
    filtered,
    ids_field,
    money,
    money_field,
    owned,
    owned_all,
    page,
    page_of,
    responses,
)
from owed.dunning import services as dunning
from owed.dunning.models import Instalment, Plan
from owed.dunning.services import MAX_INSTALMENTS
from owed.ledger.models import Invoice

router = Router(tags=["plans"])

PlanStatus = Literal["active", "completed", "broken"]


class InstalmentOut(Schema):
    number: int
    due_date: date
    amount: str


class PlanOut(Schema):
    id: int
    client_id: int
    invoice_ids: list[int]
    created_on: date
    currency: str
    total: str = Field(description="The invoices' balance when the plan was agreed.")
    paid_before: str = Field(description="What the invoices had received before the plan.")
    grace_days: int
    status: PlanStatus
    broken_on: date | None
    instalments: list[InstalmentOut]

    resolve_invoice_ids = ids_field("invoices")
    resolve_total = money_field("total")
    resolve_paid_before = money_field("paid_before")

    @staticmethod
    def resolve_instalments(plan: Plan) -> list[dict]:
        return [
            {"number": i.number, "due_date": i.due_date, "amount": money(i.amount, plan.currency)}
            for i in plan.instalments.all()
        ]


class PlanIn(Schema):
    invoice_ids: list[Id] = Field(..., min_length=1, max_length=500)
    instalments: int = Field(..., ge=1, le=MAX_INSTALMENTS)
    every_days: int = Field(..., ge=1, le=366, description="Days between instalments.")
    on: Day | None = Field(None, description="The day the plan is agreed; default today.")
    first_due: Day | None = Field(
        None, description="When the first instalment is due; default `every_days` after `on`."
    )
    grace_days: int = Field(7, ge=0, le=366, description="Days late before the plan breaks.")


class PlanFilter(Schema):
    client_id: Id | None = None
    invoice_id: Id | None = None
    status: PlanStatus | None = None


PlanPage = page_of(PlanOut)
LOOKUPS = {"client_id": "client_id", "invoice_id": "invoices", "status": "status"}


def _plans(organization):
    instalments = Instalment.objects.order_by("number")
    return Plan.objects.filter(organization=organization).prefetch_related(
        "invoices", Prefetch("instalments", instalments)
    )


@router.get("/plans", response=responses(200, PlanPage, READ))
def plan_list(request: HttpRequest, filters: Query[PlanFilter], paging: Query[PageQuery]) -> dict:
    """The organization's payment plans, newest first."""
    plans = filtered(_plans(access_of(request).organization), filters, LOOKUPS)
    return page(plans.order_by("-created_on", "-id"), paging)


@router.get("/plans/{int:plan_id}", response=responses(200, PlanOut, READ_ONE))
def plan_read(request: HttpRequest, plan_id: PathId) -> Plan:
    organization = access_of(request).organization
    return owned(Plan, organization, plan_id, _plans(organization))


@router.post("/plans", response=responses(201, PlanOut, WRITE))
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[Plan]:
    """Agree a plan: the invoices' balance in equal instalments; their ladder is planned
    again around it."""
    organization = access_of(request).organization
    invoices = owned_all(Invoice, organization, payload.invoice_ids, "invoice_ids")
    plan = dunning.plan_create(
        organization=organization,
        invoices=invoices,
        instalments=payload.instalments,
        every_days=payload.every_days,
        on=day_or_today(payload.on, organization),
        first_due=payload.first_due,
        grace_days=payload.grace_days,
    )
    return Status(201, _plans(organization).get(pk=plan.pk))
