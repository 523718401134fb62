"""A client's page: its timeline, payment history and risk grade, contracts and banners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, Q

from owed.dunning.models import Action, Dispute, Hold, Interaction, Plan, Promise, Snooze, WorkStop
from owed.dunning.selectors import client_actions
from owed.dunning.summaries import action_reason_text, note_shown, summary_text
from owed.ledger.models import Allocation, Client, Contract, Invoice, Organization
from owed.ledger.selectors import annotate_balance
from owed.web.risk import Grade, History, risk_grade

TIMELINE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Event:
    """One line of a client's timeline."""

    day: date
    kind: str
    """invoice, payment, action, interaction, promise, plan, dispute, resolved, snooze,
    hold, hold_lifted, work_stop, work_resumed."""
    order: int
    """Among events of one day, the higher comes first (newest first)."""
    subject: object
    amount: Decimal | None = None
    currency: str = ""
    text: str = ""
    """An interaction's summary, or why an action was skipped, in the reader's language
    (`owed.dunning.summaries`)."""
    detail: str = ""
    """An interaction's note, when it is not the summary again."""


def timeline(*, organization: Organization, client: Client) -> tuple[list[Event], bool]:
    """Everything that happened with the client, newest first, and whether older events
    were left out (beyond `TIMELINE_LIMIT`); summaries in the active language."""
    events: list[Event] = []
    limit = TIMELINE_LIMIT + 1
    own = {"organization": organization, "client": client}
    for invoice in Invoice.objects.filter(**own).order_by("-issue_date", "-id")[:limit]:
        events.append(
            Event(invoice.issue_date, "invoice", 10, invoice, invoice.total, invoice.currency)
        )
    for payment in (
        client.payments.filter(organization=organization)
        .prefetch_related("allocations__invoice")
        .order_by("-date", "-id")[:limit]
    ):
        events.append(Event(payment.date, "payment", 80, payment, payment.amount, payment.currency))
    # Steps merged into another message, or skipped by a run catching up, never reached
    # the client: they would only crowd the timeline.
    for action in (
        client_actions(organization=organization, client=client)
        .exclude(status=Action.Status.MERGED)
        .exclude(status=Action.Status.SKIPPED, reason__startswith="catch-up")
        .prefetch_related("lines__invoice")
        .order_by("-decided_on", "-id")[:limit]
    ):
        events.append(
            Event(action.decided_on, "action", 40, action, text=action_reason_text(action.reason))
        )
    for interaction in (
        Interaction.objects.filter(**own)
        .select_related("invoice")
        .order_by("-happened_on", "-id")[:limit]
    ):
        events.append(
            Event(
                interaction.happened_on,
                "interaction",
                50,
                interaction,
                text=summary_text(interaction),
                detail=note_shown(interaction),
            )
        )
    for promise in (
        Promise.objects.filter(**own)
        .prefetch_related("invoices")
        .order_by("-made_on", "-id")[:limit]
    ):
        events.append(Event(promise.made_on, "promise", 70, promise))
    for plan in (
        Plan.objects.filter(**own)
        .prefetch_related("invoices", "instalments")
        .order_by("-created_on", "-id")[:limit]
    ):
        events.append(Event(plan.created_on, "plan", 70, plan, plan.total, plan.currency))
    for dispute in (
        Dispute.objects.filter(organization=organization, invoice__client=client)
        .select_related("invoice")
        .order_by("-opened_on", "-id")[:limit]
    ):
        events.append(Event(dispute.opened_on, "dispute", 60, dispute))
        if dispute.resolved_on:
            events.append(Event(dispute.resolved_on, "resolved", 61, dispute))
    for snooze in (
        Snooze.objects.filter(organization=organization)
        .filter(Q(client=client) | Q(invoice__client=client))
        .select_related("invoice")
        .order_by("-created_on", "-id")[:limit]
    ):
        events.append(Event(snooze.created_on, "snooze", 55, snooze))
    for hold in Hold.objects.filter(**own).order_by("-since", "-id")[:limit]:
        events.append(Event(hold.since, "hold", 30, hold))
        if hold.lifted_on:
            events.append(Event(hold.lifted_on, "hold_lifted", 31, hold))
    for stop in (
        WorkStop.objects.filter(organization=organization, contract__client=client)
        .select_related("contract")
        .order_by("-since", "-id")[:limit]
    ):
        events.append(Event(stop.since, "work_stop", 30, stop))
        if stop.lifted_on:
            events.append(Event(stop.lifted_on, "work_resumed", 31, stop))
    events.sort(key=lambda e: (e.day, e.order, getattr(e.subject, "pk", 0)), reverse=True)
    return events[:TIMELINE_LIMIT], len(events) > TIMELINE_LIMIT


@dataclass(frozen=True, slots=True)
class Record:
    """A client's payment record: the history behind its risk grade, and the grade."""

    history: History
    grade: Grade
    open_by_currency: list[tuple[str, Decimal]]


def payment_record(*, organization: Organization, client: Client, today: date) -> Record:
    """Late count and average days late over the invoices paid or past their due date
    (written-off ones count as unpaid since their due date up to the write-off)."""
    invoices = list(
        annotate_balance(Invoice.objects.filter(organization=organization, client=client))
    )
    last_paid = paid_on([i.pk for i in invoices])
    judged = late = total_days = longest = 0
    owed: dict[str, Decimal] = {}
    for invoice in invoices:
        if invoice.written_off_on is not None:
            end = invoice.written_off_on
        elif invoice.balance <= 0:
            end = last_paid.get(invoice.pk, invoice.due_date)
        elif invoice.due_date < today:
            end = today
            longest = max(longest, (today - invoice.due_date).days)
        else:
            end = None  # not yet due: says nothing yet
        if invoice.balance > 0 and invoice.written_off_on is None:
            owed[invoice.currency] = owed.get(invoice.currency, Decimal(0)) + invoice.balance
        if end is None:
            continue
        judged += 1
        days = max(0, (end - invoice.due_date).days)
        total_days += days
        late += days > 0
    broken = (
        Promise.objects.filter(
            organization=organization, client=client, status=Promise.Status.BROKEN
        ).count()
        + Plan.objects.filter(
            organization=organization, client=client, status=Plan.Status.BROKEN
        ).count()
    )
    history = History(
        judged=judged, late=late, days_late_total=total_days, broken=broken, longest_overdue=longest
    )
    return Record(history, risk_grade(history), sorted(owed.items()))


def holds(*, organization: Organization, client: Client) -> tuple[Hold | None, list[WorkStop]]:
    """The credit hold in force for the client, and its contracts' work stops in force."""
    hold = Hold.objects.filter(organization=organization, client=client, lifted_on=None).first()
    stops = list(
        WorkStop.objects.filter(
            organization=organization, contract__client=client, lifted_on=None
        ).select_related("contract")
    )
    return hold, stops


def contracts(*, organization: Organization, client: Client) -> list[Contract]:
    return list(
        Contract.objects.filter(organization=organization, client=client)
        .prefetch_related("milestones")
        .order_by("code")
    )


def paid_on(invoice_ids: list[int]) -> dict[int, date]:
    """The day each invoice got its last payment."""
    return dict(
        Allocation.objects.filter(invoice_id__in=invoice_ids)
        .values("invoice_id")
        .annotate(last=Max("payment__date"))
        .values_list("invoice_id", "last")
    )
