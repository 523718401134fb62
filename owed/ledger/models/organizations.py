"""Who uses owed: organizations, their members' access, and the accounts clients pay into."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from owed.ledger.validation import clean_currency


class Language(models.TextChoices):
    # Each language is named in itself, whatever the language of the page.
    EN = "en", "English"
    VI = "vi", "Tiếng Việt"
    FA = "fa", "فارسی"
    TH = "th", "ไทย"


class Organization(models.Model):
    """A business that uses owed to get paid; several can share one installation."""

    name = models.CharField(_("legal name"), max_length=200)
    slug = models.SlugField(
        unique=True, help_text=_("Short name used by `owed --org`."), verbose_name=_("slug")
    )
    country = models.CharField(
        max_length=2, help_text=_("ISO 3166 code, e.g. VN."), verbose_name=_("country")
    )
    currency = models.CharField(_("default currency"), max_length=3)
    language = models.CharField(
        _("default language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True)
    address = models.TextField(blank=True, verbose_name=_("address"))
    email = models.EmailField(blank=True, verbose_name=_("e-mail"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    review_before_sending = models.BooleanField(
        _("review before sending"),
        default=False,
        help_text=_(
            "Send an e-mail or letter of the collections only once a user has approved it on Today."
        ),
    )
    portal_promise_max_days = models.PositiveSmallIntegerField(
        _("portal promise limit (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_("How many days ahead a client may promise to pay in the portal (1 to 180)."),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.currency = clean_currency(self.currency)
        self.country = self.country.upper()
        if _zone(self.timezone) is None:
            raise ValidationError(
                {"timezone": _("Unknown time zone: use a name such as Asia/Ho_Chi_Minh.")}
            )

    def today(self) -> date:
        """Today's date where the organization is (UTC if its time zone is unknown)."""
        return django_timezone.localdate(timezone=_zone(self.timezone) or zoneinfo.ZoneInfo("UTC"))


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return None


class Membership(models.Model):
    """A user's access to an organization."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")
        READ_ONLY = "read_only", _("Read-only")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("user")
    )
    role = models.CharField(
        max_length=10, choices=Role.choices, default=Role.MEMBER, verbose_name=_("role")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return _("%(user)s in %(organization)s (%(role)s)") % {
            "user": self.user,
            "organization": self.organization,
            "role": self.get_role_display(),
        }


class PaymentAccount(models.Model):
    """Where clients pay the organization: a bank account, a VietQR account or PromptPay."""

    class Kind(models.TextChoices):
        IBAN = "iban", _("IBAN or Iranian Sheba")
        VN_BANK = "vn_bank", _("Vietnamese bank (BIN and account)")
        PROMPTPAY = "promptpay", _("Thai PromptPay")
        IR_CARD = "ir_card", _("Iranian bank card")
        OTHER = "other", _("Other bank account")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="payment_accounts",
        verbose_name=_("organization"),
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    label = models.CharField(max_length=100, blank=True, verbose_name=_("label"))
    holder = models.CharField(_("account holder"), max_length=200)
    bank_name = models.CharField(max_length=200, blank=True, verbose_name=_("bank name"))
    iban = models.CharField(_("IBAN / Sheba"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_bin = models.CharField(_("bank BIN"), max_length=6, blank=True)
    account_number = models.CharField(max_length=34, blank=True, verbose_name=_("account number"))
    promptpay_id = models.CharField(_("PromptPay id"), max_length=15, blank=True)
    currency = models.CharField(
        max_length=3, blank=True, help_text=_("Blank: any currency."), verbose_name=_("currency")
    )

    class Meta:
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} ({self.holder})"

    def clean(self) -> None:
        from owed.ledger.services import payment_account_normalize

        try:
            payment_account_normalize(account=self)
        except ValidationError:
            raise ValidationError(self._number_error()) from None

    def _number_error(self) -> dict[str, str]:
        """Which number is wrong, said in the reader's language (the checks speak English)."""
        from owed.core.identifiers import IdentifierError, normalize_bic, normalize_vn_bank_account

        if self.kind == self.Kind.IBAN:
            try:
                normalize_bic(self.bic)
            except IdentifierError:
                return {"bic": _("This is not a valid BIC (8 or 11 letters and digits).")}
            return {"iban": _("This is not a valid IBAN or Sheba number.")}
        if self.kind == self.Kind.VN_BANK:
            try:
                normalize_vn_bank_account(self.bank_bin, "0")
            except IdentifierError:
                return {"bank_bin": _("A bank BIN is 6 digits, e.g. 970436.")}
            return {"account_number": _("An account number is 1 to 19 letters or digits.")}
        if self.kind == self.Kind.PROMPTPAY:
            return {
                "promptpay_id": _(
                    "A PromptPay id is a mobile number (0XXXXXXXXX), a 13-digit citizen or "
                    "tax id, or a 15-digit e-wallet id."
                )
            }
        if self.kind == self.Kind.IR_CARD:
            return {"account_number": _("This is not a valid 16-digit card number.")}
        return {"account_number": _("Give the account number.")}
