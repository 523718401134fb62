"""The settings pages' forms: the organization, a payment account, the mail server and
the members. Each checks what an owner typed field by field, in the owner's language,
before the services in `owed.ledger.settings_services` and `owed.mail.server` save it."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from babel import Locale
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN, registry
from schwifty import exceptions as iban_errors

from owed.core.identifiers import (
    IdentifierError,
    normalize_bic,
    normalize_iran_card,
    normalize_promptpay_id,
    normalize_tax_id,
    normalize_vn_bank_account,
)
from owed.core.money import MoneyError, check_currency
from owed.ledger.models import Membership, Organization, PaymentAccount
from owed.ledger.settings_services import (
    KIND_NUMBERS,
    ORGANIZATION_FIELDS,
    PAYMENT_ACCOUNT_FIELDS,
    tax_id_message,
)
from owed.mail.models import MailServer
from owed.mail.services import SERVER_FIELDS

# Persian and Arabic-Indic digits, as a Persian keyboard types them, read as 0-9.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Regions babel names that are not countries (Europe, the UN, "unknown").
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})


def latin_digits(value: str) -> str:
    return (value or "").translate(_DIGITS)


def country_choices() -> list[tuple[str, str]]:
    """Every country, named in the page's language and in its alphabetical order."""
    language = (translation.get_language() or "en").split("-")[0]
    names = Locale.parse(language).territories
    codes = [c for c in Locale("en").territories if len(c) == 2 and c.isalpha()]
    codes = [c for c in codes if c not in _NOT_COUNTRIES]
    return sorted(((c, f"{names.get(c, c)} ({c})") for c in codes), key=lambda c: c[1].casefold())


@cache
def time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


# --- the organization -------------------------------------------------------------------


class OrganizationForm(forms.ModelForm):
    """The organization's details; the model's own checks (currency, time zone) run too."""

    country = forms.ChoiceField(label=_("Country"))
    timezone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text=_("A name such as Asia/Ho_Chi_Minh, Asia/Tehran, Asia/Bangkok or Europe/London."),
    )

    class Meta:
        model = Organization
        fields = list(ORGANIZATION_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "currency": forms.TextInput(
                attrs={"maxlength": 3, "autocapitalize": "characters", "spellcheck": "false"}
            ),
            "email": forms.EmailInput(),
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "website": forms.URLInput(),
            "portal_promise_max_days": forms.NumberInput(attrs={"min": 1, "max": 180}),
        }
        help_texts = {
            "tax_id": _("Checked where the country's format is known."),
            "currency": _("An ISO 4217 code, e.g. VND, IRR, THB, USD, GBP or EUR."),
            "language": _("The language of clients who have none of their own."),
            "portal_promise_max_days": _(
                "How many days ahead a client may promise to pay in the client portal: "
                "1 to 180. Empty: 30."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = country_choices()
        current = self.instance.country if self.instance else ""
        if current and current not in dict(choices):
            choices.insert(0, (current, current))
        self.fields["country"].choices = choices
        self.fields["portal_promise_max_days"].required = False

    def clean_timezone(self) -> str:
        value = self.cleaned_data["timezone"].strip()
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                _("Unknown time zone: use a name such as Asia/Ho_Chi_Minh.")
            )
        return value

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()

    def clean_portal_promise_max_days(self) -> int:
        # Not sent at all (a form from before the setting): owed's default.
        value = self.cleaned_data.get("portal_promise_max_days")
        return 30 if value is None else value

    def clean(self):
        data = super().clean()
        country, tax_id = data.get("country"), latin_digits(data.get("tax_id") or "")
        if country and tax_id:
            try:
                data["tax_id"] = normalize_tax_id(tax_id, country)
            except IdentifierError:
                self.add_error("tax_id", tax_id_message(country))
        return data


# --- payment accounts -------------------------------------------------------------------


def iban_problem(value: str) -> str | None:
    """Why `value` is not an IBAN (or Sheba), in the reader's language; None when it is."""
    try:
        IBAN(value)
    except iban_errors.InvalidChecksumDigits:
        return _(
            "The check digits (the 3rd and 4th characters) do not match the rest: a digit "
            "is probably mistyped."
        )
    except iban_errors.InvalidCountryCode:
        return _("An IBAN starts with a country code, e.g. DE, GB or IR; %(code)s is not one.") % {
            "code": value[:2]
        }
    except iban_errors.InvalidLength:
        expected = registry.get_iban_spec(value[:2]).iban_length
        return _("An IBAN from %(code)s has %(expected)d characters; this one has %(given)d.") % {
            "code": value[:2],
            "expected": expected,
            "given": len(value),
        }
    except iban_errors.InvalidStructure:
        return _("An IBAN holds only letters and digits, in its country's pattern.")
    except iban_errors.SchwiftyException:
        return _("This is not a valid IBAN or Sheba number.")
    return None


def _compact(value: str, *, upper: bool = True) -> str:
    value = re.sub(r"[\s-]", "", latin_digits(value))
    return value.upper() if upper else value


class PaymentAccountForm(forms.ModelForm):
    """A payment account; only the numbers its kind uses are asked for and checked."""

    class Meta:
        model = PaymentAccount
        fields = list(PAYMENT_ACCOUNT_FIELDS)
        widgets = {
            "iban": forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
            "bic": forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
            "bank_bin": forms.TextInput(attrs={"inputmode": "numeric"}),
            "promptpay_id": forms.TextInput(attrs={"inputmode": "tel"}),
            "currency": forms.TextInput(attrs={"maxlength": 3, "autocapitalize": "characters"}),
        }
        help_texts = {
            "label": _("A name for you, e.g. Vietcombank VND."),
            "iban": _("An IBAN, or an Iranian Sheba number (IR and 24 digits)."),
            "bic": _("8 or 11 letters and digits; needed for a SEPA QR code outside the EEA."),
            "bank_bin": _("The bank's 6-digit NAPAS BIN, e.g. 970436 for Vietcombank."),
            "account_number": _("As the bank writes it; for an Iranian card, its 16 digits."),
            "promptpay_id": _(
                "A mobile number (0XXXXXXXXX), a 13-digit citizen or tax id, or a 15-digit "
                "e-wallet id."
            ),
            "currency": _(
                "Empty: any currency. Letters ask for each currency the first account kept "
                "for it, else the first kept for any currency."
            ),
        }

    # Which fields each kind shows (the page hides the others with CSS).
    SHOWN = {
        "bank_name": ("iban", "vn_bank", "ir_card", "other"),
        **{
            name: tuple(kind for kind, names in KIND_NUMBERS.items() if name in names)
            for name in ("iban", "bic", "bank_bin", "account_number", "promptpay_id")
        },
    }

    def kind_fields(self) -> list[tuple]:
        """Each field with the CSS classes of the kinds that use it ("" for all kinds)."""
        return [
            (field, " ".join(f"for-{kind}" for kind in self.SHOWN.get(field.name, ())))
            for field in self.visible_fields()
        ]

    def clean_currency(self) -> str:
        value = (self.cleaned_data.get("currency") or "").strip()
        if not value:
            return ""
        try:
            return check_currency(value)
        except MoneyError:
            raise forms.ValidationError(
                _("%(code)s is an unknown currency: use an ISO 4217 code such as USD.")
                % {"code": value.upper()}
            ) from None

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind is None:
            return data
        used = KIND_NUMBERS.get(kind, ())
        for name in ("iban", "bic", "bank_bin", "account_number", "promptpay_id"):
            if name not in used:
                data[name] = ""
        check = getattr(self, f"_check_{kind}", None)
        if check is not None:
            check(data)
        return data

    def _required(self, data: dict, name: str, message: str) -> str | None:
        value = _compact(data.get(name) or "", upper=name != "account_number")
        if not value:
            self.add_error(name, message)
            return None
        return value

    def _check_bic(self, data: dict) -> None:
        try:
            data["bic"] = normalize_bic(_compact(data.get("bic") or ""))
        except IdentifierError:
            self.add_error("bic", _("This is not a valid BIC (8 or 11 letters and digits)."))

    def _check_iban(self, data: dict) -> None:
        value = self._required(data, "iban", _("Give the IBAN or Sheba number."))
        if value is not None:
            if re.fullmatch(r"\d{24}", value):
                value = "IR" + value  # a Sheba number written without its IR
            problem = iban_problem(value)
            if problem:
                self.add_error("iban", problem)
            else:
                data["iban"] = IBAN(value).compact
        self._check_bic(data)

    def _check_vn_bank(self, data: dict) -> None:
        code = self._required(data, "bank_bin", _("Give the bank's 6-digit BIN, e.g. 970436."))
        number = self._required(data, "account_number", _("Give the account number."))
        if code is not None and not re.fullmatch(r"\d{6}", code):
            self.add_error("bank_bin", _("A bank BIN is 6 digits, e.g. 970436."))
            code = None
        if number is not None and not re.fullmatch(r"[0-9A-Za-z]{1,19}", number):
            self.add_error("account_number", _("An account number is 1 to 19 letters or digits."))
            number = None
        if code and number:
            data["bank_bin"], data["account_number"] = normalize_vn_bank_account(code, number)

    def _check_promptpay(self, data: dict) -> None:
        value = self._required(data, "promptpay_id", _("Give the PromptPay id."))
        if value is None:
            return
        digits = value.replace("+66", "0", 1) if value.startswith("+66") else value
        try:
            data["promptpay_id"] = normalize_promptpay_id(value)
        except IdentifierError:
            if re.fullmatch(r"\d{13}", digits):
                message = _(
                    "This 13-digit id has a wrong check digit (the last one): a digit is "
                    "probably mistyped."
                )
            else:
                message = _(
                    "A PromptPay id is a mobile number (0XXXXXXXXX), a 13-digit citizen or "
                    "tax id, or a 15-digit e-wallet id."
                )
            self.add_error("promptpay_id", message)

    def _check_ir_card(self, data: dict) -> None:
        value = self._required(data, "account_number", _("Give the card number."))
        if value is None:
            return
        try:
            data["account_number"] = normalize_iran_card(value)
        except IdentifierError:
            if re.fullmatch(r"\d{16}", value):
                message = _("The card number's check digit does not match: a digit is mistyped.")
            else:
                message = _("A card number has 16 digits.")
            self.add_error("account_number", message)

    def _check_other(self, data: dict) -> None:
        self._required(data, "account_number", _("Give the account number."))
        if data.get("bic"):
            self._check_bic(data)

    def _post_clean(self) -> None:
        # The checks above said precisely what is wrong; the model's own would only add
        # the same, vaguer, message to the same field.
        if not self._errors:
            super()._post_clean()


# --- the mail server --------------------------------------------------------------------


class MailServerForm(forms.ModelForm):
    """The mail server. The password is never shown back: left empty, the stored one
    stays; an empty user name means no login (and no password)."""

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=254,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = MailServer
        fields = list(SERVER_FIELDS)
        widgets = {
            "host": forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
            "username": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
            ),
            "from_address": forms.EmailInput(),
            "reply_to": forms.EmailInput(),
        }
        help_texts = {
            "port": _("Usually 587 with STARTTLS, 465 with SSL/TLS, 25 without."),
            "username": _("Empty: the server takes mail without a login."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_password = self.instance.password if self.instance.pk else ""
        self.fields["password"].help_text = (
            _("A password is stored: leave this empty to keep it.")
            if self.stored_password
            else _("Needed with a user name.")
        )

    def _post_clean(self) -> None:
        # Before the model's checks: an empty field keeps the stored password, and no
        # user name means no password.
        data = self.cleaned_data
        data["new_password"] = data.get("password") or ""
        if not data.get("username"):
            data["password"] = ""
        elif not data.get("password"):
            data["password"] = self.stored_password
        super()._post_clean()

    def changes(self) -> dict:
        """The settings for `mail_server_save`: the password only when a new one is typed
        (or removed with the user name)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if data["username"] and not self.cleaned_data["new_password"]:
            data["password"] = None
        return data


class MailTestForm(forms.Form):
    to = forms.EmailField(
        label=_("Send a test message to"),
        help_text=_("An address of yours: the message says only that it is a test."),
    )


# --- members ----------------------------------------------------------------------------


class MemberAddForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
        help_text=_("What they log in with: letters, digits and @ . + - _"),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Empty: owed makes one up and shows it once, for you to pass on."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
