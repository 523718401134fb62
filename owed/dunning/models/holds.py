"""Credit holds (per client) and work stops (per contract): in force until lifted."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from owed.ledger.models import Client, Contract, Organization


class Hold(models.Model):
    """No new work or credit for the client until nothing of it is overdue."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="holds", verbose_name=_("client")
    )
    since = models.DateField(_("since"))
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit hold")
        verbose_name_plural = _("credit holds")
        ordering = ["-since", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(lifted_on=None), name="hold_one_per_client"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} ({self.since})"


class WorkStop(models.Model):
    """Work under the contract stopped (its work-stop clause) until it is paid up."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="work_stops", verbose_name=_("contract")
    )
    since = models.DateField(_("since"))
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("work stop")
        verbose_name_plural = _("work stops")
        ordering = ["-since", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(lifted_on=None),
                name="work_stop_one_per_contract",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} ({self.since})"
