"""An invoice's page: where it stands on its ladder, what pauses it, and its charges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from owed.core import decide as core
from owed.core.ladder import Condition, Step
from owed.core.rates import RateTable
from owed.dunning.models import Action, Dispute, Plan, Promise, Snooze
from owed.dunning.step_now import StepChoice, client_policy, step_choices
from owed.errors import OwedError
from owed.law.services import InvoiceCharges, invoice_charges, say
from owed.ledger.models import Invoice, Organization
from owed.ledger.selectors import annotate_balance


def invoice_of(*, organization: Organization, number: str) -> Invoice | None:
    """The organization's invoice by number, with `paid`, `balance` and `state`."""
    return (
        annotate_balance(Invoice.objects.filter(organization=organization, number=number))
        .select_related("client", "contract")
        .first()
    )


@dataclass(frozen=True, slots=True)
class Rung:
    """One step of the invoice's ladder and what became of it."""

    step: Step
    on: date
    """The day the step is due for this invoice (before any pause moved it)."""
    action: Action | None
    """The action that took the step (planned, sent, done, skipped or merged), if any."""
    is_next: bool


@dataclass(frozen=True, slots=True)
class Ladder:
    policy: str
    rungs: tuple[Rung, ...]
    last: Rung | None
    """The most advanced step taken."""
    next: Rung | None
    next_look: date | None
    """When the run looks at the invoice again (it may take the next step then); None: at
    the next run; `date.max`: not unless something changes."""


def ladder(*, organization: Organization, invoice: Invoice) -> Ladder:
    policy = client_policy(organization=organization, client=invoice.client)
    grace = invoice.contract.work_stop_grace_days if invoice.contract else None
    steps = []
    for rank, step in enumerate(policy.steps):
        if Condition.WORK_STOP_CLAUSE in step.conditions and grace is None:
            continue
        steps.append((step.date_for(invoice.due_date, work_stop_grace_days=grace), rank, step))
    steps.sort(key=lambda s: (s[0], s[1]))
    taken = {
        a.step: a
        for a in Action.objects.filter(
            organization=organization, invoice=invoice, kind=core.Kind.LADDER
        ).order_by("decided_on", "id")
    }
    last_index = max((i for i, s in enumerate(steps) if s[2].code in taken), default=-1)
    done = invoice.balance <= 0 or invoice.written_off_on is not None
    rungs = tuple(
        Rung(
            step=step,
            on=on,
            action=taken.get(step.code),
            is_next=not done and i == last_index + 1,
        )
        for i, (on, _, step) in enumerate(steps)
    )
    return Ladder(
        policy=policy.name,
        rungs=rungs,
        last=rungs[last_index] if last_index >= 0 else None,
        next=next((r for r in rungs if r.is_next), None),
        next_look=invoice.next_step_on,
    )


@dataclass(frozen=True, slots=True)
class Pauses:
    """What keeps the invoice's ladder still today."""

    disputes: list[Dispute]
    promises: list[Promise]
    snoozes: list[Snooze]
    plans: list[Plan]

    def __bool__(self) -> bool:
        return bool(self.disputes or self.promises or self.snoozes or self.plans)


def pauses(*, organization: Organization, invoice: Invoice, today: date) -> Pauses:
    return Pauses(
        disputes=list(
            Dispute.objects.filter(organization=organization, invoice=invoice, resolved_on=None)
        ),
        promises=list(
            Promise.objects.filter(
                organization=organization,
                invoices=invoice,
                status=Promise.Status.OPEN,
                until__gte=today,
            )
        ),
        snoozes=list(
            Snooze.objects.filter(organization=organization, until__gt=today)
            .filter(Q(invoice=invoice) | Q(client=invoice.client_id, invoice=None))
            .order_by("until")
        ),
        plans=list(
            Plan.objects.filter(
                organization=organization, invoices=invoice, status=Plan.Status.ACTIVE
            )
        ),
    )


@dataclass(frozen=True, slots=True)
class Charges:
    """Interest and fees to date, or why they cannot be computed (`problem`)."""

    result: InvoiceCharges | None
    problem: str
    basis: str = ""
    """The legal ground, in the active language."""


def charges(
    *, invoice: Invoice, today: date, tables: Mapping[str, RateTable] | None = None
) -> Charges | None:
    """What may be charged on the invoice today; None when it is not late.

    `tables` (`owed.law.services.rate_tables()`) lets a caller showing several invoices
    read the rate tables once; left out, they are read here."""
    if invoice.balance <= 0 or invoice.written_off_on is not None or invoice.due_date >= today:
        return None
    try:
        result = invoice_charges(invoice, until=today, tables=tables)
    except OwedError as exc:
        return Charges(None, exc.message)
    return Charges(result, "", say(result.interest.basis))


def history(*, organization: Organization, invoice: Invoice) -> dict:
    """The invoice's payments, promises, plans, disputes and snoozes, newest first."""
    return {
        "allocations": list(
            invoice.allocations.filter(organization=organization)
            .select_related("payment")
            .order_by("-payment__date", "-id")
        ),
        "promises": list(
            Promise.objects.filter(organization=organization, invoices=invoice).order_by(
                "-made_on", "-id"
            )
        ),
        "plans": list(
            Plan.objects.filter(organization=organization, invoices=invoice)
            .prefetch_related("instalments")
            .order_by("-created_on", "-id")
        ),
        "disputes": list(
            Dispute.objects.filter(organization=organization, invoice=invoice).order_by(
                "-opened_on", "-id"
            )
        ),
        "lines": list(invoice.lines.order_by("position", "id")),
    }


def send_choices(*, organization: Organization, invoice: Invoice, today: date) -> list[StepChoice]:
    """The steps of the invoice's ladder a user may send now (see
    `owed.dunning.step_now.step_choices`); none when nothing is owed on it."""
    if invoice.balance <= 0 or invoice.written_off_on is not None:
        return []
    return step_choices(organization=organization, invoice=invoice, today=today)
