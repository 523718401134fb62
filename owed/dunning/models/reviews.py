"""A user's review of a planned e-mail or letter before it goes out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from owed.dunning.models.actions import Action


class ActionReview(models.Model):
    """What a user did to one planned message before it goes out: their own wording of
    it (kept until reset; the outbox composes it instead of the step's text) and their
    approval (needed before sending when the organization reviews what it sends,
    `Organization.review_before_sending`).

    The wording keeps its placeholders: it is filled in when the message is composed,
    in `language`, the language it was written in.
    """

    action = models.OneToOneField(
        Action,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("action"),
    )
    language = models.CharField(_("language"), max_length=2, blank=True)
    subject = models.CharField(
        _("subject line"), max_length=300, blank=True, help_text=_("Empty: the step's text.")
    )
    body = models.TextField(_("text"), blank=True)
    letter_body = models.TextField(_("letter text"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("edited by"),
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review of an action")
        verbose_name_plural = _("reviews of actions")

    def __str__(self) -> str:
        return f"{self.action_id}: {'edited' if self.edited else 'as written'}" + (
            ", approved" if self.approved else ""
        )

    @property
    def edited(self) -> bool:
        """The user's own wording replaces the step's text."""
        return bool(self.subject)

    @property
    def approved(self) -> bool:
        return self.approved_at is not None
