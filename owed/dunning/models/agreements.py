"""What a client agreed or asked for: promises, payment plans, disputes; and snoozes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from owed.ledger.fields import MoneyField
from owed.ledger.models import Client, Invoice, Organization


class Promise(models.Model):
    """The client said it will pay these invoices by `until`."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("promise", "Open")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="promises", verbose_name=_("client")
    )
    invoices = models.ManyToManyField(Invoice, related_name="promises", verbose_name=_("invoices"))
    made_on = models.DateField(_("made on"))
    until = models.DateField(_("pay by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return f"{self.client} → {self.until}"


class Plan(models.Model):
    """A payment plan: the invoices' balance paid in instalments instead of at once."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        BROKEN = "broken", _("Broken")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="plans", verbose_name=_("client")
    )
    invoices = models.ManyToManyField(Invoice, related_name="plans", verbose_name=_("invoices"))
    created_on = models.DateField(_("agreed on"))
    currency = models.CharField(_("currency"), max_length=3)
    total = MoneyField(verbose_name=_("total"))
    paid_before = MoneyField(
        verbose_name=_("paid before the plan"),
        help_text=_("What the invoices had received when the plan was agreed."),
    )
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=7)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    broken_on = models.DateField(_("broken on"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        ordering = ["-created_on", "-id"]

    def __str__(self) -> str:
        return f"{self.client}: {self.total} {self.currency}"


class Instalment(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("instalment", "number"))
    due_date = models.DateField(_("due date"))
    amount = MoneyField(verbose_name=_("amount"))

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="instalment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.due_date}"


class Dispute(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="disputes", verbose_name=_("invoice")
    )
    opened_on = models.DateField(_("opened on"))
    reason = models.TextField(_("reason"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=models.Q(resolved_on=None),
                name="dispute_one_open_per_invoice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.reason[:40]}"


class Snooze(models.Model):
    """Nothing is chased for the invoice (or every invoice of the client) until `until`."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="snoozes",
        verbose_name=_("client"),
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="snoozes",
        verbose_name=_("invoice"),
    )
    created_on = models.DateField(_("from"))
    until = models.DateField(_("until"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("snooze")
        verbose_name_plural = _("snoozes")
        ordering = ["-created_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=False) | models.Q(invoice__isnull=False),
                name="snooze_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice or self.client} → {self.until}"
