"""The log of everything said and done with a client.

`summary` is the line shown for the interaction, in English as stored. A summary written
by owed itself also keeps its `code` and `params`, so that pages write it in the reader's
language (`owed.dunning.summaries.summary_text`); a summary someone wrote (a note, the
subject of a message sent in the client's language) has no code and is shown as stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from owed.core.calls import Reason
from owed.ledger.models import Client, Invoice, Organization


class Interaction(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Letter")
        CALL = "call", _("Call")
        NOTE = "note", _("Note")
        PORTAL = "portal", _("Portal")

    class Direction(models.TextChoices):
        OUT = "out", _("To the client")
        IN = "in", _("From the client")
        INTERNAL = "internal", _("Internal")

    class Reason(models.TextChoices):
        FORGOT = Reason.FORGOT.value, _("Forgot")
        INVOICE_LOST = Reason.INVOICE_LOST.value, _("Invoice lost")
        DISSATISFIED = Reason.DISSATISFIED.value, _("Dissatisfied")
        CASH_FLOW = Reason.CASH_FLOW.value, _("Cash flow")
        DELIBERATE = Reason.DELIBERATE.value, _("Deliberate")
        OTHER = Reason.OTHER.value, _("Other")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("client")
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("invoice"),
    )
    action = models.ForeignKey(
        "dunning.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("action"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    happened_on = models.DateField(_("date"))
    summary = models.CharField(_("summary"), max_length=300)
    code = models.CharField(
        _("summary code"),
        max_length=30,
        blank=True,
        help_text=_(
            "What happened, for writing the summary in the reader's language "
            "(owed.dunning.summaries); empty for a summary as someone wrote it."
        ),
    )
    params = models.JSONField(
        _("summary details"),
        default=dict,
        blank=True,
        help_text=_("The invoice numbers, days and other details the summary names."),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_response = models.BooleanField(
        _("client response"),
        default=False,
        help_text=_("The client answered: it counts against a credit hold."),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-happened_on", "-id"]
        indexes = [
            models.Index(fields=["client", "is_response", "happened_on"], name="interaction_resp")
        ]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.get_channel_display()}: {self.summary}"
