"""What is owed and what was paid: invoices, their lines, payments and allocations.

An invoice's balance and state are not stored here: `owed.ledger.selectors` derives them
from its allocations.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from owed.ledger.fields import MoneyField
from owed.ledger.models.clients import Client
from owed.ledger.models.contracts import Contract, Milestone
from owed.ledger.models.organizations import Organization
from owed.ledger.validation import check_amount, check_same_organization, clean_currency


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
    next_step_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("next look"),
        help_text=_(
            "The day the collections run looks at this invoice again; empty: at the next run."
        ),
    )
    # The collections run's own record of the ladder steps this invoice took, so that a
    # daily run need not read its earlier actions; trusted only while the invoice still has
    # `ladder_actions` actions (owed.dunning.snapshot checks it, and reads them again if not).
    ladder_steps = models.TextField(
        blank=True,
        default="",
        editable=False,
        verbose_name=_("ladder steps taken"),
        help_text=_("The steps of the collections ladder already taken, with their days."),
    )
    ladder_actions = models.PositiveIntegerField(
        default=0,
        editable=False,
        verbose_name=_("ladder actions"),
        help_text=_("How many collections actions the ladder steps taken were read from."),
    )
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
        indexes = [
            models.Index(fields=["organization", "due_date"]),
            models.Index(fields=["organization", "next_step_on"], name="invoice_next_look"),
        ]

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
