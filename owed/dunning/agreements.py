"""Promises, disputes, payment plans and snoozes: what pauses an invoice's ladder.

Each is logged as an `Interaction` and has its invoices looked at again by the next run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from owed.core.money import allocate_evenly
from owed.dunning import summaries
from owed.dunning.models import Action, Dispute, Instalment, Interaction, Plan, Promise, Snooze
from owed.dunning.records import (
    balances_of,
    channel_for,
    log_interaction,
    one_client,
    replan,
    require_owed,
)
from owed.errors import OwedError
from owed.ledger.models import Client, Invoice, Organization
from owed.ledger.selectors import annotate_balance

MAX_INSTALMENTS = 60


@transaction.atomic
def promise_record(
    *,
    organization: Organization,
    invoices: Sequence[Invoice],
    until: date,
    on: date,
    note: str = "",
    log: bool = True,
    via: str = "",
) -> Promise:
    """The client promised to pay `invoices` by `until`: they are not chased until then.
    `via`: see `VIA`."""
    if not invoices:
        raise OwedError("a promise needs at least one invoice")
    client = one_client(invoices)
    if until < on:
        raise OwedError(f"the promised date {until} is before the day of the promise {on}")
    require_owed(invoices, "promise")
    promise = Promise.objects.create(
        organization=organization, client=client, made_on=on, until=until, note=note
    )
    promise.invoices.set(invoices)
    if log:
        log_interaction(
            organization,
            client,
            on=on,
            channel=channel_for(via, Interaction.Channel.NOTE),
            direction=Interaction.Direction.IN,
            said=summaries.promise(invoices=invoices, until=until),
            invoice=invoices[0] if len(invoices) == 1 else None,
            is_response=True,
            note=note,
        )
    replan([i.pk for i in invoices])
    return promise


@transaction.atomic
def dispute_open(
    *,
    organization: Organization,
    invoice: Invoice,
    reason: str,
    on: date,
    log: bool = True,
    via: str = "",
) -> Dispute:
    """The client disputes the invoice: its ladder stops until the dispute is resolved.
    `via`: see `VIA`."""
    if not reason.strip():
        raise OwedError("say what the client disputes (--reason)")
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                organization=organization, invoice=invoice, opened_on=on, reason=reason.strip()
            )
    except IntegrityError:
        raise OwedError(f"invoice {invoice.number} already has an open dispute") from None
    if log:
        log_interaction(
            organization,
            invoice.client,
            on=on,
            channel=channel_for(via, Interaction.Channel.NOTE),
            direction=Interaction.Direction.IN,
            said=summaries.dispute(invoice=invoice.number, reason=reason),
            invoice=invoice,
            is_response=True,
        )
    replan([invoice.pk])
    return dispute


@transaction.atomic
def dispute_resolve(
    *, organization: Organization, invoice: Invoice, on: date, resolution: str = ""
) -> Dispute:
    """Close the invoice's open dispute: its ladder resumes where it stopped."""
    dispute = Dispute.objects.filter(
        organization=organization, invoice=invoice, resolved_on=None
    ).first()
    if dispute is None:
        raise OwedError(f"invoice {invoice.number} has no open dispute")
    if on < dispute.opened_on:
        raise OwedError(f"the dispute was opened on {dispute.opened_on}, after {on}")
    dispute.resolved_on = on
    dispute.resolution = resolution
    dispute.save(update_fields=["resolved_on", "resolution"])
    Action.objects.filter(
        organization=organization, key=f"dispute:{dispute.pk}:resolve", status="planned"
    ).update(status=Action.Status.DONE)
    log_interaction(
        organization,
        invoice.client,
        on=on,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.INTERNAL,
        said=summaries.dispute_resolved(invoice=invoice.number, resolution=resolution),
        invoice=invoice,
    )
    replan([invoice.pk])
    return dispute


@transaction.atomic
def plan_create(
    *,
    organization: Organization,
    invoices: Sequence[Invoice],
    instalments: int,
    every_days: int,
    on: date,
    first_due: date | None = None,
    grace_days: int = 7,
) -> Plan:
    """Agree to have the invoices' balance paid in equal instalments every `every_days`."""
    if not invoices:
        raise OwedError("a plan needs at least one invoice")
    if not 1 <= instalments <= MAX_INSTALMENTS:
        raise OwedError(f"a plan has between 1 and {MAX_INSTALMENTS} instalments")
    if every_days < 1:
        raise OwedError("instalments must be at least one day apart (--every)")
    if grace_days < 0:
        raise OwedError("the grace days cannot be negative")
    client = one_client(invoices)
    currencies = {i.currency for i in invoices}
    if len(currencies) != 1:
        raise OwedError("a plan covers invoices of one currency")
    require_owed(invoices, "plan")
    if Plan.objects.filter(invoices__in=invoices, status=Plan.Status.ACTIVE).exists():
        raise OwedError("one of these invoices is already under an active plan")
    rows = dict(
        annotate_balance(Invoice.objects.filter(pk__in=[i.pk for i in invoices])).values_list(
            "id", "paid"
        )
    )
    balances = balances_of(invoices)
    total = sum(balances.values(), Decimal(0))
    currency = currencies.pop()
    first = first_due or on + timedelta(days=every_days)
    if first < on:
        raise OwedError(f"the first instalment ({first}) cannot be due before the plan ({on})")
    plan = Plan.objects.create(
        organization=organization,
        client=client,
        created_on=on,
        currency=currency,
        total=total,
        paid_before=sum(rows.values(), Decimal(0)),
        grace_days=grace_days,
    )
    plan.invoices.set(invoices)
    Instalment.objects.bulk_create(
        Instalment(
            plan=plan, number=n, due_date=first + timedelta(days=every_days * (n - 1)), amount=a
        )
        for n, a in enumerate(allocate_evenly(total, instalments, currency), start=1)
    )
    log_interaction(
        organization,
        client,
        on=on,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.IN,
        said=summaries.plan(
            invoices=invoices, instalments=instalments, every_days=every_days, first=first
        ),
        is_response=True,
    )
    replan([i.pk for i in invoices])
    return plan


@transaction.atomic
def snooze_create(
    *,
    organization: Organization,
    until: date,
    on: date,
    invoice: Invoice | None = None,
    client: Client | None = None,
    note: str = "",
) -> Snooze:
    """Chase nothing for the invoice (or every invoice of the client) until `until`."""
    if (invoice is None) == (client is None):
        raise OwedError("snooze either an invoice or a client")
    if until <= on:
        raise OwedError(f"snooze until a day after {on}")
    target_client = client or invoice.client
    snooze = Snooze.objects.create(
        organization=organization,
        invoice=invoice,
        client=client,
        created_on=on,
        until=until,
        note=note,
    )
    log_interaction(
        organization,
        target_client,
        on=on,
        channel=Interaction.Channel.NOTE,
        direction=Interaction.Direction.INTERNAL,
        said=summaries.snooze(
            until=until,
            invoice=invoice.number if invoice else "",
            client="" if invoice else target_client.code,
        ),
        invoice=invoice,
        note=note,
    )
    if invoice is not None:
        replan([invoice.pk])
    else:
        replan(list(Invoice.objects.filter(client=client).values_list("pk", flat=True)))
    return snooze
