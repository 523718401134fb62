"""What a preview of a plan's or a promise's step is about: the next unpaid instalment of
the invoice's payment plan, or the invoice's latest promise to pay; and when the invoice
has neither, made-up values for their placeholders, so that every step previews.

`owed.documents.compose.preview_step` uses them; a real instalment reminder or broken
promise call names its plan or promise itself (its action's subject).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Final

from owed.core.facts import instalment_key
from owed.core.localize import format_amount, format_date, format_number
from owed.core.money import allocate_evenly
from owed.documents.values import Draft, policy_step
from owed.ledger.models import Invoice
from owed.ledger.selectors import annotate_balance

SAMPLE_INSTALMENTS: Final = 3
"""A sample instalment is the first of this many equal parts of the balance."""

SAMPLE_PROMISE_DAYS: Final = 7
"""A sample broken promise was for this many days before the preview's day."""


def preview_instalment(draft: Draft, invoice: Invoice) -> dict[str, str]:
    """Point the draft at the next unpaid instalment of the invoice's plan, as a reminder
    of it would be; without one, the sample instalment's values (and a note)."""
    from owed.dunning.models import Plan

    plans = sorted(
        Plan.objects.filter(invoices=invoice).prefetch_related("instalments"),
        key=lambda p: (p.status == Plan.Status.ACTIVE, p.created_on, p.pk),
        reverse=True,
    )
    for plan in plans:
        instalment = _next_unpaid(plan)
        if instalment is None:
            continue
        draft.subject_id = plan.pk
        draft.action_key = instalment_key(plan.pk, instalment.number, draft.step)
        draft.amount_due = instalment.amount
        draft.notes.append(
            f"instalment {instalment.number} of payment plan {plan.pk} "
            f"({instalment.amount} {plan.currency}, due {instalment.due_date})"
        )
        return {}
    currency = invoice.currency
    balance = sum((line.balance for line in draft.lines), Decimal(0))
    amount = allocate_evenly(balance, SAMPLE_INSTALMENTS, currency)[0]
    found = policy_step(draft.client, draft.step)
    due = draft.today - timedelta(days=found.offset_days if found else 0)
    draft.amount_due = amount
    draft.notes.append(
        f"{invoice.number} has no payment plan with an instalment left to pay: a sample "
        f"instalment is shown (1 of {SAMPLE_INSTALMENTS}, {amount} {currency}, due {due})"
    )
    code = draft.language
    return {
        "instalment_number": format_number(1, code),
        "instalment_amount": format_amount(amount, currency, code),
        "instalment_due_date": format_date(due, code),
    }


def _next_unpaid(plan):
    """The plan's first instalment not covered by what its invoices received since it was
    agreed (as `owed.core.decide` counts it); None when all are."""
    paid = sum(
        annotate_balance(Invoice.objects.filter(plans=plan)).values_list("paid", flat=True),
        Decimal(0),
    )
    paid -= plan.paid_before
    cumulative = Decimal(0)
    for instalment in sorted(plan.instalments.all(), key=lambda i: i.number):
        cumulative += instalment.amount
        if paid < cumulative:
            return instalment
    return None


def preview_promise(draft: Draft, invoice: Invoice) -> dict[str, str]:
    """Point the draft at the invoice's latest promise to pay; without one, a sample
    promised date (and a note)."""
    from owed.dunning.models import Promise

    promise = Promise.objects.filter(invoices=invoice).order_by("-made_on", "-id").first()
    if promise is not None:
        draft.subject_id = promise.pk
        draft.notes.append(f"the promise to pay by {promise.until} made on {promise.made_on}")
        return {}
    until = draft.today - timedelta(days=SAMPLE_PROMISE_DAYS)
    draft.notes.append(
        f"{invoice.number} has no promise to pay: a sample promised date is shown ({until})"
    )
    return {"promise_date": format_date(until, draft.language)}
