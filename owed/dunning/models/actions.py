"""Daily runs and their outbox of actions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from owed.ledger.fields import MoneyField
from owed.ledger.models import Client, Invoice, Organization


class Run(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        INTERRUPTED = "interrupted", _("Interrupted")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    as_of = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    invoices_looked_at = models.PositiveIntegerField(_("invoices looked at"), default=0)
    actions_recorded = models.PositiveIntegerField(_("actions recorded"), default=0)

    class Meta:
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        ordering = ["-as_of", "-started_at"]
        indexes = [models.Index(fields=["organization", "as_of"], name="run_org_date")]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.get_status_display()})"


class Action(models.Model):
    """One thing the engine decided (or a user asked for): a message, a letter or a task.

    `key` is unique per organization: the same step for the same invoice (or the same
    promise, plan, dispute or hold) can never be recorded twice.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SENT = "sent", _("Sent")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")
        MERGED = "merged", _("Merged")
        FAILED = "failed", _("Failed")

    # No index of its own on organization or client (a run inserts up to a hundred
    # thousand actions, and every index is written for each): the unique key and
    # `action_due` start with the organization. An index led by the client would be
    # written at a random place for each action, a page of an index of millions of rows
    # each; `action_day` puts the day first, so a run writes only its end. A client's
    # actions are found through its invoices (`action_invoice`) and, for the few tied to
    # no invoice, `action_client_other` (see `selectors.client_actions`).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, db_index=False, verbose_name=_("organization")
    )
    run = models.ForeignKey(
        Run, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("run")
    )
    key = models.CharField(_("key"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20)
    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        db_index=False,
        related_name="actions",
        verbose_name=_("client"),
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,  # `action_invoice`, without the actions tied to no invoice
        related_name="actions",
        verbose_name=_("invoice"),
        help_text=_("For a ladder step: the invoice whose step this is."),
    )
    subject_id = models.BigIntegerField(_("subject"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=40)
    channels = models.CharField(_("channels"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    decided_on = models.DateField(
        _("decided on"), help_text=_("The day of the run (or the user) that decided it.")
    )
    scheduled_for = models.DateTimeField(_("scheduled for"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["scheduled_for", "client", "step"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="action_key_unique"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "scheduled_for"], name="action_due"),
            models.Index(
                fields=["decided_on", "organization", "status", "client"], name="action_day"
            ),
            # Partial, so that a search for the actions tied to no invoice is never served
            # by it (SQLite, without statistics, would prefer it to `action_client_other`).
            models.Index(
                fields=["invoice"],
                condition=models.Q(invoice__isnull=False),
                name="action_invoice",
            ),
            models.Index(
                fields=["client", "decided_on"],
                condition=models.Q(invoice__isnull=True),
                name="action_client_other",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} ({self.get_status_display()})"

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]


class ActionLine(models.Model):
    """An invoice an action lists, as it stood when the action was decided."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="lines", verbose_name=_("action")
    )
    # No index: lines are read by their action, never by invoice, and the daily run
    # writes tens of thousands of them (an index by invoice cost it a random page each).
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.CASCADE,
        db_index=False,
        related_name="+",
        verbose_name=_("invoice"),
    )
    days_overdue = models.IntegerField(_("days overdue"))
    balance = MoneyField(verbose_name=_("balance"))

    class Meta:
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        ordering = ["action", "id"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.invoice_id}"
