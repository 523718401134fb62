"""The back office's forms. They check what a user typed and say what is wrong in the
user's language; the services they feed check the rest (an `OwedError` is shown as a
form error)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from owed.core.localize import LOCALES, check_language
from owed.core.money import MAX_AMOUNT, is_exact
from owed.dunning.models import Interaction
from owed.dunning.services import MAX_INSTALMENTS
from owed.ledger.models import Language, Payment
from owed.web.fields import LocalDateField

_NUMBER = re.compile(r"-?[0-9][0-9.,]*")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٬٫", "01234567890123456789,.")


def parse_amount(text: str, language: str) -> Decimal:
    """An amount as a reader of `language` writes it: "1.500.000" in Vietnamese, "1,234.50"
    in English and Thai; Persian digits and separators are read too. ValueError if not."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "").translate(_DIGITS)
    if not _NUMBER.fullmatch(text):
        raise ValueError(text)
    code = check_language(language)
    locale = "en" if code == "fa" else LOCALES[code]
    try:
        value = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


class AmountField(forms.CharField):
    """An amount in the active language's way of writing numbers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        try:
            return parse_amount(text, translation.get_language() or "en")
        except ValueError:
            raise forms.ValidationError(_("Write an amount, e.g. 1500 or 1,500.50.")) from None


class TodayForm(forms.Form):
    """A form whose dates are checked against the organization's today."""

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def _not_before_today(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value is not None and value < self.today:
            raise forms.ValidationError(_("Choose today or a later day."))
        return value

    def _after_today(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value is not None and value <= self.today:
            raise forms.ValidationError(_("Choose a day after today."))
        return value


# --- Today -------------------------------------------------------------------------------


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why skip it?"), max_length=200)


class DoneForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)


class SnoozeForm(TodayForm):
    until = LocalDateField(label=_("Quiet until"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def clean_until(self):
        return self._after_today("until")


class CallForm(TodayForm):
    reached = forms.TypedChoiceField(
        label=_("Did you reach the client?"),
        choices=[("yes", _("Yes, reached")), ("no", _("No answer"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Why has the client not paid?"),
        choices=[("", "—"), *Interaction.Reason.choices],
        required=False,
    )
    promised_for = LocalDateField(label=_("Promised payment date"), required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_promised_for(self):
        return self._not_before_today("promised_for")

    def clean(self):
        data = super().clean()
        reached = data.get("reached")
        if reached and not data.get("reason"):
            self.add_error("reason", _("Say why the client has not paid."))
        if reached is False and data.get("promised_for"):
            self.add_error("promised_for", _("A promise needs a call that reached the client."))
        return data


# --- the invoice page ---------------------------------------------------------------------


class PaymentForm(TodayForm):
    date = LocalDateField(label=_("Received on"))
    amount = AmountField(label=_("Amount"))
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > self.today:
            raise forms.ValidationError(_("A payment cannot be received in the future."))
        return value

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        if value is None or value <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."))
        if value >= MAX_AMOUNT:
            raise forms.ValidationError(_("The amount is too large."))
        if not is_exact(value, self.currency):
            raise forms.ValidationError(
                _("%(currency)s does not have that many decimals.") % {"currency": self.currency}
            )
        return value


class PromiseForm(TodayForm):
    until = LocalDateField(label=_("Pay by"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def clean_until(self):
        return self._not_before_today("until")


class PlanForm(TodayForm):
    instalments = forms.IntegerField(label=_("Instalments"), min_value=1, max_value=MAX_INSTALMENTS)
    every_days = forms.IntegerField(
        label=_("Days between instalments"), min_value=1, max_value=366, initial=30
    )
    first_due = LocalDateField(
        label=_("First instalment due"),
        required=False,
        help_text=_("Empty: one interval from today."),
    )
    grace_days = forms.IntegerField(
        label=_("Days an instalment may be late"), min_value=0, max_value=90, initial=7
    )

    def clean_first_due(self):
        return self._not_before_today("first_due")


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What does the client dispute?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How was it resolved?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WriteOffForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, nothing more will be collected on this invoice."), required=True
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


# --- the user -----------------------------------------------------------------------------


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class OrganizationForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput)


# --- Today: a message before it goes out ---------------------------------------------------


class MessageEditForm(forms.Form):
    """This one action's message in the user's own words; placeholders are checked as an
    organization's step texts are (`owed.documents.models.text_problems`)."""

    subject = forms.CharField(label=pgettext_lazy("e-mail", "Subject"), max_length=300)
    body = forms.CharField(
        label=_("Message"),
        max_length=20_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Placeholders such as {client_name} or {total_balance} are filled in when it is "
            "sent; write {{ or }} for a brace."
        ),
    )
    letter_body = forms.CharField(
        label=_("Letter"),
        max_length=20_000,
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Empty: the letter says what the message says."),
    )

    def __init__(self, *args, language: str, letter: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not letter:
            del self.fields["letter_body"]
        for field in self.fields.values():
            # Written in the client's language, which may not be the page's.
            field.widget.attrs.update(lang=language, dir="rtl" if language == "fa" else "ltr")

    def clean(self):
        from owed.documents.models import text_problems

        data = super().clean()
        if "subject" in data:
            data["subject"] = " ".join(data["subject"].split())
        for name in ("subject", "body", "letter_body"):
            for problem in text_problems(data.get(name) or ""):
                self.add_error(name, problem)
        if "body" in data and not data["body"].strip():
            self.add_error("body", _("This field is required."))
        return data


# --- the invoice page: a step of its ladder now ---------------------------------------------


class SendStepForm(forms.Form):
    """A step of the invoice's ladder to send now; `choices` are (step, label) pairs, the
    steps a user may send (`owed.dunning.step_now.step_choices`), those taken included so
    that choosing one gets the service's reason for refusing it."""

    step = forms.ChoiceField(label=_("Step"))

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = choices
