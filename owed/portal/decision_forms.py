"""The back office's forms that decide what a client asked or reported in the portal (Today's
"Client requests"): approve or decline a plan request, say a reported payment was not
received. The services in `owed.portal.requests` check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from owed.dunning.services import MAX_INSTALMENTS
from owed.web.fields import LocalDateField
from owed.web.forms import TodayForm


class ApproveForm(TodayForm):
    instalments = forms.IntegerField(label=_("Instalments"), min_value=1, max_value=MAX_INSTALMENTS)
    every_days = forms.IntegerField(label=_("Days between instalments"), min_value=1, max_value=366)
    first_due = LocalDateField(
        label=_("First instalment due"),
        required=False,
        help_text=_("Empty: one interval from today."),
    )

    def clean_first_due(self):
        return self._not_before_today("first_due")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why? (the client sees it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return value


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional, for your team)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
