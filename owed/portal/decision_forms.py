"""The back office's forms that decide what a client asked or reported in the portal (Today's
"Client requests"): approve or decline a plan request, say a reported payment was not
received. The services in `owed.portal.requests` check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from owed.web.forms import PlanForm


class ApproveForm(PlanForm):
    """The plan as an invoice's page makes it, its terms starting from what the client
    asked; the plan keeps `plan_create`'s default grace days."""

    grace_days = None


class DeclineForm(forms.Form):
    # Required and stripped: a reason of spaces only is "This field is required."
    reason = forms.CharField(
        label=_("Why? (the client sees it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional, for your team)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
