"""The portal's forms: what a client can tell the business. Dates are checked against the
organization's today; the services they feed check the rest."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_UP, Decimal
from typing import Final

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from owed.core.localize import format_number
from owed.portal.requests import (
    MAX_INSTALMENTS,
    MIN_INSTALMENTS,
    PROOF_MAX_BYTES,
    Refusal,
    RequestRefused,
    proof_check,
)
from owed.web.fields import LocalDateField
from owed.web.forms import AmountField

PROMISE_MAX_DAYS: Final = 30
"""How far ahead a client may promise to pay from the portal, unless the organization says
otherwise (`Organization.portal_promise_max_days`, on the Settings page)."""

PROOF_ACCEPT: Final = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


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
    proof = forms.FileField(
        label=_("Proof of payment (optional)"),
        required=False,
        max_length=200,
        help_text=_("A PDF, PNG or JPEG file of at most 5 MB, e.g. your bank's receipt."),
        widget=forms.FileInput(attrs={"accept": PROOF_ACCEPT}),
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
        if value is not None and value != round(value, 2):
            raise forms.ValidationError(_("Write an amount with at most two decimals."))
        return value

    def clean_proof(self):
        file = self.cleaned_data.get("proof")
        if not file:
            return None
        try:
            proof_check(file)
        except RequestRefused as exc:
            if exc.refusal is Refusal.PROOF_SIZE:
                language = translation.get_language() or "en"
                raise forms.ValidationError(
                    _("This file is too big (%(size)s MB): send one of at most %(limit)s MB.")
                    % {
                        "size": format_number(
                            (Decimal(file.size) / 2**20).quantize(Decimal("0.1"), ROUND_UP),
                            language,
                        ),
                        "limit": format_number(PROOF_MAX_BYTES // 2**20, language),
                    }
                ) from None
            raise forms.ValidationError(
                _("This file is not a PDF, PNG or JPEG: send your proof in one of these.")
            ) from None
        return file


class PromiseForm(PortalForm):
    invoice = forms.ChoiceField(label=_("Invoice"), required=False)
    until = LocalDateField(label=_("I will pay by"))

    def __init__(self, *args, max_days: int = PROMISE_MAX_DAYS, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_days = max_days
        widget = self.fields["until"].widget
        widget.attrs["min"] = self.today.isoformat()
        widget.attrs["max"] = self.last_day.isoformat()

    @property
    def last_day(self) -> date:
        return self.today + timedelta(days=self.max_days)

    def clean_until(self):
        value = self.cleaned_data["until"]
        if value < self.today:
            raise forms.ValidationError(_("Choose today or a later day."))
        if value > self.last_day:
            raise forms.ValidationError(
                ngettext(
                    "Choose a day within %(days)s day from today.",
                    "Choose a day within %(days)s days from today.",
                    self.max_days,
                )
                % {"days": format_number(self.max_days, translation.get_language() or "en")}
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


EVERY_DAYS_CHOICES: Final = (
    (7, _("Every week (7 days)")),
    (14, _("Every two weeks (14 days)")),
    (30, _("Every month (30 days)")),
)
"""How far apart a client may ask the instalments to be in the portal (the API and the
back office take any number of days)."""


class PlanRequestForm(PortalForm):
    invoice = forms.ChoiceField(label=_("Invoice"), required=False)
    instalments = forms.TypedChoiceField(label=_("Number of instalments"), coerce=int)
    every_days = forms.TypedChoiceField(
        label=_("How often"), coerce=int, choices=EVERY_DAYS_CHOICES, initial=30
    )
    note = forms.CharField(
        label=_("Anything we should know? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = translation.get_language() or "en"
        self.fields["instalments"].choices = [
            (n, format_number(n, language)) for n in range(MIN_INSTALMENTS, MAX_INSTALMENTS + 1)
        ]
        self.fields["instalments"].initial = 3


FORMS: Final = {
    "paid": PaidForm,
    "promise": PromiseForm,
    "dispute": DisputeForm,
    "received": ReceivedForm,
    "plan": PlanRequestForm,
}
