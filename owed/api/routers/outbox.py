"""The outbox: a planned e-mail or letter before it goes (its preview, your own wording of
it, approval, sending it now), a step of an invoice's ladder sent now, and the messages
themselves (read them, retry a failed one, settle one whose sending was interrupted).

The same services as the back office's Today and invoice pages: `owed.dunning.actions`,
`owed.dunning.step_now` and `owed.mail.services`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from owed.api.auth import access_of
from owed.api.errors import ApiError
from owed.api.routers.actions import ActionOut, actions_of
from owed.api.schemas import (
    READ,
    READ_ONE,
    WRITE,
    Id,
    PageQuery,
    PathId,
    Text,
    filtered,
    owned,
    page,
    page_of,
    responses,
)
from owed.documents.compose import CompositionError, NothingOwed, compose
from owed.dunning import actions as services
from owed.dunning.models import Action, ActionReview
from owed.dunning.step_now import StepRefused, invoice_step_send
from owed.ledger.models import Invoice, Organization
from owed.mail.delivery import mark_stale
from owed.mail.models import Message
from owed.mail.services import message_retry as retry_service
from owed.mail.services import message_settle as settle_service

router = Router(tags=["outbox"])

PREVIEW = frozenset({400, 401, 404, 409, 422, 500})

MessageStatus = Literal["queued", "sending", "sent", "failed", "uncertain"]


# --- schemas ---------------------------------------------------------------------------------


class WordingOut(Schema):
    subject: str
    body: str
    letter_body: str = Field(description="The letter's own text; empty: the message's.")


class PreviewOut(Schema):
    action_id: int
    step: str
    channels: list[str]
    language: str = Field(description="The client's language, the message's: en, vi, fa, th.")
    source: Literal["default", "organization", "edited"] = Field(
        description="Whose text it is: owed's, your organization's, or this message's own "
        "(PUT /actions/{id}/wording)."
    )
    awaiting_approval: bool = Field(
        description="The organization sends only approved messages, and this one is not."
    )
    to: list[str] = Field(description="Empty: the client has no contact with an e-mail address.")
    cc: list[str]
    postal_address: str | None = Field(description="For a letter: where it goes.")
    subject: str
    text: str
    letter_text: str
    attachments: list[str] = Field(description="The files' names (not rendered here).")
    notes: list[str] = Field(description="What was left out or done differently, and why.")
    problems: list[Literal["no_email", "no_postal_address"]] = Field(
        description="What stops it from being sent now."
    )
    wording: WordingOut = Field(description="The text it is written from, placeholders and all.")


class WordingIn(Schema):
    subject: Text(300, min_length=1)
    body: Text(20_000, min_length=1)
    letter_body: Text(20_000) = Field("", description="For a letter; empty: the message's text.")


class ApprovalOut(Schema):
    action_id: int
    approved_at: datetime
    edited: bool = Field(description="It is sent in your own wording.")


class MessageOut(Schema):
    id: int
    client_id: int | None
    action_id: int | None
    to: str
    cc: str
    subject: str
    status: MessageStatus
    attempts: int
    last_error: str
    smtp_code: int | None
    next_attempt_at: datetime | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    message_id: str = Field(description="The e-mail's Message-ID: a resent message keeps it.")


class DeliveryOut(Schema):
    status: Literal["sent", "queued", "failed"] = Field(
        description="sent: the server accepted it; queued: tried again later; failed: refused."
    )
    error: str
    next_attempt_at: datetime | None


class SentOut(Schema):
    action: ActionOut
    message: MessageOut
    send_at: datetime = Field(description="When it goes: now, or when the client's hours start.")
    waiting: Literal["", "later", "no_server"] = Field(
        description="Why it was not tried yet: outside the client's contact hours, or no "
        "mail server set; empty when it was tried (see delivery)."
    )
    delivery: DeliveryOut | None


class StepIn(Schema):
    step: Text(40, min_length=1) = Field(
        ..., description="A step of the invoice's ladder: invoice_copy, reminder, ..."
    )


class SettleIn(Schema):
    outcome: Literal["sent", "again"] = Field(
        ...,
        description="sent: it arrived (never sent again); again: send it again (if it did "
        "arrive, the client gets it twice).",
    )


class MessageFilter(Schema):
    status: MessageStatus | None = None
    client_id: Id | None = None
    action_id: Id | None = None


MessagePage = page_of(MessageOut)


# --- a planned e-mail or letter -------------------------------------------------------------------


def _message_action(organization: Organization, action_id: int) -> Action:
    """The organization's planned e-mail or letter action: 404 for another's, 409 for one
    no longer planned, 400 for a task."""
    action = owned(
        Action,
        organization,
        action_id,
        Action.objects.select_related(
            "organization", "client", "client__organization", "invoice", "review"
        ),
    )
    if not services.is_message(action):
        raise ApiError.invalid(None, _("This action is a task: it sends no message."))
    if action.status != Action.Status.PLANNED:
        raise ApiError.conflict(
            _("Only a planned message can change or be sent; this one is %(status)s.")
            % {"status": str(action.get_status_display()).lower()}
        )
    return action


def _review(action: Action) -> ActionReview | None:
    try:
        return ActionReview.objects.get(action=action)
    except ActionReview.DoesNotExist:
        return None


def _preview(action: Action) -> dict:
    try:
        composed = compose(action, files=False, require_recipient=False)
    except NothingOwed as exc:
        raise ApiError.conflict(exc.message) from None
    except CompositionError as exc:
        raise ApiError.invalid(None, exc.message) from None
    review = _review(action)
    letter = "letter" in action.channel_list
    address = action.client.address.strip()
    problems = [] if composed.to else ["no_email"]
    if letter and not address:
        problems.append("no_postal_address")
    wording = composed.wording
    return {
        "action_id": action.pk,
        "step": action.step,
        "channels": action.channel_list,
        "language": composed.language,
        "source": composed.source,
        "awaiting_approval": action.organization.review_before_sending
        and (review is None or review.approved_at is None),
        "to": list(composed.to),
        "cc": list(composed.cc),
        "postal_address": address if letter else None,
        "subject": composed.subject,
        "text": composed.text,
        "letter_text": composed.letter_text,
        "attachments": list(composed.attachment_names),
        "notes": list(composed.notes),
        "problems": problems,
        "wording": {
            "subject": wording.subject if wording else composed.subject,
            "body": wording.body if wording else composed.text,
            "letter_body": wording.letter_body if wording else "",
        },
    }


@router.get("/actions/{int:action_id}/preview", response=responses(200, PreviewOut, PREVIEW))
def action_preview(request: HttpRequest, action_id: PathId) -> dict:
    """The planned e-mail or letter as it would go now, in the client's language: the
    recipients, the subject and text, the letter's text, the attachments' names, and what
    stops it from going. 409 if it is not planned any more (or nothing is owed)."""
    organization = access_of(request).organization
    return _preview(_message_action(organization, action_id))


@router.put("/actions/{int:action_id}/wording", response=responses(200, PreviewOut, WRITE))
def action_wording_set(request: HttpRequest, action_id: PathId, payload: WordingIn) -> dict:
    """Word this one message yourself: the subject, the text and (for a letter) the
    letter's text, with placeholders filled in when it is sent. Withdraws an approval.
    Noted on the client's timeline. Answers the new preview."""
    access = access_of(request)
    organization = access.organization
    action = _message_action(organization, action_id)
    services.action_edit(
        organization=organization,
        action=action,
        subject=payload.subject,
        body=payload.body,
        letter_body=payload.letter_body,
        on=organization.today(),
        by=access.token.user,
    )
    return _preview(_message_action(organization, action_id))


@router.delete("/actions/{int:action_id}/wording", response=responses(200, PreviewOut, WRITE))
def action_wording_reset(request: HttpRequest, action_id: PathId) -> dict:
    """Drop your own wording: the message is the step's text again (an approval is
    withdrawn). 409 if it was not edited."""
    access = access_of(request)
    organization = access.organization
    action = _message_action(organization, action_id)
    review = _review(action)
    if review is None or not review.edited:
        raise ApiError.conflict(_("This message was not edited: it is the step's text already."))
    services.action_edit_reset(
        organization=organization, action=action, on=organization.today(), by=access.token.user
    )
    return _preview(_message_action(organization, action_id))


@router.post("/actions/{int:action_id}/approve", response=responses(200, ApprovalOut, WRITE))
def action_approve(request: HttpRequest, action_id: PathId) -> dict:
    """Approve the planned message, for an organization that sends only what a user
    approved (`review_before_sending`); approving it again keeps the first approval."""
    access = access_of(request)
    action = _message_action(access.organization, action_id)
    services.actions_approve(
        organization=access.organization, ids=[action.pk], by=access.token.user
    )
    review = ActionReview.objects.get(action=action)
    return {"action_id": action.pk, "approved_at": review.approved_at, "edited": review.edited}


def _sent(organization: Organization, sent: services.SentNow) -> dict:
    delivery = sent.delivery
    return {
        "action": actions_of(organization).get(pk=sent.action.pk),
        "message": sent.message,
        "send_at": sent.send_at,
        "waiting": sent.waiting,
        "delivery": None
        if delivery is None
        else {
            "status": delivery.status,
            "error": delivery.error,
            "next_attempt_at": delivery.next_attempt_at,
        },
    }


@router.post("/actions/{int:action_id}/send", response=responses(200, SentOut, WRITE))
def action_send(request: HttpRequest, action_id: PathId) -> dict:
    """Send the planned message now, before its scheduled moment if need be: composed,
    queued (once per action: a second call answers 409) and delivered at once, or at the
    start of the client's contact hours. 400 without an e-mail (or, for a letter, postal)
    address, 409 when nothing is owed any more."""
    access = access_of(request)
    action = _message_action(access.organization, action_id)
    try:
        sent = services.action_send_now(
            organization=access.organization, action=action, by=access.token.user
        )
    except NothingOwed as exc:
        raise ApiError.conflict(exc.message) from None
    return _sent(access.organization, sent)


@router.post("/invoices/{int:invoice_id}/send", response=responses(200, SentOut, WRITE))
def invoice_send(request: HttpRequest, invoice_id: PathId, payload: StepIn) -> dict:
    """Send a step of the invoice's ladder now (an invoice copy, a reminder, the formal
    notice...), as the invoice page does: 409 when the step was taken already (only an
    invoice copy may go again, once a day), the invoice is written off or disputed; 400
    for a step the policy lacks, a task, nothing owed or no address."""
    access = access_of(request)
    invoice = owned(Invoice, access.organization, invoice_id)
    try:
        sent = invoice_step_send(
            organization=access.organization,
            invoice=invoice,
            step=payload.step,
            by=access.token.user,
        )
    except StepRefused as exc:
        raise ApiError.conflict(exc.message) from None
    return _sent(access.organization, sent)


# --- the messages -------------------------------------------------------------------------------


def messages_of(organization: Organization) -> QuerySet[Message]:
    return Message.objects.filter(organization=organization).defer("text", "html", "references")


@router.get("/messages", response=responses(200, MessagePage, READ))
def message_list(
    request: HttpRequest, filters: Query[MessageFilter], paging: Query[PageQuery]
) -> dict:
    """The organization's e-mail messages, newest first, with how their delivery went."""
    organization = access_of(request).organization
    lookups = {"status": "status", "client_id": "client_id", "action_id": "action_id"}
    rows = filtered(messages_of(organization), filters, lookups)
    return page(rows.order_by("-id"), paging)


@router.get("/messages/{int:message_id}", response=responses(200, MessageOut, READ_ONE))
def message_read(request: HttpRequest, message_id: PathId) -> Message:
    organization = access_of(request).organization
    return owned(Message, organization, message_id, messages_of(organization))


@router.post("/messages/{int:message_id}/retry", response=responses(200, MessageOut, WRITE))
def message_retry(request: HttpRequest, message_id: PathId) -> Message:
    """Queue a failed message again (attempts from zero, noted on the client's timeline);
    409 if it is not failed."""
    organization = access_of(request).organization
    message = owned(Message, organization, message_id)
    if message.status != Message.Status.FAILED:
        raise ApiError.conflict(
            _("Only a failed message can be retried; this one is %(status)s.")
            % {"status": str(message.get_status_display()).lower()}
        )
    retry_service(organization=organization, message_id=message.pk)
    return messages_of(organization).get(pk=message.pk)


@router.post("/messages/{int:message_id}/settle", response=responses(200, MessageOut, WRITE))
def message_settle(request: HttpRequest, message_id: PathId, payload: SettleIn) -> Message:
    """Settle a message whose sending was interrupted (`uncertain`): `sent` (it arrived:
    recorded sent, never sent again) or `again` (queued again; if it did arrive, the
    client gets it twice). Noted on the client's timeline; 409 if it is not uncertain."""
    organization = access_of(request).organization
    message = owned(Message, organization, message_id)
    mark_stale(organization=organization)  # one left sending past the stale time
    message.refresh_from_db(fields=["status"])
    if message.status != Message.Status.UNCERTAIN:
        raise ApiError.conflict(
            _("Only an uncertain message can be settled; this one is %(status)s.")
            % {"status": str(message.get_status_display()).lower()}
        )
    settle_service(organization=organization, message_id=message.pk, sent=payload.outcome == "sent")
    return messages_of(organization).get(pk=message.pk)
