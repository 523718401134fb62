"""Reading the outbox: messages as plain rows for the command line and JSON."""

from __future__ import annotations

from datetime import datetime

from owed.ledger.models import Organization
from owed.mail.models import MailServer, Message


def _time(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def message_rows(
    *,
    organization: Organization | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """The messages, newest first, with their delivery state."""
    messages = Message.objects.select_related("organization", "client").order_by("-id")
    if organization is not None:
        messages = messages.filter(organization=organization)
    if status:
        messages = messages.filter(status=status)
    if limit:
        messages = messages[:limit]
    return [message_row(m) for m in messages]


def message_row(message: Message) -> dict:
    return {
        "id": message.pk,
        "org": message.organization.slug,
        "client_id": message.client.code if message.client else None,
        "action": message.action_id,
        "to": message.to,
        "cc": message.cc,
        "subject": message.subject,
        "status": message.status,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "smtp_code": message.smtp_code,
        "next_attempt_at": _time(message.next_attempt_at),
        "sent_at": _time(message.sent_at),
        "created_at": _time(message.created_at),
        "message_id": message.message_id,
        "in_reply_to": message.in_reply_to,
    }


def mail_server_row(server: MailServer) -> dict:
    """The server's settings; the password only as whether there is one."""
    return {
        "org": server.organization.slug,
        "host": server.host,
        "port": server.port,
        "security": server.security,
        "username": server.username,
        "password_set": bool(server.password),
        "from_address": server.from_address,
        "from_name": server.from_name,
        "reply_to": server.reply_to,
        "timeout": server.timeout,
    }
