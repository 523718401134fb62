"""What invoices are billed under: contracts, their milestones and their change orders."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from owed.ledger.fields import MoneyField
from owed.ledger.models.clients import Client
from owed.ledger.models.organizations import Organization
from owed.ledger.validation import check_amount, check_same_organization, clean_currency


def _percent_field(verbose_name: str, help_text: str) -> models.DecimalField:
    """An optional percentage of a contract's terms (`Contract.clean` keeps it in 0-100)."""
    return models.DecimalField(
        verbose_name, max_digits=7, decimal_places=4, null=True, blank=True, help_text=help_text
    )


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
    interest_rate = _percent_field(
        _("late interest, % a year"), _("Blank: the law of the governing jurisdiction applies.")
    )
    late_fee = MoneyField(
        _("fixed late fee"),
        null=True,
        blank=True,
        help_text=_("Charged with each formal notice and demand letter."),
    )
    fee_percent = _percent_field(
        _("late fee, percent of the balance"),
        _("Charged with each formal notice and demand letter."),
    )
    penalty_percent = _percent_field(
        _("penalty, percent of the late amount"),
        _("A contractual penalty for late payment (Vietnam: at most 8 percent in trade)."),
    )
    market_rate = _percent_field(
        _("market rate for overdue loans, % a year"),
        _(
            "Vietnamese commercial contracts: the average overdue-lending rate of the "
            "banks, which the law takes as the interest rate."
        ),
    )
    allocation_order = models.CharField(
        _("part-payments pay first"),
        max_length=30,
        blank=True,
        choices=[
            ("", _("as the law says")),
            ("costs_interest_principal", _("costs, then interest, then the principal")),
            ("principal_first", _("the principal")),
        ],
    )
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
        for name in ("interest_rate", "fee_percent", "penalty_percent", "market_rate"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                errors[name] = _("A percentage is between 0 and 100.")
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
