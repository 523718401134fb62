"""The e-mail outbox: each organization's mail server, and every message it sends.

A `Message` is written once, queued, and then moves only forward (see `owed.mail.delivery`):

    queued -> sending -> sent
                      -> queued (a temporary failure: tried again later)
                      -> failed (refused for good, or too many attempts)
                      -> uncertain (the process sending it stopped; only a user sends it again)
"""

from __future__ import annotations

import ipaddress
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from owed.ledger.models import Client, Organization

# A host name or an IP address: letters, digits, dots, hyphens (no scheme, no port, no path).
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$")


class MailServer(models.Model):
    """The SMTP server an organization sends its e-mail through, and who the e-mail is from."""

    class Security(models.TextChoices):
        NONE = "none", _("None (plain SMTP)")
        STARTTLS = "starttls", _("STARTTLS")
        SSL = "ssl", _("SSL/TLS")

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="mail_server",
        verbose_name=_("organization"),
    )
    host = models.CharField(_("host"), max_length=253)
    port = models.PositiveIntegerField(_("port"), default=587)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.STARTTLS
    )
    username = models.CharField(_("user name"), max_length=254, blank=True)
    # Kept as it is: owed must give it to the server. Protect the database like the server's
    # own password file.
    password = models.CharField(_("password"), max_length=254, blank=True)
    from_address = models.EmailField(_("from address"))
    from_name = models.CharField(_("from name"), max_length=200, blank=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    timeout = models.PositiveIntegerField(
        _("timeout (seconds)"),
        default=30,
        help_text=_("How long to wait for each answer of the server."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mail server")
        verbose_name_plural = _("mail servers")

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.host = (self.host or "").strip()
        if not self.host:
            errors["host"] = _("Give the mail server's host name, e.g. smtp.example.com.")
        elif not _is_host(self.host):
            errors["host"] = _(
                "A host is a name such as smtp.example.com or an IP address, without "
                "smtp:// or a port."
            )
        if not 1 <= (self.port or 0) <= 65535:
            errors["port"] = _("A port is a number from 1 to 65535 (usually 587 or 465).")
        elif self.port == 465 and self.security != self.Security.SSL:
            errors["security"] = _("Port 465 expects SSL/TLS from the start: choose SSL/TLS.")
        elif self.port == 587 and self.security == self.Security.SSL:
            errors["security"] = _("Port 587 expects STARTTLS: choose STARTTLS (or port 465).")
        if self.security not in self.Security.values:
            errors["security"] = _("Security is none, starttls or ssl.")
        if self.password and not self.username:
            errors["username"] = _("A password needs a user name.")
        if self.username and not self.password:
            errors["password"] = _("A user name needs a password.")
        # Python's smtplib logs in with ASCII only.
        if not self.username.isascii():
            errors["username"] = _("A user name for the mail server must be in ASCII characters.")
        if not self.password.isascii():
            errors["password"] = _("A password for the mail server must be in ASCII characters.")
        for field in ("from_address", "reply_to"):
            value = (getattr(self, field) or "").strip()
            setattr(self, field, value)
            if field == "from_address" and not value:
                errors[field] = _("Give the address your e-mail is sent from.")
            elif value:
                try:
                    validate_email(value)
                except ValidationError:
                    errors[field] = _("This is not an e-mail address.")
        if any(c in self.from_name for c in "\r\n"):
            errors["from_name"] = _("A name is one line.")
        if not 1 <= (self.timeout or 0) <= 600:
            errors["timeout"] = _("A timeout is from 1 to 600 seconds.")
        if errors:
            raise ValidationError(errors)

    @property
    def domain(self) -> str:
        """The domain of the from address (it names the Message-IDs)."""
        return self.from_address.rpartition("@")[2] or "localhost"


def _is_host(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return bool(_HOST.match(value)) and len(value) <= 253
    return True


class Message(models.Model):
    """One e-mail in the outbox: what to send, to whom, and how its delivery went.

    `to`, `cc` and `bcc` are comma-separated address lists ("Name <a@b.vn>, c@d.th").
    `message_id` is made when the message is queued and never changes, so a message sent
    again by a user's decision is the same message to the recipient's mail program.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Uncertain")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, db_index=False, verbose_name=_("organization")
    )
    action = models.OneToOneField(
        "dunning.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="message",
        verbose_name=_("action"),
        help_text=_("The collections action this e-mail carries out (one message per action)."),
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="messages",
        verbose_name=_("client"),
    )
    to = models.TextField(_("to"))
    cc = models.TextField(_("cc"), blank=True)
    bcc = models.TextField(_("bcc"), blank=True)
    subject = models.CharField(pgettext_lazy("e-mail", "subject"), max_length=500)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=250, blank=True)
    references = models.TextField(_("References"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # Who holds the message while it is `sending`: set by the claim, checked when the
    # outcome is recorded, so a late worker never overwrites a newer attempt.
    claim = models.CharField(_("claim"), max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    smtp_code = models.PositiveSmallIntegerField(_("SMTP code"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail message")
        verbose_name_plural = _("e-mail messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_message_due"),
            models.Index(fields=["organization", "status"], name="mail_message_org_status"),
            models.Index(fields=["client", "created_at"], name="mail_message_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"


class Attachment(models.Model):
    """A file sent with a message, kept in the database with it (so a retry has it all)."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(
        _("content type"), max_length=100, default="application/octet-stream"
    )
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["message", "id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def size(self) -> int:
        return len(self.content or b"")
