"""What a user decides about a planned action (the Today page, the API): skip it, snooze
what it is about, or write an invoice off. Each is one transaction built from the
collections services (so it is logged as an interaction and the invoices are planned
again at the next run)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from owed.dunning.models import Action, ActionLine
from owed.dunning.services import note_log, replan, snooze_create
from owed.errors import OwedError
from owed.ledger.models import Invoice, Organization
from owed.ledger.services import invoice_write_off


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
        note_log(
            organization=organization,
            client=action.client,
            on=on,
            note=f"Skipped {action.step.replace('_', ' ')}: {reason}",
        )
    replan([i.pk for i in invoices])
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
        reason=f"snoozed until {until}",
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
    ).update(status=Action.Status.SKIPPED, reason="the invoice was written off")
    note_log(
        organization=organization,
        client=invoice.client,
        on=on,
        note=f"Wrote off {invoice.number}" + (f": {note.strip()}" if note.strip() else ""),
    )
    return invoice
