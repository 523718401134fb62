"""Words for codes the back office shows: steps, aging buckets, risk reasons."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from owed.web.risk import Reason

STEPS = {
    "pre_due_reminder": _("Reminder before the due date"),
    "reminder": _("Reminder"),
    "invoice_copy": _("Copy of the invoice"),
    "call": pgettext_lazy("step", "Call"),
    "payer_contact": _("Message to the payer"),
    "formal_notice": _("Formal notice"),
    "credit_hold": _("Credit hold"),
    "work_stop": _("Work stop"),
    "demand_letter": _("Demand letter"),
    "agency_handoff": _("Hand-off to a collection agency"),
    "legal": _("Legal action"),
    "broken_promise": _("Call about a broken promise"),
    "callback": _("Call back"),
    "propose_plan": _("Propose a payment plan"),
    "resolve_dispute": _("Resolve the dispute"),
    "plan_broken": _("Notice of a broken payment plan"),
    "hold_lifted": _("Credit hold lifted"),
    "work_resumed": _("Work resumes"),
}


def step_label(code: str) -> str:
    """The step's name in the active language; a step of the user's own, as it is coded."""
    label = STEPS.get(code)
    return str(label) if label is not None else code.replace("_", " ")


BUCKETS = {
    "current": _("Not yet due"),
    "1_30": _("1-30 days late"),
    "31_60": _("31-60 days late"),
    "61_90": _("61-90 days late"),
    "90_plus": _("Over 90 days late"),
}

RISK_REASONS = {
    Reason.AVERAGE_LATE: _("pays late on average"),
    Reason.BROKEN: _("broken promises or payment plans"),
    Reason.OVERDUE_NOW: _("an invoice is overdue now"),
    Reason.ON_TIME: _("pays on time"),
    Reason.NO_HISTORY: _("no invoice paid or due yet"),
}
