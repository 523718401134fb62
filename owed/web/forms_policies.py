"""The forms of the Policies and Templates pages.

A policy is edited as a whole: its name, segment and minimum balances, and its steps in
ladder order (`LadderEdit`). What the forms check is what `owed policy edit` checks: the
fields' types here, then `owed.core.ladder.check_policy` on the whole ladder, each
problem shown next to the step or amount it is about, in the user's language. The
service (`owed.dunning.policy_edits.policy_update`) checks again before saving.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from owed.core.ladder import Channel, Condition, PolicyProblem, Recipient, check_policy
from owed.core.ladder import Policy as CorePolicy
from owed.core.ladder import Step as CoreStep
from owed.core.localize import LanguageError, check_language, format_number
from owed.core.money import MoneyError, check_currency
from owed.documents.models import StepTemplate
from owed.web.forms import AmountField
from owed.web.labels import step_label

MAX_OFFSET = 36500
"""Days from the due date a step may be (a hundred years): a bound for date arithmetic."""

CHANNELS = [
    (Channel.EMAIL.value, _("E-mail")),
    (Channel.LETTER.value, _("Letter")),
    (Channel.TASK.value, _("Task for you")),
]
RECIPIENTS = [
    (Recipient.MAIN.value, _("Main contact")),
    (Recipient.BILLING.value, _("Billing contact")),
]
CONDITIONS = [
    (Condition.NO_RESPONSE.value, _("Only if the client has not responded")),
    (Condition.WORK_STOP_CLAUSE.value, _("Only under a contract's work-stop clause")),
]
KINDS = [("", _("Any kind")), ("business", _("Businesses")), ("individual", _("Individuals"))]

_COUNTRY = re.compile(r"[A-Za-z]{2}")


class PolicyForm(forms.Form):
    """The policy's name and, for a policy that is not the default, its segment."""

    name = forms.CharField(label=_("Name"), max_length=64)
    countries = forms.CharField(
        label=_("Segment: countries"),
        max_length=200,
        required=False,
        help_text=_(
            "Two-letter codes, e.g. VN, TH: clients there without a policy of their own "
            "are chased with this one."
        ),
    )
    kind = forms.ChoiceField(label=_("Segment: kind of client"), choices=KINDS, required=False)

    def __init__(self, *args, is_default: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_default = is_default
        if is_default:
            # The default chases every client: it has no segment.
            del self.fields["countries"]
            del self.fields["kind"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the policy a name."))
        return name

    def clean_countries(self):
        found = []
        for part in re.split(r"[\s,;،]+", self.cleaned_data.get("countries") or ""):
            if not part:
                continue
            if not _COUNTRY.fullmatch(part):
                raise forms.ValidationError(
                    _("“%(code)s” is not a two-letter country code (e.g. VN, TH).") % {"code": part}
                )
            if part.upper() not in found:
                found.append(part.upper())
        return found

    def segment(self) -> dict:
        if self.is_default:
            return {}
        segment: dict = {}
        if self.cleaned_data.get("countries"):
            segment["countries"] = self.cleaned_data["countries"]
        if self.cleaned_data.get("kind"):
            segment["kind"] = self.cleaned_data["kind"]
        return segment


class StepForm(forms.Form):
    """One step of the ladder."""

    code = forms.CharField(
        label=_("Step"),
        max_length=40,
        widget=forms.TextInput(attrs={"list": "step-codes", "autocomplete": "off"}),
    )
    offset_days = forms.IntegerField(
        label=_("Days from the due date"),
        min_value=-MAX_OFFSET,
        max_value=MAX_OFFSET,
        help_text=_("Negative: before the due date."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channel"), choices=CHANNELS, widget=forms.CheckboxSelectMultiple
    )
    recipient = forms.ChoiceField(label=_("Written to"), choices=RECIPIENTS, initial="main")
    conditions = forms.MultipleChoiceField(
        label=_("Conditions"),
        choices=CONDITIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attach_invoice = forms.BooleanField(
        label=_("Attach the invoice"), required=False, label_suffix=""
    )
    attach_contract = forms.BooleanField(
        label=_("Attach the contract"), required=False, label_suffix=""
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def step(self) -> CoreStep:
        data = self.cleaned_data
        return CoreStep(
            code=data["code"],
            offset_days=data["offset_days"],
            channels=tuple(Channel(c) for c in data["channels"]),
            recipient=Recipient(data["recipient"]),
            conditions=tuple(Condition(c) for c in data["conditions"]),
            attach_invoice=data["attach_invoice"],
            attach_contract=data["attach_contract"],
        )

    def label(self) -> str:
        code = self.initial.get("code") or (self.data.get(self.add_prefix("code")) or "")
        return step_label(code.strip()) if code.strip() else ""


class MinimumForm(forms.Form):
    """A currency's minimum balance: smaller balances are not chased."""

    currency = forms.CharField(
        label=_("Currency"), max_length=3, widget=forms.TextInput(attrs={"size": 4})
    )
    amount = AmountField(label=_("Minimum balance"))

    def clean_currency(self):
        code = self.cleaned_data["currency"].strip().upper()
        try:
            return check_currency(code)
        except MoneyError:
            raise forms.ValidationError(
                _("“%(code)s” is not a currency code (e.g. USD, VND).") % {"code": code}
            ) from None

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        if value is None:
            raise forms.ValidationError(_("Write an amount, e.g. 1500 or 1,500.50."))
        return value


class _Rows(forms.BaseFormSet):
    """A formset whose "delete" box says what it does."""

    delete_label = _("Remove")

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.delete_label
            form.fields["DELETE"].label_suffix = ""


class _StepRows(_Rows):
    delete_label = _("Drop this step")


StepFormSet = forms.formset_factory(
    StepForm, formset=_StepRows, extra=1, can_delete=True, can_delete_extra=False, max_num=60
)
MinimumFormSet = forms.formset_factory(
    MinimumForm, formset=_Rows, extra=1, can_delete=True, can_delete_extra=False, max_num=30
)


def step_initial(policy: CorePolicy) -> list[dict]:
    return [
        {
            "code": s.code,
            "offset_days": s.offset_days,
            "channels": [c.value for c in s.channels],
            "recipient": s.recipient.value,
            "conditions": [c.value for c in s.conditions],
            "attach_invoice": s.attach_invoice,
            "attach_contract": s.attach_contract,
        }
        for s in policy.steps
    ]


def _language() -> str:
    try:
        return check_language(translation.get_language() or "en")
    except LanguageError:
        return "en"


def _problem_text(problem: PolicyProblem) -> tuple[str, str]:
    """(field, message) for a problem `check_policy` found, in the user's language."""
    message = problem.message
    late = re.fullmatch(
        r"step (?P<code>.+) \(day (?P<day>-?\d+)\) comes after (?P<previous>.+) "
        r"\(day (?P<previous_day>-?\d+)\): a later step cannot be due earlier",
        message,
    )
    if late:
        language = _language()
        return "offset_days", gettext(
            "Day %(day)s comes before day %(previous_day)s of %(previous)s, the step above it: "
            "a later step cannot be due earlier. Change the day or move the step."
        ) % {
            "day": format_number(int(late["day"]), language),
            "previous_day": format_number(int(late["previous_day"]), language),
            "previous": step_label(late["previous"]),
        }
    if message.startswith("a step code is"):
        return "code", gettext("A step's code is letters, digits and _ only.")
    if message.endswith("appears twice"):
        return "code", gettext("This step is already on the ladder: each step appears once.")
    if message.endswith("has no channel"):
        return "channels", gettext("Choose at least one channel.")
    if message.endswith("cannot be negative"):
        return "amount", gettext("A minimum balance cannot be negative.")
    if message.startswith("two minimum balances"):
        return "currency", gettext("This currency already has a minimum balance.")
    if message == "a policy needs at least one step":
        return "", gettext("A policy needs at least one step.")
    return "", message


class LadderEdit:
    """The whole policy as one form: name and segment, steps, minimum balances.

    `is_valid()` checks the fields, then the ladder as `owed policy edit` does; `data()`
    is then the policy in the format `policy_from_data` reads.
    """

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        policy: CorePolicy,
        segment: dict | None,
        is_default: bool,
    ) -> None:
        segment = segment or {}
        self.policy = policy
        self.form = PolicyForm(
            data,
            prefix="policy",
            is_default=is_default,
            initial={
                "name": policy.name,
                "countries": ", ".join(segment.get("countries", [])),
                "kind": segment.get("kind", ""),
            },
        )
        self.steps = StepFormSet(data, prefix="steps", initial=step_initial(policy))
        self.minimums = MinimumFormSet(
            data,
            prefix="minimums",
            initial=[
                {"currency": currency, "amount": amount}
                for currency, amount in policy.minimum_balances
            ],
        )
        self.problems: list[str] = []
        """Problems no field is responsible for (a ladder without steps)."""
        self._ladder: CorePolicy | None = None

    @property
    def is_bound(self) -> bool:
        return self.form.is_bound

    def _ordered_steps(self) -> list[StepForm]:
        """The kept steps in ladder order: the existing ones as placed, each new one after
        the last step due on or before its day."""
        initial = self.steps.initial_form_count()
        ordered: list[StepForm] = []
        for index, form in enumerate(self.steps.forms):
            if form.cleaned_data.get("DELETE") or not form.cleaned_data:
                continue
            if index < initial:
                ordered.append(form)
                continue
            day = form.cleaned_data["offset_days"]
            at = 0
            for n, other in enumerate(ordered):
                conditions = other.cleaned_data["conditions"]
                if (
                    Condition.WORK_STOP_CLAUSE.value not in conditions
                    and other.cleaned_data["offset_days"] <= day
                ):
                    at = n + 1
            ordered.insert(at, form)
        return ordered

    def is_valid(self) -> bool:
        valid = all(
            [self.form.is_valid(), self.steps.is_valid(), self.minimums.is_valid()]
        )  # every part checked, so that every mistake shows at once
        if not valid:
            return False
        steps = self._ordered_steps()
        minimums = [
            f for f in self.minimums.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        ladder = CorePolicy(
            name=self.form.cleaned_data["name"],
            steps=tuple(f.step() for f in steps),
            minimum_balances=tuple(
                (f.cleaned_data["currency"], f.cleaned_data["amount"]) for f in minimums
            ),
        )
        problems = check_policy(ladder)
        for problem in problems:
            field, message = _problem_text(problem)
            if field in ("code", "offset_days", "channels"):
                matches = [f for f in steps if f.cleaned_data.get("code") == problem.step]
                # A code used twice: the second one is the mistake.
                target = matches[-1] if matches else None
                if target is not None:
                    target.add_error(field, message)
                    continue
            if field in ("amount", "currency"):
                target = self._minimum_for(minimums, message, field)
                if target is not None:
                    target.add_error(field, message)
                    continue
            self.problems.append(message)
        if problems:
            return False
        self._ladder = ladder
        return True

    def _minimum_for(self, minimums, message, field) -> forms.Form | None:
        if field == "amount":
            return next((f for f in minimums if f.cleaned_data["amount"] < Decimal(0)), None)
        seen: set[str] = set()
        for form in minimums:
            currency = form.cleaned_data["currency"]
            if currency in seen and not form.errors.get("currency"):
                return form
            seen.add(currency)
        return None

    def ladder(self) -> CorePolicy:
        """The edited policy (after `is_valid()`)."""
        assert self._ladder is not None
        return self._ladder

    def data(self) -> dict:
        """The edited policy as `policy_from_data` reads it, with its segment."""
        from owed.dunning.services import policy_to_data

        data = policy_to_data(self.ladder())
        segment = self.form.segment()
        if segment:
            data["segment"] = segment
        return data

    @property
    def has_errors(self) -> bool:
        return bool(
            self.problems
            or self.form.errors
            or self.steps.total_error_count()
            or self.minimums.total_error_count()
        )


def moved(data: QueryDict, index: int, up: bool) -> QueryDict:
    """The posted ladder with step `index` swapped with the one above (or below) it."""
    prefix = "steps"
    try:
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", "0"))
    except ValueError:
        return data
    other = index - 1 if up else index + 1
    if not (0 <= index < initial and 0 <= other < initial):
        return data
    copy = data.copy()
    for key in {k for k in data if k.startswith((f"{prefix}-{index}-", f"{prefix}-{other}-"))}:
        copy.pop(key, None)
    for source, target in ((index, other), (other, index)):
        head = f"{prefix}-{source}-"
        for key, values in data.lists():
            if key.startswith(head):
                copy.setlist(f"{prefix}-{target}-{key.removeprefix(head)}", values)
    return copy


# --- templates -----------------------------------------------------------------------------


class TemplateForm(forms.Form):
    """An organization's text for one step in one language (a draft until saved)."""

    subject = forms.CharField(
        label=_("Subject line"), max_length=StepTemplate._meta.get_field("subject").max_length
    )
    body = forms.CharField(
        label=_("E-mail text"), widget=forms.Textarea(attrs={"rows": 16}), max_length=20000
    )
    letter_body = forms.CharField(
        label=_("Letter text"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Empty: the letter uses owed's text."),
    )
    invoice = forms.CharField(
        label=_("Preview on invoice"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "preview-invoices", "autocomplete": "off"}),
        help_text=_("Empty: the most overdue open invoice."),
    )

    def __init__(self, *args, language: str, has_letter: bool, is_script: bool, **kwargs):
        super().__init__(*args, **kwargs)
        direction = "rtl" if language == "fa" else "ltr"
        for name in ("subject", "body", "letter_body"):
            self.fields[name].widget.attrs.update({"lang": language, "dir": direction})
        if is_script:
            self.fields["body"].label = _("Call script")
            self.fields["body"].help_text = _("One point of the call a paragraph.")
        if not has_letter:
            del self.fields["letter_body"]

    def clean(self):
        from owed.documents.own_texts import draft_problems

        data = super().clean()
        for field, problems in draft_problems(
            subject=data.get("subject", ""),
            body=data.get("body", ""),
            letter_body=data.get("letter_body", ""),
        ).items():
            if field in self.fields:
                for problem in problems:
                    self.add_error(field, problem)
        return data


class ResetForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, use owed's text again (the organization's own text is deleted)."),
        required=True,
    )


# --- the other forms of a policy's page -------------------------------------------------------


class AssignForm(forms.Form):
    client = forms.CharField(
        label=_("Client id"),
        max_length=64,
        widget=forms.TextInput(attrs={"list": "client-codes", "autocomplete": "off"}),
    )


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete this policy: its clients go back to the default one."),
        required=True,
    )


class CopyForm(forms.Form):
    name = forms.CharField(label=_("Name of the new policy"), max_length=64)
    source = forms.ChoiceField(label=_("A copy of"))

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(n, n) for n in names]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the policy a name."))
        return name
