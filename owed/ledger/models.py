"""The receivables ledger: organizations, clients, contracts, invoices and payments.

Every row belongs to one organization, and every query in owed filters by it; a row
links only to rows of its own organization (each model's `clean()` checks it). An
invoice's balance and state are never stored: they are derived from its allocations
(see `owed.ledger.selectors`), so they cannot disagree with the payments.
"""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from owed.ledger.fields import MoneyField
from owed.ledger.validation import check_amount, check_same_organization, clean_currency


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


class Client(models.Model):
    """Someone who owes the organization money."""

    class Kind(models.TextChoices):
        BUSINESS = "business", _("Business")
        INDIVIDUAL = "individual", _("Individual")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    code = models.CharField(
        _("client id"), max_length=64, help_text=_("Your own id for the client.")
    )
    name = models.CharField(_("legal name"), max_length=200)
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.BUSINESS, verbose_name=_("kind")
    )
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True)
    address = models.TextField(blank=True, verbose_name=_("address"))
    country = models.CharField(max_length=2, verbose_name=_("country"))
    language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.EN, verbose_name=_("language")
    )
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                name="client_code_unique",
                violation_error_message=_("This client id is already used."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from owed.core.identifiers import IdentifierError, normalize_tax_id

        self.currency = clean_currency(self.currency)
        self.country = self.country.upper()
        try:
            self.tax_id = normalize_tax_id(self.tax_id, self.country)
        except IdentifierError:
            message = _("This is not a valid tax id for %(country)s.") % {"country": self.country}
            raise ValidationError({"tax_id": message}) from None


class Contact(models.Model):
    class Role(models.TextChoices):
        MAIN = "main", _("Main contact")
        BILLING = "billing", _("Billing / accounts payable")
        LEGAL = "legal", _("Legal")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        CHAT = "chat", _("Chat (Zalo, LINE, WhatsApp)")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("client")
    )
    role = models.CharField(
        max_length=10, choices=Role.choices, default=Role.MAIN, verbose_name=_("role")
    )
    name = models.CharField(max_length=200, blank=True, verbose_name=_("name"))
    email = models.EmailField(blank=True, verbose_name=_("e-mail"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    preferred_channel = models.CharField(
        max_length=10,
        choices=Channel.choices,
        default=Channel.EMAIL,
        verbose_name=_("preferred channel"),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["client", "role", "id"]

    def __str__(self) -> str:
        return f"{self.name or self.email or self.phone} ({self.get_role_display()})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        check_same_organization(errors, self, "client")
        if errors:
            raise ValidationError(errors)


class Contract(models.Model):
    """The agreement an invoice is billed under, with its payment and late-payment terms."""

    class PriceBasis(models.TextChoices):
        FIXED = "fixed", _("Fixed price")
        HOUR = "hour", _("Per hour")
        DAY = "day", _("Per day")
        ITEM = "item", _("Per item")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("client")
    )
    code = models.CharField(_("contract id"), max_length=64)
    title = models.CharField(max_length=200, verbose_name=_("title"))
    scope = models.TextField(blank=True, verbose_name=_("scope"))
    signed_on = models.DateField(null=True, blank=True, verbose_name=_("signed on"))
    starts_on = models.DateField(null=True, blank=True, verbose_name=_("starts on"))
    ends_on = models.DateField(null=True, blank=True, verbose_name=_("ends on"))
    price = MoneyField(verbose_name=_("price"))
    price_basis = models.CharField(
        max_length=5, choices=PriceBasis.choices, default="fixed", verbose_name=_("price basis")
    )
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    payment_methods = models.CharField(
        max_length=200, blank=True, verbose_name=_("payment methods")
    )
    interest_rate = models.DecimalField(
        _("late interest, % a year"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Blank: the law of the governing jurisdiction applies."),
    )
    late_fee = MoneyField(_("fixed late fee"), null=True, blank=True)
    grace_days = models.PositiveIntegerField(default=0, verbose_name=_("grace days"))
    work_stop_grace_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Blank: the contract has no work-stop clause."),
        verbose_name=_("grace days before work stops"),
    )
    jurisdiction = models.CharField(
        _("governing jurisdiction"), max_length=10, blank=True, help_text=_("e.g. GB, US-CA, VN.")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["client", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                name="contract_code_unique",
                violation_error_message=_("This contract id is already used."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="contract_price_not_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def clean(self) -> None:
        self.currency = clean_currency(self.currency)
        errors: dict[str, str] = {}
        check_same_organization(errors, self, "client")
        check_amount(errors, "price", self.price, self.currency)
        check_amount(errors, "late_fee", self.late_fee, self.currency)
        if self.interest_rate is not None and not 0 <= self.interest_rate <= 100:
            errors["interest_rate"] = _("A yearly rate is between 0 and 100 %.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The contract cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class Milestone(models.Model):
    """One scheduled payment of a contract: a percentage of the price or a fixed amount."""

    class DueRule(models.TextChoices):
        ON_SIGNING = "on_signing", _("On signing")
        ON_COMPLETION = "on_completion", _("On completion of the milestone")
        ON_DATE = "on_date", _("On a fixed date")
        DAYS_AFTER_INVOICE = "days_after_invoice", _("Days after the invoice")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("contract")
    )
    position = models.PositiveIntegerField(default=1, verbose_name=_("position"))
    description = models.CharField(max_length=200, verbose_name=_("description"))
    percent = models.DecimalField(
        max_digits=7, decimal_places=4, null=True, blank=True, verbose_name=_("percentage")
    )
    amount = MoneyField(null=True, blank=True, verbose_name=_("amount"))
    due_rule = models.CharField(max_length=20, choices=DueRule.choices, verbose_name=_("when due"))
    due_on = models.DateField(null=True, blank=True, verbose_name=_("due on"))
    due_days = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("days after the invoice")
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["contract", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(percent__isnull=False) & Q(amount__isnull=True))
                | (Q(percent__isnull=True) & Q(amount__isnull=False)),
                name="milestone_percent_xor_amount",
                violation_error_message=_("Give either a percentage or an amount, not both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} #{self.position}: {self.description}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        check_same_organization(errors, self, "contract")
        if self.contract_id:
            check_amount(errors, "amount", self.amount, self.contract.currency)
        if self.percent is not None and not 0 < self.percent <= 100:
            errors["percent"] = _("A percentage is more than 0 and at most 100.")
        if self.due_rule == self.DueRule.ON_DATE and self.due_on is None:
            errors["due_on"] = _("Give the date this milestone is due.")
        if self.due_rule == self.DueRule.DAYS_AFTER_INVOICE and self.due_days is None:
            errors["due_days"] = _("Give the number of days after the invoice.")
        if errors:
            raise ValidationError(errors)


class ChangeOrder(models.Model):
    """An agreed amendment to a contract's scope, price or end date."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="change_orders", verbose_name=_("contract")
    )
    agreed_on = models.DateField(verbose_name=_("agreed on"))
    description = models.TextField(verbose_name=_("description"))
    price_change = MoneyField(
        default=0,
        help_text=_("Added to the contract price; may be negative."),
        verbose_name=_("price change"),
    )
    new_ends_on = models.DateField(null=True, blank=True, verbose_name=_("new end date"))

    class Meta:
        verbose_name = _("change order")
        verbose_name_plural = _("change orders")
        ordering = ["contract", "agreed_on", "id"]

    def __str__(self) -> str:
        return _("%(contract)s change of %(date)s") % {
            "contract": self.contract.code,
            "date": self.agreed_on,
        }

    def clean(self) -> None:
        errors: dict[str, str] = {}
        check_same_organization(errors, self, "contract")
        if self.contract_id:
            check_amount(
                errors, "price_change", self.price_change, self.contract.currency, signed=True
            )
        if errors:
            raise ValidationError(errors)


class Invoice(models.Model):
    """A bill to a client. Its balance and state come from allocations, see selectors."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")
        WRITTEN_OFF = "written_off", _("Written off")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("client")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("contract"),
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("milestone"),
    )
    number = models.CharField(max_length=64, verbose_name=_("number"))
    issue_date = models.DateField(verbose_name=_("issue date"))
    due_date = models.DateField(verbose_name=_("due date"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    total = MoneyField(
        help_text=_("The amount billed, tax included: the sum of the lines."),
        verbose_name=_("total"),
    )
    written_off_on = models.DateField(null=True, blank=True, verbose_name=_("written off on"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["due_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"],
                name="invoice_number_unique",
                violation_error_message=_("This invoice number is already used."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("issue_date")),
                name="invoice_due_not_before_issue",
                violation_error_message=_("The due date cannot be before the issue date."),
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0),
                name="invoice_total_not_negative",
                violation_error_message=_("The total cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "due_date"])]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        self.currency = clean_currency(self.currency)
        errors: dict[str, str] = {}
        check_amount(errors, "total", self.total, self.currency)
        check_same_organization(errors, self, "client", "contract", "milestone")
        if (
            "contract" not in errors
            and self.contract_id
            and self.client_id
            and self.contract.client_id != self.client_id
        ):
            errors["contract"] = _("This contract is with another client.")
        if self.pk and self.allocations.exists():
            old = Invoice.objects.only("client_id", "currency").get(pk=self.pk)
            if old.currency != self.currency:
                errors["currency"] = _("The invoice has payments in its currency.")
            if old.client_id != self.client_id:
                errors["client"] = _("The invoice has payments from its client.")
        if errors:
            raise ValidationError(errors)


class InvoiceLine(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    position = models.PositiveIntegerField(default=1, verbose_name=_("position"))
    description = models.CharField(max_length=500, verbose_name=_("description"))
    quantity = models.DecimalField(
        max_digits=12, decimal_places=3, default=1, verbose_name=_("quantity")
    )
    unit_price = MoneyField(verbose_name=_("unit price"))
    tax_rate = models.DecimalField(_("tax, %"), max_digits=6, decimal_places=3, default=0)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        errors: dict[str, str] = {}
        check_same_organization(errors, self, "invoice")
        if errors:
            raise ValidationError(errors)


class Payment(models.Model):
    """Money received from a client; allocations say which invoices it paid."""

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")
        CHEQUE = "cheque", _("Cheque")
        E_WALLET = "e_wallet", _("E-wallet / QR")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="payments", verbose_name=_("client")
    )
    key = models.CharField(
        _("payment id"),
        max_length=200,
        blank=True,
        help_text=_("Your id for the payment; left blank, owed makes one."),
    )
    date = models.DateField(verbose_name=_("date"))
    amount = MoneyField(verbose_name=_("amount"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    method = models.CharField(
        max_length=20,
        choices=Method.choices,
        default=Method.BANK_TRANSFER,
        verbose_name=_("method"),
    )
    reference = models.CharField(max_length=200, blank=True, verbose_name=_("reference"))
    proof = models.FileField(
        upload_to="proofs/%Y/%m/", null=True, blank=True, verbose_name=_("proof of payment")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"],
                name="payment_key_unique",
                violation_error_message=_("This payment is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("A payment amount must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.currency}"

    def clean(self) -> None:
        self.currency = clean_currency(self.currency)
        errors: dict[str, str] = {}
        check_amount(errors, "amount", self.amount, self.currency)
        check_same_organization(errors, self, "client")
        if self.pk and self.allocations.exists():
            old = Payment.objects.only("amount", "currency").get(pk=self.pk)
            if (old.amount, old.currency) != (self.amount, self.currency):
                errors["amount"] = _("The payment is allocated: remove its allocations first.")
        if errors:
            raise ValidationError(errors)


class Allocation(models.Model):
    """The part of a payment that pays one invoice."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("payment")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("invoice")
    )
    amount = MoneyField(verbose_name=_("amount"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_unique"),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="allocation_amount_positive",
                violation_error_message=_("An allocation must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(amount)s %(currency)s to invoice %(number)s") % {
            "amount": self.amount,
            "currency": self.invoice.currency,
            "number": self.invoice.number,
        }

    def clean(self) -> None:
        errors: dict[str, str] = {}
        check_same_organization(errors, self, "payment", "invoice")
        if errors:
            raise ValidationError(errors)
