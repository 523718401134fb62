"""The receivables ledger: organizations, clients, contracts, invoices and payments.

Every row belongs to one organization, and every query in owed filters by it. An
invoice's balance and state are never stored: they are derived from its allocations
(see `owed.ledger.selectors`), so they cannot disagree with the payments.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from owed.ledger.fields import MoneyField
from owed.ledger.validation import check_amount, clean_currency


class Language(models.TextChoices):
    EN = "en", "English"
    VI = "vi", "Tiếng Việt"
    FA = "fa", "فارسی"
    TH = "th", "ไทย"


class Organization(models.Model):
    """A business that uses owed to get paid; several can share one installation."""

    name = models.CharField("legal name", max_length=200)
    slug = models.SlugField(unique=True, help_text="Short name used by `owed --org`.")
    country = models.CharField(max_length=2, help_text="ISO 3166 code, e.g. VN.")
    currency = models.CharField("default currency", max_length=3)
    language = models.CharField(
        "default language", max_length=2, choices=Language.choices, default=Language.EN
    )
    timezone = models.CharField("time zone", max_length=64, default="UTC")
    tax_id = models.CharField("tax id", max_length=40, blank=True)
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.currency = clean_currency(self.currency)
        self.country = self.country.upper()


class Membership(models.Model):
    """A user's access to an organization."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"
        READ_ONLY = "read_only", "Read-only"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class PaymentAccount(models.Model):
    """Where clients pay the organization: a bank account, a VietQR account or PromptPay."""

    class Kind(models.TextChoices):
        IBAN = "iban", "IBAN or Iranian Sheba"
        VN_BANK = "vn_bank", "Vietnamese bank (BIN and account)"
        PROMPTPAY = "promptpay", "Thai PromptPay"
        IR_CARD = "ir_card", "Iranian bank card"
        OTHER = "other", "Other bank account"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="payment_accounts"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(max_length=100, blank=True)
    holder = models.CharField("account holder", max_length=200)
    bank_name = models.CharField(max_length=200, blank=True)
    iban = models.CharField("IBAN / Sheba", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    bank_bin = models.CharField("bank BIN", max_length=6, blank=True)
    account_number = models.CharField(max_length=34, blank=True)
    promptpay_id = models.CharField("PromptPay id", max_length=15, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="Blank: any currency.")

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} ({self.holder})"

    def clean(self) -> None:
        from owed.ledger.services import payment_account_normalize

        payment_account_normalize(account=self)


class Client(models.Model):
    """Someone who owes the organization money."""

    class Kind(models.TextChoices):
        BUSINESS = "business", "Business"
        INDIVIDUAL = "individual", "Individual"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    code = models.CharField("client id", max_length=64, help_text="Your own id for the client.")
    name = models.CharField("legal name", max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BUSINESS)
    tax_id = models.CharField("tax id", max_length=40, blank=True)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    currency = models.CharField(max_length=3)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                name="client_code_unique",
                violation_error_message="This client id is already used.",
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
        except IdentifierError as exc:
            raise ValidationError({"tax_id": str(exc)}) from None


class Contact(models.Model):
    class Role(models.TextChoices):
        MAIN = "main", "Main contact"
        BILLING = "billing", "Billing / accounts payable"
        LEGAL = "legal", "Legal"

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        PHONE = "phone", "Phone"
        LETTER = "letter", "Letter"
        CHAT = "chat", "Chat (Zalo, LINE, WhatsApp)"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MAIN)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    preferred_channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )

    class Meta:
        ordering = ["client", "role", "id"]

    def __str__(self) -> str:
        return f"{self.name or self.email or self.phone} ({self.get_role_display()})"


class Contract(models.Model):
    """The agreement an invoice is billed under, with its payment and late-payment terms."""

    class PriceBasis(models.TextChoices):
        FIXED = "fixed", "Fixed price"
        HOUR = "hour", "Per hour"
        DAY = "day", "Per day"
        ITEM = "item", "Per item"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contracts")
    code = models.CharField("contract id", max_length=64)
    title = models.CharField(max_length=200)
    scope = models.TextField(blank=True)
    signed_on = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    price = MoneyField()
    price_basis = models.CharField(max_length=5, choices=PriceBasis.choices, default="fixed")
    currency = models.CharField(max_length=3)
    payment_methods = models.CharField(max_length=200, blank=True)
    interest_rate = models.DecimalField(
        "late interest, % a year",
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Blank: the law of the governing jurisdiction applies.",
    )
    late_fee = MoneyField("fixed late fee", null=True, blank=True)
    grace_days = models.PositiveIntegerField(default=0)
    work_stop_grace_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Blank: the contract has no work-stop clause."
    )
    jurisdiction = models.CharField(
        "governing jurisdiction", max_length=10, blank=True, help_text="e.g. GB, US-CA, VN."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                name="contract_code_unique",
                violation_error_message="This contract id is already used.",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="contract_price_not_negative",
                violation_error_message="The price cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def clean(self) -> None:
        self.currency = clean_currency(self.currency)
        errors: dict[str, str] = {}
        check_amount(errors, "price", self.price, self.currency)
        check_amount(errors, "late_fee", self.late_fee, self.currency)
        if self.interest_rate is not None and not 0 <= self.interest_rate <= 100:
            errors["interest_rate"] = "A yearly rate is between 0 and 100 %."
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The contract cannot end before it starts."
        if errors:
            raise ValidationError(errors)


class Milestone(models.Model):
    """One scheduled payment of a contract: a percentage of the price or a fixed amount."""

    class DueRule(models.TextChoices):
        ON_SIGNING = "on_signing", "On signing"
        ON_COMPLETION = "on_completion", "On completion of the milestone"
        ON_DATE = "on_date", "On a fixed date"
        DAYS_AFTER_INVOICE = "days_after_invoice", "Days after the invoice"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField(default=1)
    description = models.CharField(max_length=200)
    percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    amount = MoneyField(null=True, blank=True)
    due_rule = models.CharField(max_length=20, choices=DueRule.choices)
    due_on = models.DateField(null=True, blank=True)
    due_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(percent__isnull=False) & Q(amount__isnull=True))
                | (Q(percent__isnull=True) & Q(amount__isnull=False)),
                name="milestone_percent_xor_amount",
                violation_error_message="Give either a percentage or an amount, not both.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} #{self.position}: {self.description}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.contract_id:
            check_amount(errors, "amount", self.amount, self.contract.currency)
        if self.percent is not None and not 0 < self.percent <= 100:
            errors["percent"] = "A percentage is more than 0 and at most 100."
        if self.due_rule == self.DueRule.ON_DATE and self.due_on is None:
            errors["due_on"] = "Give the date this milestone is due."
        if self.due_rule == self.DueRule.DAYS_AFTER_INVOICE and self.due_days is None:
            errors["due_days"] = "Give the number of days after the invoice."
        if errors:
            raise ValidationError(errors)


class ChangeOrder(models.Model):
    """An agreed amendment to a contract's scope, price or end date."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="change_orders")
    agreed_on = models.DateField()
    description = models.TextField()
    price_change = MoneyField(default=0, help_text="Added to the contract price; may be negative.")
    new_ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "agreed_on", "id"]

    def __str__(self) -> str:
        return f"{self.contract.code} change of {self.agreed_on}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.contract_id:
            check_amount(
                errors, "price_change", self.price_change, self.contract.currency, signed=True
            )
        if errors:
            raise ValidationError(errors)


class Invoice(models.Model):
    """A bill to a client. Its balance and state come from allocations, see selectors."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        PARTLY_PAID = "partly_paid", "Partly paid"
        PAID = "paid", "Paid"
        WRITTEN_OFF = "written_off", "Written off"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    number = models.CharField(max_length=64)
    issue_date = models.DateField()
    due_date = models.DateField()
    currency = models.CharField(max_length=3)
    total = MoneyField(help_text="The amount billed, tax included: the sum of the lines.")
    written_off_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"],
                name="invoice_number_unique",
                violation_error_message="This invoice number is already used.",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("issue_date")),
                name="invoice_due_not_before_issue",
                violation_error_message="The due date cannot be before the issue date.",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0),
                name="invoice_total_not_negative",
                violation_error_message="The total cannot be negative.",
            ),
        ]
        indexes = [models.Index(fields=["organization", "due_date"])]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        self.currency = clean_currency(self.currency)
        errors: dict[str, str] = {}
        check_amount(errors, "total", self.total, self.currency)
        if self.contract_id and self.client_id and self.contract.client_id != self.client_id:
            errors["contract"] = "This contract is with another client."
        if self.pk and self.allocations.exists():
            old = Invoice.objects.only("client_id", "currency").get(pk=self.pk)
            if old.currency != self.currency:
                errors["currency"] = "The invoice has payments in its currency."
            if old.client_id != self.client_id:
                errors["client"] = "The invoice has payments from its client."
        if errors:
            raise ValidationError(errors)


class InvoiceLine(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=1)
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=1)
    unit_price = MoneyField()
    tax_rate = models.DecimalField("tax, %", max_digits=6, decimal_places=3, default=0)

    class Meta:
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return self.description


class Payment(models.Model):
    """Money received from a client; allocations say which invoices it paid."""

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        CARD = "card", "Card"
        CASH = "cash", "Cash"
        CHEQUE = "cheque", "Cheque"
        E_WALLET = "e_wallet", "E-wallet / QR"
        OTHER = "other", "Other"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="payments")
    key = models.CharField(
        "payment id",
        max_length=200,
        blank=True,
        help_text="Your id for the payment; left blank, owed makes one.",
    )
    date = models.DateField()
    amount = MoneyField()
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.BANK_TRANSFER)
    reference = models.CharField(max_length=200, blank=True)
    proof = models.FileField(upload_to="proofs/%Y/%m/", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"],
                name="payment_key_unique",
                violation_error_message="This payment is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message="A payment amount must be more than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.currency}"

    def clean(self) -> None:
        self.currency = clean_currency(self.currency)
        errors: dict[str, str] = {}
        check_amount(errors, "amount", self.amount, self.currency)
        if self.pk and self.allocations.exists():
            old = Payment.objects.only("amount", "currency").get(pk=self.pk)
            if (old.amount, old.currency) != (self.amount, self.currency):
                errors["amount"] = "The payment is allocated: remove its allocations first."
        if errors:
            raise ValidationError(errors)


class Allocation(models.Model):
    """The part of a payment that pays one invoice."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = MoneyField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_unique"),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="allocation_amount_positive",
                violation_error_message="An allocation must be more than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.invoice.currency} to invoice {self.invoice.number}"
