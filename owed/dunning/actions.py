"""What a user decides about a planned action (the Today page, the API): skip it, snooze
what it is about, or write an invoice off; and, for an e-mail or a letter, word it
differently, approve it or send it now. Each is one transaction built from the
collections services (so it is logged as an interaction and the invoices are planned
again at the next run); sending now composes and queues through the outbox
(`owed.documents.outbox`), then delivers once that has committed (`owed.mail.delivery`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from owed.core.localize import LanguageError, check_language
from owed.documents import texts
from owed.dunning import summaries
from owed.dunning.models import Action, ActionLine, ActionReview
from owed.dunning.services import note_log, replan, snooze_create
from owed.errors import OwedError
from owed.ledger.models import Invoice, Organization
from owed.ledger.services import invoice_write_off

MESSAGE_CHANNELS = frozenset({"email", "letter"})


def _invoices_of(action: Action) -> list[Invoice]:
    ids = list(ActionLine.objects.filter(action=action).values_list("invoice_id", flat=True))
    if not ids and action.invoice_id:
        ids = [action.invoice_id]
    return list(
        Invoice.objects.filter(organization=action.organization_id, pk__in=ids)
        .select_related("client")
        .order_by("due_date", "number")
    )


def _planned(organization: Organization, action: Action) -> Action:
    """The action, locked, if it is the organization's and still planned."""
    locked = Action.objects.select_for_update().filter(pk=action.pk, organization=organization)
    found = locked.first()
    if found is None:
        raise OwedError("no such action")
    if found.status != Action.Status.PLANNED:
        raise OwedError(f"this action is {found.status} already: only a planned one can change")
    return found


@transaction.atomic
def action_skip(
    *, organization: Organization, action: Action, reason: str, on: date, log: bool = True
) -> Action:
    """Do not carry out a planned action. The ladder does not take the step again (its key
    is taken) and goes on to the next step; the invoices are looked at by the next run."""
    reason = reason.strip()
    if not reason:
        raise OwedError("say why the action is skipped")
    action = _planned(organization, action)
    action.status = Action.Status.SKIPPED
    action.reason = reason[:200]
    action.save(update_fields=["status", "reason", "updated_at"])
    invoices = _invoices_of(action)
    if log:
        said = summaries.skipped(step=action.step, reason=reason)
        note_log(
            organization=organization, client=action.client, on=on, note=said.english, said=said
        )
    replan([i.pk for i in invoices])
    return action


@transaction.atomic
def action_done(*, organization: Organization, action: Action, on: date, note: str = "") -> Action:
    """Mark a planned task (a call, a hand-off to an agency, legal action, a payment plan
    to propose, a dispute to resolve...) as done by the user: the ladder goes on from it
    and the client's timeline says so, with the user's note if any. An e-mail or a letter
    is not marked done: it is sent."""
    action = _planned(organization, action)
    if action.channel_list != ["task"]:
        raise OwedError(_("Only a task can be marked as done: an e-mail or a letter is sent."))
    action.status = Action.Status.DONE
    action.save(update_fields=["status", "updated_at"])
    said = summaries.done(step=action.step)
    note = note.strip()
    note_log(
        organization=organization,
        client=action.client,
        on=on,
        note=note or said.english,
        said=said,
    )
    replan([i.pk for i in _invoices_of(action)])
    return action


@transaction.atomic
def action_snooze(
    *, organization: Organization, action: Action, until: date, on: date, note: str = ""
) -> list[Invoice]:
    """Chase nothing of what the action is about until `until`: each of its invoices is
    snoozed (the client, for an action about no invoice) and the action is skipped."""
    action = _planned(organization, action)
    invoices = _invoices_of(action)
    if invoices:
        for invoice in invoices:
            snooze_create(organization=organization, until=until, on=on, invoice=invoice, note=note)
    else:
        snooze_create(
            organization=organization, until=until, on=on, client=action.client, note=note
        )
    action_skip(
        organization=organization,
        action=action,
        reason=summaries.snoozed_reason(until),
        on=on,
        log=False,
    )
    return invoices


@transaction.atomic
def write_off_record(
    *, organization: Organization, invoice: Invoice, on: date, note: str = ""
) -> Invoice:
    """Write the invoice off (it leaves the receivables), log it, and skip the actions
    still planned for it alone."""
    if invoice.organization_id != organization.id:
        raise OwedError("no such invoice")
    invoice_write_off(invoice=invoice, on=on)
    Action.objects.filter(
        organization=organization, invoice=invoice, status=Action.Status.PLANNED
    ).update(status=Action.Status.SKIPPED, reason=summaries.WRITTEN_OFF_REASON)
    said = summaries.written_off(invoice=invoice.number, note=note)
    note_log(organization=organization, client=invoice.client, on=on, note=said.english, said=said)
    return invoice


# --- an e-mail or a letter before it goes out --------------------------------------------------


def is_message(action: Action) -> bool:
    """The action sends an e-mail or a letter (it has something to preview and send)."""
    return bool(MESSAGE_CHANNELS & set(action.channel_list))


def _planned_message(organization: Organization, action: Action) -> Action:
    found = _planned(organization, action)
    if not is_message(found):
        raise OwedError(f"{found.step.replace('_', ' ')} is a task: it sends no message")
    return found


def message_language(action: Action) -> str:
    """The language the action's message is written in: the client's, else the
    organization's (as `owed.documents.compose` chooses it)."""
    for candidate in (action.client.language, action.organization.language):
        try:
            return check_language(candidate)
        except LanguageError:
            continue
    return "en"


def _text_problems(name: str, text: str) -> list[str]:
    problems = [f"{name}: unknown placeholder {{{p}}}" for p in texts.unknown_placeholders(text)]
    if texts.stray_braces(text):
        problems.append(f"{name}: a brace opens or closes no placeholder (write {{{{ or }}}})")
    return problems


@transaction.atomic
def action_edit(
    *,
    organization: Organization,
    action: Action,
    subject: str,
    body: str,
    letter_body: str = "",
    on: date,
    by=None,
    now: datetime | None = None,
) -> ActionReview:
    """Word this one action's message differently: the outbox composes `subject`, `body`
    and (for a letter) `letter_body` instead of the step's text, filling in their
    placeholders as it does the step's. An approval given before is withdrawn: the new
    text has not been approved. Logged as a note."""
    action = _planned_message(organization, action)
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip("\n")
    letter_body = (letter_body or "").replace("\r\n", "\n").strip("\n")
    problems = []
    if not subject:
        problems.append("the subject is empty")
    if not body.strip():
        problems.append("the text is empty")
    problems += _text_problems("subject", subject)
    problems += _text_problems("text", body)
    problems += _text_problems("letter", letter_body)
    if problems:
        raise OwedError("the message cannot be saved", details=problems)
    if len(subject) > ActionReview._meta.get_field("subject").max_length:
        raise OwedError("the subject is too long (300 characters at most)")
    now = now or timezone.now()
    review, _created = ActionReview.objects.update_or_create(
        action=action,
        defaults={
            "language": message_language(action),
            "subject": subject,
            "body": body + "\n",
            "letter_body": letter_body + "\n" if letter_body.strip() else "",
            "edited_by": by,
            "edited_at": now,
            "approved_by": None,
            "approved_at": None,
        },
    )
    said = summaries.message_edited(step=action.step, subject=subject)
    note_log(organization=organization, client=action.client, on=on, note=said.english, said=said)
    return review


@transaction.atomic
def action_edit_reset(
    *, organization: Organization, action: Action, on: date, by=None
) -> ActionReview | None:
    """Undo `action_edit`: the message is the step's text again (an approval given
    before is withdrawn). Logged as a note; nothing to undo is refused."""
    action = _planned_message(organization, action)
    review = ActionReview.objects.filter(action=action).first()
    if review is None or not review.edited:
        raise OwedError("this message was not edited: it is the step's text already")
    review.language = review.subject = review.body = review.letter_body = ""
    review.edited_by, review.edited_at = by, None
    review.approved_by = review.approved_at = None
    review.save()
    said = summaries.message_reset(step=action.step)
    note_log(organization=organization, client=action.client, on=on, note=said.english, said=said)
    return review


@transaction.atomic
def actions_approve(
    *, organization: Organization, ids: Sequence[int], by=None, now: datetime | None = None
) -> list[Action]:
    """Approve the organization's planned e-mail and letter actions among `ids`, for an
    organization that sends only what a user approved (`review_before_sending`). Those
    approved already keep their first approval; those no longer planned (sent meanwhile,
    skipped) are passed over. Refused when none of `ids` can be approved."""
    now = now or timezone.now()
    found = [
        a
        for a in Action.objects.select_for_update()
        .filter(organization=organization, pk__in=list(ids), status=Action.Status.PLANNED)
        .order_by("id")
        if is_message(a)
    ]
    if not found:
        raise OwedError("nothing to approve: no planned e-mail or letter among these actions")
    reviews = ActionReview.objects.filter(action__in=found)
    reviews.filter(approved_at=None).update(approved_at=now, approved_by=by)
    have = set(reviews.values_list("action_id", flat=True))
    ActionReview.objects.bulk_create(
        [ActionReview(action=a, approved_at=now, approved_by=by) for a in found if a.pk not in have]
    )
    return found


@dataclass(frozen=True, slots=True)
class SentNow:
    """What `action_send_now` did: the message queued and, when it could go at once, how
    its delivery went."""

    action: Action
    message: object
    """The `owed.mail.models.Message`."""
    send_at: datetime
    """When the client may be contacted: now, or the start of its next contact window."""
    delivery: object | None
    """`owed.mail.delivery.Outcome`; None when not tried yet (see `waiting`)."""
    waiting: str = ""
    """Why delivery was not tried: ``later`` (outside the client's contact hours) or
    ``no_server`` (no mail server set)."""


def action_send_now(
    *, organization: Organization, action: Action, by=None, now: datetime | None = None
) -> SentNow:
    """Compose this planned e-mail or letter action and send it now, before its scheduled
    moment if need be, as `owed send` would: one message per action (sending it twice
    finds it planned no more and is refused), queued in one transaction with the action
    marked sent and the message logged; then delivered once that has committed.

    Refused, changing nothing, when the action is not planned any more, when the client
    has no e-mail address (or, for a letter, no postal address), or when nothing is owed
    on its invoices any more. Outside the client's contact hours the message waits for
    their start. Sending it is approving it. Not inside a transaction: delivery claims
    the message in one of its own (`owed.mail.delivery`).
    """
    now = now or timezone.now()
    with transaction.atomic():
        message = queue_now(organization=organization, action=action, by=by, now=now)
    return deliver_now(organization=organization, action=action, message=message, now=now)


def queue_now(*, organization: Organization, action: Action, by=None, now: datetime):
    """The first half of sending an action now, inside the caller's transaction: compose
    the planned e-mail or letter action, approve it and queue its message (the action
    becomes sent and the message is logged). `OwedError` when it cannot go; the caller's
    transaction is then to be rolled back (a refused composition marks the action
    failed). Returns the queued `owed.mail.models.Message`."""
    from owed.documents.compose import compose
    from owed.documents.outbox import queue_composed
    from owed.mail.models import Message

    action = _planned_message(organization, action)
    client = action.client
    if "letter" in action.channel_list and not client.address.strip():
        raise OwedError(f"client {client.code} has no postal address for the letter")
    composed = compose(action)  # CompositionError (an OwedError): no address, nothing owed
    actions_approve(organization=organization, ids=[action.pk], by=by, now=now)
    outcome = queue_composed(action, composed, now=now)
    if outcome.status != "queued":
        raise OwedError("; ".join(outcome.notes) or f"the action was {outcome.status}")
    return Message.objects.get(pk=outcome.message)


def deliver_now(*, organization: Organization, action: Action, message, now: datetime) -> SentNow:
    """The second half, once the queueing has committed: deliver the message at once when
    the client may be contacted now and a mail server is set; else say why it waits."""
    from owed.mail.delivery import deliver_message
    from owed.mail.models import MailServer

    if message.next_attempt_at > now:
        return SentNow(action, message, message.next_attempt_at, None, waiting="later")
    if not MailServer.objects.filter(organization=organization).exists():
        return SentNow(action, message, message.next_attempt_at, None, waiting="no_server")
    delivered = deliver_message(message.pk, now=now)
    message.refresh_from_db()
    return SentNow(action, message, message.next_attempt_at or now, delivered)
