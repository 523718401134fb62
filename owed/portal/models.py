"""A client's portal link. The URL's token is never stored: only its hash, to find the link,
and the random seed it is derived from with the site's secret key (see `owed.portal.links`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from owed.ledger.models import Client, Organization


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
