"""What the back office remembers about a user: the language of its pages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from owed.ledger.models import Language


class Profile(models.Model):
    """A user's choices in the back office. The organization a user works in is kept in
    the session instead: two browser sessions may work in two organizations at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="web_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty: the browser's language."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)
