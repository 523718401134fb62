"""Writing to the outbox: queue a message, queue one again by a user's decision (retry a
failed one, settle an uncertain one), set the mail server. Delivery itself is `owed.mail.delivery`; it runs after
the queueing commits."""

from __future__ import annotations

import logging
import mimetypes
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from owed.dunning.models import Action
from owed.errors import OwedError
from owed.ledger.models import Client, Contact, Organization
from owed.mail.addresses import clean_addresses
from owed.mail.models import Attachment, MailServer, Message

log = logging.getLogger("owed.mail")

# How many earlier Message-IDs a References header keeps: the first of the thread and the
# latest ones (RFC 5322 §3.6.4 allows trimming the middle).
REFERENCES_KEPT = 10


@dataclass(frozen=True, slots=True)
class AttachmentInput:
    filename: str
    content: bytes
    content_type: str = ""  # empty: guessed from the file name


def queue_message(
    *,
    organization: Organization,
    subject: str,
    text: str,
    to: str | Sequence[str] | None = None,
    cc: str | Sequence[str] | None = None,
    bcc: str | Sequence[str] | None = None,
    html: str = "",
    client: Client | None = None,
    action: Action | None = None,
    attachments: Sequence[AttachmentInput] = (),
    send_at: datetime | None = None,
) -> Message:
    """Put an e-mail in the outbox; it is delivered after the transaction commits.

    With an `action`, there is one message per action: queueing it again returns the
    message already queued, unchanged. Without `to`, the message goes to the client's
    main contacts (else its billing contacts) that have an e-mail address. The message
    answers the client's previous message (In-Reply-To, References), so a client's
    reminders read as one conversation.
    """
    if action is not None:
        if action.organization_id != organization.pk:
            raise OwedError("the action belongs to another organization")
        existing = Message.objects.filter(action=action).first()
        if existing is not None:
            return existing
        if client is None:
            client = action.client
        elif client.pk != action.client_id:
            raise OwedError("the action is for another client")
    if client is not None and client.organization_id != organization.pk:
        raise OwedError("the client belongs to another organization")
    subject = (subject or "").strip()
    if not subject:
        raise OwedError("a message needs a subject")
    if "\n" in subject or "\r" in subject:
        raise OwedError("a subject is one line")
    if not (text or "").strip():
        raise OwedError("a message needs a plain-text body")
    if send_at is not None and timezone.is_naive(send_at):
        raise OwedError("send_at needs a time zone")
    if not to and client is not None:
        to = client_addresses(client=client)
    to_list = clean_addresses(to, field="to")
    if not to_list:
        who = f"client {client.code} has no contact with an e-mail address" if client else ""
        raise OwedError(f"a message needs a recipient{': ' + who if who else ''}")
    files = [_attachment(a) for a in attachments]
    message = Message(
        organization=organization,
        action=action,
        client=client,
        to=to_list,
        cc=clean_addresses(cc, field="cc"),
        bcc=clean_addresses(bcc, field="bcc"),
        subject=subject,
        text=text,
        html=html or "",
        message_id=_new_message_id(organization),
        next_attempt_at=send_at or timezone.now(),
    )
    try:
        with transaction.atomic():
            _thread(message)
            message.save()
            for file in files:
                file.message = message
            Attachment.objects.bulk_create(files)
            _deliver_after_commit(message)
    except IntegrityError:
        # Another process queued the same action's message a moment before: theirs stands.
        if action is not None:
            existing = Message.objects.filter(action=action).first()
            if existing is not None:
                return existing
        raise
    return message


def client_addresses(*, client: Client) -> list[str]:
    """The client's contact addresses to write to: main contacts, else billing ones."""
    contacts = Contact.objects.filter(client=client).exclude(email="").order_by("id")
    for role in (Contact.Role.MAIN, Contact.Role.BILLING):
        found = [_named(c) for c in contacts if c.role == role]
        if found:
            return found
    return []


def _named(contact: Contact) -> str:
    name = contact.name.replace('"', "").strip()
    return f'"{name}" <{contact.email}>' if name else contact.email


def _attachment(given: AttachmentInput) -> Attachment:
    name = (given.filename or "").strip()
    if not name or "/" in name or "\\" in name or any(ord(c) < 32 for c in name):
        raise OwedError(f"an attachment needs a plain file name, not {given.filename!r}")
    if not isinstance(given.content, bytes | bytearray | memoryview):
        raise OwedError(f"the attachment {name} has no content in bytes")
    kind = given.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if "/" not in kind:
        raise OwedError(f"{kind!r} is not a content type (e.g. application/pdf)")
    return Attachment(filename=name, content_type=kind, content=bytes(given.content))


def _new_message_id(organization: Organization) -> str:
    server = MailServer.objects.filter(organization=organization).first()
    if server is not None:
        domain = server.domain
    else:
        domain = organization.email.rpartition("@")[2] or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def _thread(message: Message) -> None:
    """Make the message answer the client's latest message that was not refused."""
    if message.client is None:
        return
    previous = (
        Message.objects.filter(organization=message.organization, client=message.client)
        .exclude(status=Message.Status.FAILED)
        .order_by("-created_at", "-id")
        .only("message_id", "references")
        .first()
    )
    if previous is None:
        return
    chain = [*previous.references.split(), previous.message_id]
    if len(chain) > REFERENCES_KEPT:
        chain = [chain[0], *chain[-(REFERENCES_KEPT - 1) :]]
    message.in_reply_to = previous.message_id
    message.references = " ".join(chain)


def _deliver_after_commit(message: Message) -> None:
    from owed.mail.tasks import enqueue_delivery

    pk, at = message.pk, message.next_attempt_at
    # robust: a task queue that is down must not undo the queueing; `owed send` and a
    # starting worker deliver whatever is due anyway.
    transaction.on_commit(lambda: enqueue_delivery(pk, at=at), robust=True)


def message_requeue(
    *,
    organization: Organization | None,
    ids: Sequence[int],
    status: str,
    now: datetime | None = None,
) -> list[Message]:
    """Queue uncertain (or failed) messages again, as the user decided; all or none.

    An uncertain message may already be in the recipient's mailbox: only a user, who can
    look, decides to send it again. Its attempts start again from zero. Without an
    organization, the ids may be any organization's.
    """
    if status not in (Message.Status.UNCERTAIN, Message.Status.FAILED):
        raise OwedError("only an uncertain or a failed message can be queued again")
    now = now or timezone.now()
    wanted = sorted(set(ids))
    if not wanted:
        raise OwedError("name the messages to queue again by their id (see `owed messages`)")
    messages = Message.objects.filter(pk__in=wanted)
    if organization is not None:
        messages = messages.filter(organization=organization)
    with transaction.atomic():
        found = {m.pk: m for m in messages.select_for_update()}
        missing = [str(i) for i in wanted if i not in found]
        if missing:
            where = f" in {organization.slug}" if organization is not None else ""
            raise OwedError(f"no message {', '.join(missing)}{where}")
        wrong = [f"{m.pk} is {m.status}" for m in found.values() if m.status != status]
        if wrong:
            raise OwedError(
                f"only {status} messages can be queued again this way: " + "; ".join(wrong)
            )
        for message in found.values():
            note = (
                f"Queued again by the user at {now:%Y-%m-%d %H:%M} UTC after "
                f"{message.attempts} attempts."
            )
            before = f" Before: {message.last_error}" if message.last_error else ""
            updated = Message.objects.filter(pk=message.pk, status=status).update(
                status=Message.Status.QUEUED,
                attempts=0,
                next_attempt_at=now,
                claim="",
                claimed_at=None,
                last_error=note + before,
                updated_at=now,
            )
            if not updated:  # a late worker recorded it as sent meanwhile
                raise OwedError(f"message {message.pk} changed meanwhile; look at it again")
            message.refresh_from_db()
            _deliver_after_commit(message)
    return [found[i] for i in wanted]


def message_retry(
    *, organization: Organization, message_id: int, now: datetime | None = None
) -> Message:
    """Put a failed message back in the queue, as a user decided (once the recipient's
    mailbox exists again, say): its attempts start from zero and it goes at the next
    delivery. One transaction: the requeue (`message_requeue`, which keeps the last error
    in the message's history) and a note on the client's record."""
    from owed.dunning import summaries

    now = now or timezone.now()
    with transaction.atomic():
        before = (
            Message.objects.filter(organization=organization, pk=message_id)
            .values_list("last_error", flat=True)
            .first()
        )
        [message] = message_requeue(
            organization=organization, ids=[message_id], status=Message.Status.FAILED, now=now
        )
        _note(
            organization,
            message,
            now,
            summaries.message_retried(subject=message.subject, error=before or ""),
            f"\nIt had failed with: {before}" if before else "",
        )
    log.info("message %s of %s queued again after it failed", message.pk, organization.slug)
    return message


def message_settle(
    *, organization: Organization, message_id: int, sent: bool, now: datetime | None = None
) -> Message:
    """Settle an `uncertain` message (its sending was interrupted between the server's
    answer and owed's record of it) as a user decided, having looked in the recipient's
    mailbox or asked:

    - `sent=True`: it arrived. It is recorded `sent` and never sent again.
    - `sent=False`: it did not. It is queued again, attempts from zero, keeping its
      Message-ID (`message_requeue`); if it had arrived after all, the client gets it
      twice (a mail program that has it already shows it once).

    One transaction, with a note on the client's record. Only an uncertain message of the
    organization; one still `sending` becomes uncertain after the stale time
    (`owed.mail.delivery.mark_stale`, which `owed messages` and Today run).
    """
    from owed.dunning import summaries

    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(organization=organization, pk=message_id)
            .first()
        )
        if message is None:
            raise OwedError(f"no message {message_id} in {organization.slug}")
        if message.status != Message.Status.UNCERTAIN:
            raise OwedError(
                f"message {message.pk} is {message.status}: only an uncertain message is "
                "settled this way"
            )
        if not sent:
            [message] = message_requeue(
                organization=organization,
                ids=[message.pk],
                status=Message.Status.UNCERTAIN,
                now=now,
            )
            said = summaries.message_sent_again(subject=message.subject)
        else:
            before = f" Before: {message.last_error}" if message.last_error else ""
            Message.objects.filter(pk=message.pk, status=Message.Status.UNCERTAIN).update(
                status=Message.Status.SENT,
                sent_at=message.claimed_at or now,
                next_attempt_at=None,
                claim="",
                claimed_at=None,
                last_error=f"Marked sent by the user at {now:%Y-%m-%d %H:%M} UTC: it had "
                "arrived although its sending was interrupted." + before,
                updated_at=now,
            )
            message.refresh_from_db()
            said = summaries.message_marked_sent(subject=message.subject)
        _note(organization, message, now, said)
    log.info(
        "uncertain message %s of %s settled: %s",
        message.pk,
        organization.slug,
        "sent" if sent else "queued again",
    )
    return message


def _note(organization: Organization, message: Message, now: datetime, said, more: str = ""):
    """Note what a user did with a message on its client's record (none: no note)."""
    from owed.dunning.services import note_log

    if message.client_id is None:
        return
    note_log(
        organization=organization,
        client=message.client,
        on=timezone.localdate(now, ZoneInfo(organization.timezone)),
        note=said.english + more,
        said=said,
    )


# The settings `mail_server_set` accepts; None leaves a setting as it is.
SERVER_FIELDS = (
    "host",
    "port",
    "security",
    "username",
    "password",
    "from_address",
    "from_name",
    "reply_to",
    "timeout",
)


DEFAULT_PORTS = {
    MailServer.Security.NONE: 25,
    MailServer.Security.STARTTLS: 587,
    MailServer.Security.SSL: 465,
}


def mail_server_set(*, organization: Organization, **changes) -> MailServer:
    """Create or change the organization's mail server; `OwedError` listing what is wrong.

    A setting given as None keeps its value (a new server takes the defaults), so a
    password is only replaced when a new one is given.
    """
    unknown = sorted(set(changes) - set(SERVER_FIELDS))
    if unknown:
        raise OwedError(f"unknown mail server setting {', '.join(unknown)}")
    server = MailServer.objects.filter(organization=organization).first()
    security_changed = changes.get("security") not in (None, getattr(server, "security", None))
    if server is None:
        server = MailServer(organization=organization)
    if changes.get("port") is None and (server.pk is None or security_changed):
        # The port that goes with the security, unless one is given.
        security = changes.get("security") or server.security
        changes["port"] = DEFAULT_PORTS.get(security, server.port)
    for name, value in changes.items():
        if value is not None:
            setattr(server, name, value.strip() if isinstance(value, str) else value)
    if changes.get("username") == "":
        server.password = ""  # no login: no password either
    # The model's own explanations first; Django's generic ones only for what they miss.
    errors: dict[str, list[str]] = {}
    try:
        server.clean()
    except ValidationError as exc:
        errors = exc.message_dict
    try:
        server.clean_fields(exclude=["organization", *errors])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        problems = [
            f"{field.replace('_', ' ')}: {message}"
            for field in SERVER_FIELDS
            for message in errors.get(field, [])
        ]
        raise OwedError("the mail server settings are not valid", details=problems)
    with transaction.atomic():
        server.save()
        deliver_waiting(organization=organization)
    return server


def deliver_waiting(*, organization: Organization) -> None:
    """Once committed, have a worker deliver what waited (e.g. for a mail server)."""
    from owed.mail.tasks import deliver_due

    if Message.objects.filter(organization=organization, status=Message.Status.QUEUED).exists():
        transaction.on_commit(deliver_due.enqueue, robust=True)
