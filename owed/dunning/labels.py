"""The names of the collection steps, in the active language: for pages, letters and the
claim file alike."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    "instalment_pre_due_reminder": _("Reminder before an instalment is due"),
    "instalment_reminder": _("Reminder of a missed instalment"),
    "plan_broken": _("Notice of a broken payment plan"),
    "hold_lifted": _("Credit hold lifted"),
    "work_resumed": _("Work resumes"),
}


def step_label(code: str) -> str:
    """The step's name in the active language; a step of the user's own, as it is coded."""
    label = STEPS.get(code)
    return str(label) if label is not None else code.replace("_", " ")
