"""/plan-requests and /payment-claims: what clients asked or reported in the portal.

A plan request is approved (the plan made by `plan_create`, as `POST /plans` makes it) or
declined with a reason the client sees (`owed.portal.requests`); a payment claim is read
here, with its proof of payment as a download.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

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
    filtered,
    ids_field,
    money,
    owned,
    page,
    page_of,
    responses,
)
from owed.dunning.services import MAX_INSTALMENTS
from owed.ledger.models import Organization
from owed.portal import requests as services
from owed.portal import selectors
from owed.portal.models import PROOF_EXTENSIONS, PaymentClaim, PlanRequest

router = Router(tags=["client requests"])

RequestStatus = Literal["pending", "approved", "declined"]
ClaimStatus = Literal["pending", "confirmed", "rejected"]


def _numbers(row: PlanRequest | PaymentClaim) -> list[str]:
    return [i.number for i in row.invoices.all()]


def _decided_by(row: PlanRequest | PaymentClaim) -> str | None:
    return row.decided_by.get_username() if row.decided_by else None


class PlanRequestOut(Schema):
    id: int
    client_id: int
    invoice_ids: list[int]
    invoice_numbers: list[str]
    instalments: int = Field(description="How many instalments the client asked for.")
    every_days: int = Field(description="How many days apart the client asked them to be.")
    note: str = Field(description="What the client wrote with the request.")
    created_at: datetime
    created_on: date
    status: RequestStatus
    decided_on: date | None
    decided_by: str | None = Field(description="The user name of who decided; null if none.")
    decline_reason: str
    plan_id: int | None = Field(description="The plan made when it was approved.")

    resolve_invoice_ids = ids_field("invoices")
    resolve_invoice_numbers = staticmethod(_numbers)
    resolve_decided_by = staticmethod(_decided_by)


class PaymentClaimOut(Schema):
    id: int
    client_id: int
    invoice_ids: list[int]
    invoice_numbers: list[str]
    paid_on: date = Field(description="The day the client says it paid.")
    amount: str | None = Field(description="The amount it says it paid, if it said.")
    currency: str = Field(description="The invoices' currency; empty if they have several.")
    reference: str
    proof: bool = Field(description="A proof of payment came with it (GET .../proof).")
    proof_type: str = Field(description="application/pdf, image/png or image/jpeg; or empty.")
    created_at: datetime
    created_on: date
    status: ClaimStatus
    decided_on: date | None
    decided_by: str | None
    decision_note: str

    resolve_invoice_ids = ids_field("invoices")
    resolve_invoice_numbers = staticmethod(_numbers)
    resolve_decided_by = staticmethod(_decided_by)

    @staticmethod
    def resolve_amount(row: PaymentClaim) -> str | None:
        if row.amount is None:
            return None
        return money(row.amount, row.currency) if row.currency else str(row.amount)

    @staticmethod
    def resolve_proof(row: PaymentClaim) -> bool:
        return bool(row.proof)


class RequestFilter(Schema):
    status: RequestStatus | None = None
    client_id: Id | None = None


class ClaimFilter(Schema):
    status: ClaimStatus | None = None
    client_id: Id | None = None


class ApproveIn(Schema):
    instalments: int | None = Field(
        None, ge=1, le=MAX_INSTALMENTS, description="Default: what the client asked."
    )
    every_days: int | None = Field(
        None, ge=1, le=366, description="Days between instalments; default: what was asked."
    )
    first_due: Day | None = Field(
        None, description="When the first instalment is due; default `every_days` from today."
    )


class DeclineIn(Schema):
    reason: Text(2000, min_length=1) = Field(..., description="Why; the client sees it.")


PlanRequestPage = page_of(PlanRequestOut)
PaymentClaimPage = page_of(PaymentClaimOut)
LOOKUPS = {"status": "status", "client_id": "client_id"}


def _decide(organization: Organization, plan_request_id: int, decide) -> PlanRequest:
    """Call `decide(request)` on the organization's plan request (a 404 for any other id,
    a 409 when it is decided already) and answer with the request as it is now."""
    asked = owned(PlanRequest, organization, plan_request_id)
    try:
        decide(asked)
    except services.RequestRefused as exc:
        if exc.refusal is services.Refusal.DECIDED:
            raise ApiError.conflict(_("This request is decided already.")) from None
        raise
    return selectors.plan_requests(organization=organization).get(pk=asked.pk)


@router.get("/plan-requests", response=responses(200, PlanRequestPage, READ))
def plan_request_list(
    request: HttpRequest, filters: Query[RequestFilter], paging: Query[PageQuery]
) -> dict:
    """The payment plans clients asked for in the portal, newest first."""
    rows = filtered(
        selectors.plan_requests(organization=access_of(request).organization), filters, LOOKUPS
    )
    return page(rows, paging)


@router.get(
    "/plan-requests/{int:plan_request_id}", response=responses(200, PlanRequestOut, READ_ONE)
)
def plan_request_read(request: HttpRequest, plan_request_id: PathId) -> PlanRequest:
    organization = access_of(request).organization
    return owned(
        PlanRequest,
        organization,
        plan_request_id,
        selectors.plan_requests(organization=organization),
    )


@router.post(
    "/plan-requests/{int:plan_request_id}/approve", response=responses(200, PlanRequestOut, WRITE)
)
def plan_request_approve(
    request: HttpRequest, plan_request_id: PathId, payload: ApproveIn
) -> PlanRequest:
    """Agree the plan (409 if the request is decided already): made as `POST /plans`
    makes one, over the request's invoices still owed; their reminders resume around it."""
    access = access_of(request)
    return _decide(
        access.organization,
        plan_request_id,
        lambda asked: services.plan_request_approve(
            organization=access.organization,
            request=asked,
            by=access.token.user,
            instalments=payload.instalments,
            every_days=payload.every_days,
            first_due=payload.first_due,
        ),
    )


@router.post(
    "/plan-requests/{int:plan_request_id}/decline", response=responses(200, PlanRequestOut, WRITE)
)
def plan_request_decline(
    request: HttpRequest, plan_request_id: PathId, payload: DeclineIn
) -> PlanRequest:
    """Decline the request with a reason the client sees in the portal (409 if it is
    decided already); the reminders resume."""
    access = access_of(request)
    return _decide(
        access.organization,
        plan_request_id,
        lambda asked: services.plan_request_decline(
            organization=access.organization,
            request=asked,
            reason=payload.reason,
            by=access.token.user,
        ),
    )


@router.get("/payment-claims", response=responses(200, PaymentClaimPage, READ))
def payment_claim_list(
    request: HttpRequest, filters: Query[ClaimFilter], paging: Query[PageQuery]
) -> dict:
    """The payments clients reported in the portal, newest first."""
    rows = filtered(
        selectors.payment_claims(organization=access_of(request).organization), filters, LOOKUPS
    )
    return page(rows, paging)


@router.get(
    "/payment-claims/{int:payment_claim_id}", response=responses(200, PaymentClaimOut, READ_ONE)
)
def payment_claim_read(request: HttpRequest, payment_claim_id: PathId) -> PaymentClaim:
    organization = access_of(request).organization
    return owned(
        PaymentClaim,
        organization,
        payment_claim_id,
        selectors.payment_claims(organization=organization),
    )


_PROOF_CONTENT = {
    content_type: {"schema": {"type": "string", "format": "binary"}}
    for content_type in PROOF_EXTENSIONS
}


@router.get(
    "/payment-claims/{int:payment_claim_id}/proof",
    response=responses(200, None, READ_ONE),
    openapi_extra={"responses": {200: {"description": "The file", "content": _PROOF_CONTENT}}},
)
def payment_claim_proof(request: HttpRequest, payment_claim_id: PathId):
    """The proof of payment the client sent (PDF, PNG or JPEG) as a download; 404 when
    the claim came without one."""
    claim = owned(PaymentClaim, access_of(request).organization, payment_claim_id)
    try:
        return services.proof_download(claim)
    except services.ProofMissing as exc:
        if exc.file_lost:
            raise ApiError(404, "not_found", _("The proof's file is missing.")) from None
        raise ApiError(404, "not_found", _("This payment was reported without a proof.")) from None
