"""Calls, replies and notes: what was said with a client, and the moves a call's outcome
calls for (playbook L3-L4: a fresh invoice copy, a plan proposal, a dispute, a promise, a
call-back)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction

from owed.core import decide as core
from owed.core.calendar import first_allowed_moment
from owed.core.calls import Move, Reason, moves_after_call
from owed.core.ladder import Channel
from owed.dunning import summaries
from owed.dunning.agreements import dispute_open, promise_record
from owed.dunning.models import Action, Dispute, Interaction
from owed.dunning.records import (
    balances_of,
    channel_for,
    log_interaction,
    overdue_invoices,
    replan,
)
from owed.dunning.selectors import client_actions
from owed.dunning.summaries import Said
from owed.errors import OwedError
from owed.ledger.models import Client, Invoice, Organization
from owed.ledger.zones import country_zone


@transaction.atomic
def call_log(
    *,
    organization: Organization,
    client: Client,
    on: date,
    reached: bool = True,
    reason: Reason | None = None,
    promised_for: date | None = None,
    note: str = "",
) -> Interaction:
    """Record a call and make the moves its outcome suggests (playbook L3-L4).

    A reached call needs a reason. Planned call tasks of the client up to `on` are done.
    """
    if reached and reason is None:
        raise OwedError(
            "say why the client has not paid: --reason " + "|".join(r.value for r in Reason)
        )
    if promised_for is not None and not reached:
        raise OwedError("a promise needs a call that reached the client")
    interaction = log_interaction(
        organization,
        client,
        on=on,
        channel=Interaction.Channel.CALL,
        direction=Interaction.Direction.OUT,
        said=summaries.call(
            reached=reached, reason=reason.value if reason else "", promised_for=promised_for
        ),
        is_response=reached,
        reason=reason.value if reason else "",
        note=note,
        outcome=summaries.call_outcome(promised_for),
    )
    client_actions(organization=organization, client=client).filter(
        status=Action.Status.PLANNED,
        step__in=sorted(core.CALL_TASKS),
        decided_on__lte=on,
    ).update(status=Action.Status.DONE)
    overdue = overdue_invoices(organization=organization, client=client, on=on)
    moves = moves_after_call(
        reason=reason or Reason.OTHER,
        called_on=on,
        promised_for=promised_for,
        country=client.country,
    )
    for move in moves:
        if move.move is Move.SEND_INVOICE_COPY and overdue:
            _invoice_copies(organization, client, overdue, on, interaction)
        elif move.move is Move.PROPOSE_PLAN:
            _task(
                organization,
                client,
                f"interaction:{interaction.pk}:propose_plan",
                "propose_plan",
                on,
                overdue,
            )
        elif move.move is Move.OPEN_DISPUTE:
            for invoice in overdue:
                if not Dispute.objects.filter(invoice=invoice, resolved_on=None).exists():
                    dispute_open(
                        organization=organization,
                        invoice=invoice,
                        reason=note or summaries.DISPUTE_BY_CALL_REASON,
                        on=on,
                        log=False,
                    )
        elif move.move is Move.RECORD_PROMISE and overdue:
            promise_record(
                organization=organization,
                invoices=overdue,
                until=promised_for,
                on=on,
                note=note,
                log=False,
            )
        elif move.move is Move.CALL_BACK:
            _task(
                organization,
                client,
                f"interaction:{interaction.pk}:callback",
                "callback",
                move.on,
                overdue,
            )
    replan([i.pk for i in overdue])
    return interaction


def reply_log(
    *,
    organization: Organization,
    client: Client,
    on: date,
    note: str = "",
    said: Said | None = None,
    via: str = "",
) -> Interaction:
    """The client answered (e-mail, chat, letter, the portal): a response for the
    credit-hold rule. `said`: what it said, when owed words it (default: a reply)."""
    interaction = log_interaction(
        organization,
        client,
        on=on,
        channel=channel_for(via, Interaction.Channel.EMAIL),
        direction=Interaction.Direction.IN,
        said=said or summaries.reply(),
        is_response=True,
        note=note,
    )
    replan(list(Invoice.objects.filter(client=client).values_list("pk", flat=True)))
    return interaction


def note_log(
    *, organization: Organization, client: Client, on: date, note: str, said: Said | None = None
) -> Interaction:
    """A note on the client's record: a user's (its first line is the summary), or owed's
    (`said`, with the note in English for the CLI and the API)."""
    if not note.strip():
        raise OwedError("a note needs some text (--note)")
    return log_interaction(
        organization,
        client,
        on=on,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.INTERNAL,
        said=said or note.strip().splitlines()[0],
        note=note,
    )


def _zone(organization: Organization, client: Client) -> str:
    return client.timezone or country_zone(client.country) or organization.timezone


def _moment(organization: Organization, client: Client, on: date) -> datetime:
    from zoneinfo import ZoneInfo

    zone = _zone(organization, client)
    return first_allowed_moment(
        on_or_after=datetime.combine(on, time(0), tzinfo=ZoneInfo(zone)),
        country=client.country,
        client_kind=client.kind,
        tz=zone,
    )


def _task(
    organization: Organization,
    client: Client,
    key: str,
    step: str,
    on: date,
    invoices: Sequence[Invoice],
) -> Action:
    action, _ = Action.objects.get_or_create(
        organization=organization,
        key=key,
        defaults={
            "kind": "task",
            "client": client,
            "step": step,
            "channels": Channel.TASK.value,
            "decided_on": on,
            "scheduled_for": _moment(organization, client, on),
            "timezone": _zone(organization, client),
        },
    )
    _lines(action, invoices, on)
    return action


def _lines(action: Action, invoices: Sequence[Invoice], on: date) -> None:
    from owed.dunning.models import ActionLine

    balances = balances_of(invoices)
    ActionLine.objects.bulk_create(
        ActionLine(
            action=action,
            invoice=i,
            days_overdue=(on - i.due_date).days,
            balance=balances.get(i.pk, Decimal(0)),
        )
        for i in invoices
    )


def _invoice_copies(
    organization: Organization,
    client: Client,
    invoices: Sequence[Invoice],
    on: date,
    interaction: Interaction,
) -> Action:
    """Send a fresh copy of the invoices now, in one message. Each invoice whose ladder has
    not reached `invoice_copy` yet gets that step recorded as merged into this message, so
    the ladder does not send a copy again."""
    action = Action.objects.create(
        organization=organization,
        key=f"interaction:{interaction.pk}:invoice_copy",
        kind="manual",
        client=client,
        step="invoice_copy",
        channels=Channel.EMAIL.value,
        decided_on=on,
        scheduled_for=_moment(organization, client, on),
        timezone=_zone(organization, client),
        reason="the client said the invoice was lost",
    )
    _lines(action, invoices, on)
    taken = set(
        Action.objects.filter(
            organization=organization,
            key__in=[core.invoice_key(i.pk, "invoice_copy") for i in invoices],
        ).values_list("key", flat=True)
    )
    for invoice in invoices:
        key = core.invoice_key(invoice.pk, "invoice_copy")
        if key in taken:
            continue
        merged = Action.objects.create(
            organization=organization,
            key=key,
            kind=core.Kind.LADDER.value,
            client=client,
            invoice=invoice,
            subject_id=invoice.pk,
            step="invoice_copy",
            channels=Channel.EMAIL.value,
            status=Action.Status.MERGED,
            merged_into=action,
            decided_on=on,
            scheduled_for=action.scheduled_for,
            timezone=action.timezone,
            reason="merged into invoice_copy",
        )
        _lines(merged, [invoice], on)
    return action
