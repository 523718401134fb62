"""Delivering the outbox over SMTP, so that nothing is lost and nothing is sent twice.

Each message is first *claimed*: one UPDATE moves it from queued to sending (attempts + 1)
only if it is still queued and due, and commits, before a byte goes to the server. Of
several workers, exactly one wins each message. The outcome is then recorded by the
holder of the claim:

    queued --claim--> sending --250--------------------------> sent
                              --4xx, refused connection, timeout,
                                dropped connection------------> queued (later; backoff)
                              --5xx, every recipient refused,
                                or the last of MAX_ATTEMPTS----> failed
    sending, untouched for `stale_after()` -------------------> uncertain
    uncertain --`owed send --resend-uncertain ID` (a user)----> queued

A process killed after the server accepted a message and before the outcome was recorded
leaves the message in `sending`. Nothing can tell whether the server got it, so it is
never sent again automatically: once stale it is `uncertain`, and only a user, who can
look in the mailbox, queues it again.
"""

from __future__ import annotations

import email.policy
import logging
import os
import smtplib
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from owed.ledger.models import Organization
from owed.mail.addresses import split_addresses
from owed.mail.headers import encode_headers
from owed.mail.models import MailServer, Message

log = logging.getLogger("owed.mail")

# Minutes to wait after the 1st, 2nd, ... failed attempt; the last value repeats.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
# A message still not delivered after this many attempts has failed (about 13 hours).
MAX_ATTEMPTS = 8
# A message `sending` for longer than this was abandoned by its process (see module doc).
DEFAULT_STALE_SECONDS = 15 * 60

Clock = Callable[[], datetime]


def stale_after() -> timedelta:
    """How long a message may stay `sending` before it is `uncertain`.

    `OWED_MAIL_STALE_SECONDS` overrides the 15 minutes; it must stay well above the longest
    time one delivery can take (the server's timeout applies to each of its answers).
    """
    text = os.environ.get("OWED_MAIL_STALE_SECONDS", "").strip()
    if text:
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1
        if seconds <= 0:
            from owed.errors import OwedError

            raise OwedError(f"OWED_MAIL_STALE_SECONDS must be a positive number, not {text!r}")
        return timedelta(seconds=seconds)
    return timedelta(seconds=DEFAULT_STALE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return timedelta(minutes=BACKOFF_MINUTES[min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1])


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt did to one message."""

    message: int
    status: str  # sent, queued (to be retried) or failed
    attempts: int
    to: str
    subject: str
    error: str = ""
    smtp_code: int | None = None
    next_attempt_at: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "id": self.message,
            "status": self.status,
            "attempts": self.attempts,
            "to": self.to,
            "subject": self.subject,
            "error": self.error,
            "smtp_code": self.smtp_code,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
        }


@dataclass
class DeliveryReport:
    outcomes: list[Outcome] = field(default_factory=list)
    # Messages found abandoned in `sending` by this run, now `uncertain`.
    uncertain: list[int] = field(default_factory=list)
    # Due messages of organizations without a mail server: organization slug -> count.
    waiting: dict[str, int] = field(default_factory=dict)

    def _with(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def sent(self) -> list[Outcome]:
        return self._with(Message.Status.SENT)

    @property
    def retrying(self) -> list[Outcome]:
        return self._with(Message.Status.QUEUED)

    @property
    def failed(self) -> list[Outcome]:
        return self._with(Message.Status.FAILED)

    @property
    def partly_refused(self) -> list[Outcome]:
        """Sent, but some recipients were refused (the error says which)."""
        return [o for o in self.sent if o.error]

    def as_dict(self) -> dict:
        return {
            "sent": len(self.sent),
            "retrying": len(self.retrying),
            "failed": len(self.failed),
            "partly_refused": len(self.partly_refused),
            "uncertain": self.uncertain,
            "waiting_for_mail_server": self.waiting,
            "messages": [o.as_dict() for o in self.outcomes],
        }


def messages_due(*, organization: Organization | None = None, now: datetime) -> QuerySet:
    """Queued messages whose next attempt has come, oldest first."""
    due = Message.objects.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
    if organization is not None:
        due = due.filter(organization=organization)
    return due.order_by("next_attempt_at", "id")


def mark_stale(
    *, organization: Organization | None = None, now: datetime | None = None
) -> list[int]:
    """Make messages abandoned in `sending` `uncertain`; their ids."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    stale = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=cutoff)
    if organization is not None:
        stale = stale.filter(organization=organization)
    marked = []
    for pk, attempts, claimed_at, claim, last_error in stale.values_list(
        "pk", "attempts", "claimed_at", "claim", "last_error"
    ):
        note = (
            f"Attempt {attempts} started at {claimed_at:%Y-%m-%d %H:%M:%S} UTC and never "
            "finished: the process sending it stopped, and the server may have accepted "
            "the message. Check whether the recipient got it; `owed send --resend-uncertain "
            f"{pk}` sends it again."
        )
        if last_error:
            note += f" Before: {last_error}"
        with transaction.atomic(durable=True):
            done = Message.objects.filter(pk=pk, status=Message.Status.SENDING, claim=claim).update(
                status=Message.Status.UNCERTAIN,
                next_attempt_at=None,
                last_error=note,
                updated_at=now,
            )
        if done:
            marked.append(pk)
    return marked


def deliver_due(
    *,
    organization: Organization | None = None,
    now: datetime | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DeliveryReport:
    """Deliver every queued message whose time has come (at most `limit`).

    Safe to run in several processes at once: each message is claimed before it is sent.
    `now` fixes the clock (tests); by default each step reads the real time.
    """
    clock: Clock = (lambda: now) if now is not None else timezone.now
    start = clock()
    report = DeliveryReport(uncertain=mark_stale(organization=organization, now=start))
    due = messages_due(organization=organization, now=start)
    servers = {
        s.organization_id: s
        for s in MailServer.objects.filter(
            organization__in=due.order_by().values("organization_id").distinct()
        )
    }
    report.waiting = {
        row["organization__slug"]: row["count"]
        for row in due.exclude(organization_id__in=list(servers))
        .order_by()
        .values("organization__slug")
        .annotate(count=Count("id"))
    }
    rows = due.filter(organization_id__in=list(servers)).values_list("pk", "organization_id")
    rows = list(rows[:limit] if limit else rows)
    transports = {org: _Transport(server) for org, server in servers.items()}
    try:
        for done, (pk, org) in enumerate(rows, 1):
            outcome = _deliver(pk, transports[org], clock)
            if outcome is not None:
                report.outcomes.append(outcome)
            if progress is not None:
                progress(done, len(rows))
    finally:
        for transport in transports.values():
            transport.close()
    return report


def deliver_message(message_id: int, *, now: datetime | None = None) -> Outcome | None:
    """Deliver one message if it is queued and due; None when there was nothing to do
    (already taken, not due yet, or no mail server)."""
    clock: Clock = (lambda: now) if now is not None else timezone.now
    message = messages_due(now=clock()).filter(pk=message_id).only("organization_id").first()
    if message is None:
        return None
    server = MailServer.objects.filter(organization_id=message.organization_id).first()
    if server is None:
        return None
    transport = _Transport(server)
    try:
        return _deliver(message_id, transport, clock)
    finally:
        transport.close()


def _deliver(pk: int, transport: _Transport, clock: Clock) -> Outcome | None:
    token = uuid.uuid4().hex
    if not _claim(pk, token, clock()):
        return None  # another worker took it, or it changed since it was listed
    message = Message.objects.prefetch_related("attachments").get(pk=pk)
    if transport.down:
        # The server could not be reached a moment ago: this attempt fails the same way.
        return _record_failure(message, token, clock(), permanent=False, text=transport.down)
    try:
        mail = build_email(message, transport.server)
        refused = transport.send(mail)
    except _NoConnection as exc:
        transport.down = exc.text
        return _record_failure(message, token, clock(), permanent=False, text=exc.text)
    except Exception as exc:
        permanent, code, text = classify(exc, transport.server)
        return _record_failure(message, token, clock(), permanent=permanent, code=code, text=text)
    # Only now is the message known to be accepted: a crash before this line leaves it
    # `sending`, to become `uncertain`, never sent again automatically.
    return _record_sent(message, token, clock(), refused)


def _claim(pk: int, token: str, now: datetime) -> bool:
    """Take the message if it is still queued and due; committed before anything is sent."""
    with transaction.atomic(durable=True):
        return bool(
            Message.objects.filter(
                pk=pk, status=Message.Status.QUEUED, next_attempt_at__lte=now
            ).update(
                status=Message.Status.SENDING,
                attempts=F("attempts") + 1,
                claim=token,
                claimed_at=now,
                updated_at=now,
            )
        )


def _record_sent(message: Message, token: str, now: datetime, refused: dict) -> Outcome:
    error = ""
    if refused:
        error = "Sent, but the server refused " + "; ".join(
            f"{rcpt}: {code} {_text(answer)}" for rcpt, (code, answer) in refused.items()
        )
    with transaction.atomic(durable=True):
        recorded = Message.objects.filter(pk=message.pk, claim=token).update(
            status=Message.Status.SENT,
            sent_at=now,
            smtp_code=250,
            last_error=error,
            next_attempt_at=None,
            updated_at=now,
        )
    if not recorded:
        log.warning("message %s was sent but a user queued it again meanwhile", message.pk)
    return _outcome(message, Message.Status.SENT, error=error, code=250)


def _record_failure(
    message: Message,
    token: str,
    now: datetime,
    *,
    permanent: bool,
    text: str,
    code: int | None = None,
) -> Outcome:
    attempts = message.attempts
    if not permanent and attempts >= MAX_ATTEMPTS:
        permanent = True
        text = f"Gave up after {attempts} attempts. {text}"
    status = Message.Status.FAILED if permanent else Message.Status.QUEUED
    next_at = None if permanent else now + backoff(attempts)
    with transaction.atomic(durable=True):
        recorded = Message.objects.filter(pk=message.pk, claim=token).update(
            status=status, next_attempt_at=next_at, last_error=text, smtp_code=code, updated_at=now
        )
    if recorded and next_at is not None:
        _follow_up(message.pk, next_at)
    return _outcome(message, status, error=text, code=code, next_at=next_at)


def _follow_up(pk: int, at: datetime) -> None:
    """Have a worker try again at `at`; only a help, so a failure to enqueue is logged."""
    from owed.mail.tasks import enqueue_delivery

    try:
        enqueue_delivery(pk, at=at)
    except Exception:
        log.exception("could not enqueue the next attempt of message %s", pk)


def _outcome(
    message: Message,
    status: str,
    *,
    error: str = "",
    code: int | None = None,
    next_at: datetime | None = None,
) -> Outcome:
    return Outcome(
        message=message.pk,
        status=status,
        attempts=message.attempts,
        to=message.to,
        subject=message.subject,
        error=error,
        smtp_code=code,
        next_attempt_at=next_at,
    )


def build_email(message: Message, server: MailServer) -> EmailMultiAlternatives:
    """The e-mail as Django's mail framework builds it: plain text, an HTML alternative,
    attachments, and the message's own Message-ID and threading headers."""
    sender = server.from_address
    if server.from_name:
        user, _, domain = sender.rpartition("@")
        sender = str(Address(display_name=server.from_name, username=user, domain=domain))
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.references or message.in_reply_to
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=sender,
        to=split_addresses(message.to),
        cc=split_addresses(message.cc),
        bcc=split_addresses(message.bcc),
        reply_to=[server.reply_to] if server.reply_to else [],
        headers=headers,
    )
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    for attachment in message.attachments.all():
        mail.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return mail


class _NoConnection(Exception):
    """The server could not be reached or refused the session (not this message)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class _Transport:
    """One SMTP session per organization and run, opened when first needed.

    Django's SMTP backend opens it (STARTTLS or SSL, login, timeout); the transaction is
    sent on its connection so that the recipients the server refused are known.
    """

    def __init__(self, server: MailServer) -> None:
        self.server = server
        self.backend: EmailBackend | None = None
        self.down = ""  # why the server could not be reached, once it could not

    def _open(self) -> EmailBackend:
        server = self.server
        # Built directly with an alias, as Django's `mail.mailers` builds a mailer:
        # `get_connection()` is deprecated since Django 6.1, and each organization has
        # its own server, so there is no MAILERS setting to name.
        backend = EmailBackend(
            alias=f"owed-{server.organization_id}",
            host=server.host,
            port=server.port,
            username=server.username or None,
            password=server.password or None,
            use_tls=server.security == MailServer.Security.STARTTLS,
            use_ssl=server.security == MailServer.Security.SSL,
            timeout=server.timeout,
        )
        try:
            backend.open()
        except Exception as exc:
            _close(backend)
            _, _, text = classify(exc, server)
            where = f"{server.host}:{server.port}"
            if where not in text:
                text += f" ({where})"
            raise _NoConnection(f"Could not connect: {text}") from exc
        return backend

    def send(self, mail: EmailMultiAlternatives) -> dict:
        """Send one message; the recipients the server refused (others got it)."""
        if self.backend is None or self.backend.connection is None:
            self.backend = self._open()
        backend = self.backend
        sender = backend.prep_address(mail.from_email)
        recipients = [backend.prep_address(a) for a in mail.recipients()]
        message = mail.message(policy=email.policy.SMTP)
        encode_headers(message)
        data = message.as_bytes()
        try:
            return backend.connection.sendmail(sender, recipients, data)
        except BaseException:
            # Whatever state the session is in, the next message starts a fresh one.
            self.close()
            raise

    def close(self) -> None:
        if self.backend is not None:
            _close(self.backend)
            self.backend = None


def _close(backend: EmailBackend) -> None:
    try:
        backend.close()
    except Exception:
        connection = getattr(backend, "connection", None)
        if connection is not None:
            connection.close()
        backend.connection = None


def classify(exc: BaseException, server: MailServer) -> tuple[bool, int | None, str]:
    """(permanent, SMTP code, what happened) for a failed attempt.

    Permanent: the server refused for good (5xx) or an address is malformed; anything
    else (4xx, no connection, a timeout, a dropped connection) may pass and is retried.
    """
    where = f"{server.host}:{server.port}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.items())
        codes = [code for _, (code, _) in answers]
        text = "The server refused " + "; ".join(
            f"{rcpt}: {code} {_text(answer)}" for rcpt, (code, answer) in answers
        )
        permanent = all(500 <= code < 600 for code in codes)
        return permanent, (max(codes) if permanent else min(codes)) if codes else None, text
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            False,
            exc.smtp_code,
            (
                f"The server refused the user name or password: {exc.smtp_code} {_text(exc.smtp_error)}"
            ),
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        what = {
            smtplib.SMTPSenderRefused: "The server refused the sender",
            smtplib.SMTPDataError: "The server refused the message",
            smtplib.SMTPConnectError: "The server refused the connection",
            smtplib.SMTPHeloError: "The server refused the greeting",
        }.get(type(exc), "The server answered")
        return 500 <= code < 600, code, f"{what}: {code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
        exc.__context__, TimeoutError
    ):
        exc = exc.__context__  # smtplib reports a timeout while reading as a disconnection
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        detail = str(exc) or "connection closed"
        return False, None, f"The server {where} closed the connection ({detail})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return False, None, f"The server {where} does not support it: {exc}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        # Retried like any connection failure: the messages wait while the server's
        # certificate (or owed's list of trusted authorities) is put right.
        reason = (exc.verify_message or str(exc)).rstrip(".")
        return (
            False,
            None,
            f"The server's certificate is not trusted ({reason}) at {where}: check the host "
            "name, or, if the server's certificate is its own, give owed its authority's "
            "certificate with SSL_CERT_FILE",
        )
    if isinstance(exc, ssl.SSLError):
        reason = exc.reason or exc.strerror or str(exc)
        return (
            False,
            None,
            f"TLS with {where} failed ({reason}): does the server expect "
            f"{'STARTTLS' if server.security == MailServer.Security.SSL else 'SSL/TLS'} instead?",
        )
    if isinstance(exc, TimeoutError):
        return False, None, f"No answer from {where} within {server.timeout} seconds"
    if isinstance(exc, ConnectionRefusedError):
        return False, None, f"Connection refused by {where} (is the server running?)"
    if isinstance(exc, OSError):
        return False, None, f"Cannot talk to {where}: {exc.strerror or exc}"
    if isinstance(exc, smtplib.SMTPException):
        return False, None, f"SMTP error with {where}: {exc}"
    if isinstance(exc, ValueError):
        return True, None, f"Not a valid message: {exc}"
    return False, None, f"Unexpected error: {type(exc).__name__}: {exc}"


def _text(answer: bytes | str) -> str:
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace")
    return " ".join(answer.split())
