"""The portal's records: a client's portal link, and what a client asked or reported there
that waits for a user's decision (a payment plan request, a payment it says it made).

The link's token is never stored: only its hash, to find the link, and the random seed it
is derived from with the site's secret key (see `owed.portal.links`)."""

from __future__ import annotations

import secrets
from typing import Final

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from owed.dunning.models import Plan, Snooze
from owed.ledger.fields import MoneyField
from owed.ledger.models import Client, Invoice, Organization


class PortalLink(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="portal_links", verbose_name=_("client")
    )
    seed = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        verbose_name = _("portal link")
        verbose_name_plural = _("portal links")
        indexes = [models.Index(fields=["client", "expires_at"])]

    def __str__(self) -> str:
        return f"portal link {self.pk} for {self.client_id}"


def _proof_path(claim: PaymentClaim, filename: str) -> str:
    # A random name under the organization's folder: nothing of the client, the invoice or
    # the file's own name reaches the disk (the original name is kept in `proof_name`).
    extension = PROOF_EXTENSIONS.get(claim.proof_type, "bin")
    return f"portal/proofs/{claim.organization_id}/{secrets.token_hex(16)}.{extension}"


PROOF_EXTENSIONS: Final = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
"""The proofs a client may upload, by content type, and the extension each is stored with."""


class ClientRequest(models.Model):
    """What a plan request and a payment claim share: each waits (`Status.PENDING`, in
    each model's own choices) for a user to decide, its invoices snoozed meanwhile."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organization")
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    snoozes = models.ManyToManyField(
        Snooze, blank=True, related_name="+", verbose_name=_("snoozes while it waits")
    )

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"], name="%(class)s_status")]


class PlanRequest(ClientRequest):
    """A client asked, in the portal, to pay some invoices in instalments. Its invoices are
    snoozed until a user decides (at most `owed.portal.requests.PAUSE_DAYS`)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("request", "Waiting")
        APPROVED = "approved", pgettext_lazy("request", "Approved")
        DECLINED = "declined", pgettext_lazy("request", "Declined")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="plan_requests", verbose_name=_("client")
    )
    invoices = models.ManyToManyField(
        Invoice, related_name="plan_requests", verbose_name=_("invoices")
    )
    instalments = models.PositiveSmallIntegerField(_("instalments asked"))
    every_days = models.PositiveSmallIntegerField(_("days between instalments asked"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    created_on = models.DateField(_("asked on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decline_reason = models.TextField(_("why it was declined"), blank=True)
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portal_requests",
        verbose_name=_("payment plan"),
    )

    class Meta(ClientRequest.Meta):
        verbose_name = _("payment plan request")
        verbose_name_plural = _("payment plan requests")

    def __str__(self) -> str:
        return f"plan request {self.pk} of {self.client_id}"


class PaymentClaim(ClientRequest):
    """A client said, in the portal, that it paid some invoices, maybe with a proof. Nothing
    is recorded as paid: a user checks the account, then records the payment (the claim is
    confirmed) or says it was not received (rejected). Its invoices are snoozed meanwhile."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("claim", "Waiting")
        CONFIRMED = "confirmed", pgettext_lazy("claim", "Received")
        REJECTED = "rejected", pgettext_lazy("claim", "Not received")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="payment_claims", verbose_name=_("client")
    )
    invoices = models.ManyToManyField(
        Invoice, related_name="payment_claims", verbose_name=_("invoices")
    )
    paid_on = models.DateField(_("paid on"))
    amount = MoneyField(verbose_name=_("amount"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    proof = models.FileField(
        _("proof of payment"), upload_to=_proof_path, max_length=200, blank=True
    )
    proof_type = models.CharField(_("proof's content type"), max_length=40, blank=True)
    proof_name = models.CharField(_("proof's file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    created_on = models.DateField(_("reported on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta(ClientRequest.Meta):
        verbose_name = _("payment reported by a client")
        verbose_name_plural = _("payments reported by clients")

    def __str__(self) -> str:
        return f"payment claim {self.pk} of {self.client_id}"
