"""The portal's forms: what a client can tell the business. Dates are checked against the
organization's today; the services they feed check the rest."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from owed.core.localize import format_number
from owed.web.fields import LocalDateField
from owed.web.forms import AmountField

PROMISE_MAX_DAYS: Final = 30
"""How far ahead a client may promise to pay from the portal."""


class PortalForm(forms.Form):
    """A form about the client's open invoices; `invoices` are (id, number) pairs."""

    all_allowed = True

    def __init__(self, *args, today: date, invoices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        if "invoice" in self.fields:
            choices = [(str(pk), number) for pk, number in invoices]
            if self.all_allowed:
                choices = [("", _("All open invoices")), *choices]
            self.fields["invoice"].choices = choices

    def chosen(self, invoices: dict[int, object]) -> list:
        """The invoices the form is about."""
        value = self.cleaned_data.get("invoice")
        if not value:
            return list(invoices.values())
        return [invoices[int(value)]]


class PaidForm(PortalForm):
    invoice = forms.ChoiceField(label=_("Invoice"), required=False)
    paid_on = LocalDateField(label=_("Day of payment"))
    amount = AmountField(label=_("Amount (optional)"), required=False)
    reference = forms.CharField(
        label=_("Payment reference (optional)"), max_length=200, required=False
    )

    def clean_paid_on(self):
        value = self.cleaned_data["paid_on"]
        if value > self.today:
            raise forms.ValidationError(_("Choose today or an earlier day."))
        if value < self.today - timedelta(days=366):
            raise forms.ValidationError(_("Choose a day in the last year."))
        return value

    def clean_amount(self):
        value = self.cleaned_data.get("amount")
        if value is not None and value <= 0:
            raise forms.ValidationError(_("Write an amount greater than zero."))
        return value


class PromiseForm(PortalForm):
    invoice = forms.ChoiceField(label=_("Invoice"), required=False)
    until = LocalDateField(label=_("I will pay by"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["until"].widget
        widget.attrs["min"] = self.today.isoformat()
        widget.attrs["max"] = self.last_day.isoformat()

    @property
    def last_day(self) -> date:
        return self.today + timedelta(days=PROMISE_MAX_DAYS)

    def clean_until(self):
        value = self.cleaned_data["until"]
        if value < self.today:
            raise forms.ValidationError(_("Choose today or a later day."))
        if value > self.last_day:
            raise forms.ValidationError(
                _("Choose a day within %(days)s days from today.")
                % {"days": format_number(PROMISE_MAX_DAYS, translation.get_language() or "en")}
            )
        return value


class DisputeForm(PortalForm):
    all_allowed = False
    invoice = forms.ChoiceField(label=_("Invoice"))
    reason = forms.CharField(
        label=_("What is wrong with the invoice?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return value


class ReceivedForm(PortalForm):
    invoice = forms.ChoiceField(label=_("Invoice"), required=False)


FORMS: Final = {
    "paid": PaidForm,
    "promise": PromiseForm,
    "dispute": DisputeForm,
    "received": ReceivedForm,
}
