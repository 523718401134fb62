"""The organization's mail server as the settings pages change and try it: saving it, and
sending one test message through it at once, with the server's own answer.

The test message does not go through the outbox (it is not one of the organization's
messages and is never retried): it is sent on a session opened by the delivery code
(`owed.mail.delivery`: the same STARTTLS or SSL, login and header encoding as every
message), step by step, so that the server's answer to each step can be shown.
"""

from __future__ import annotations

import copy
import email.policy
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import make_msgid

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from owed.errors import OwedError
from owed.ledger.models import Organization
from owed.mail.delivery import _NoConnection, _Transport, classify
from owed.mail.headers import encode_headers
from owed.mail.models import MailServer
from owed.mail.services import mail_server_set

log = logging.getLogger("owed.mail")

TEST_TIMEOUT = 15
"""At most this many seconds for each answer during a test (the page waits for it)."""


def mail_server_save(*, organization: Organization, by, **changes) -> MailServer:
    """`mail_server_set`, logged: which settings changed and who changed them (a new
    password is said to be new, never written)."""
    before = MailServer.objects.filter(organization=organization).first()
    server = mail_server_set(organization=organization, **changes)
    changed = sorted(
        name
        for name in changes
        if name != "password" and getattr(before, name, None) != getattr(server, name)
    )
    if before is None or before.password != server.password:
        changed.append("password")
    log.info(
        "organization %s: mail server %s:%s (%s) %s by %s; changed: %s",
        organization.slug,
        server.host,
        server.port,
        server.security,
        "set" if before is None else "changed",
        getattr(by, "username", "?"),
        ", ".join(changed) or "nothing",
    )
    return server


@dataclass(frozen=True, slots=True)
class TestResult:
    """How a test message went: `sent`, a sentence saying what happened, and the server's
    own answer (or the error) as it gave it."""

    sent: bool
    summary: str
    answer: str


def mail_server_test(*, organization: Organization, by, to: str) -> TestResult:
    """Send one test message to `to` through the organization's mail server, now."""
    to = (to or "").strip()
    try:
        validate_email(to)
    except ValidationError:
        raise OwedError(_("This is not an e-mail address.")) from None
    server = MailServer.objects.filter(organization=organization).first()
    if server is None:
        raise OwedError(_("Save the mail server's settings first, then send a test message."))
    trial = copy.copy(server)
    trial.timeout = min(server.timeout, TEST_TIMEOUT)
    mail = _test_email(organization, trial, to)
    transport = _Transport(trial)
    try:
        answer = _send(transport, mail)
    except _NoConnection as exc:
        result = TestResult(False, _failure(exc.__cause__), exc.text)
    except Exception as exc:  # anything the server or the network did: said, never raised
        result = TestResult(False, _failure(exc), classify(exc, trial)[2])
    else:
        result = TestResult(
            True, _("The server accepted the test message for %(to)s.") % {"to": to}, answer
        )
    finally:
        transport.close()
    log.info(
        "organization %s: test message to %s through %s:%s by %s: %s (%s)",
        organization.slug,
        to,
        server.host,
        server.port,
        getattr(by, "username", "?"),
        "sent" if result.sent else "not sent",
        result.answer,
    )
    return result


def _test_email(organization: Organization, server: MailServer, to: str) -> EmailMultiAlternatives:
    sender = server.from_address
    if server.from_name:
        user, _at, domain = sender.rpartition("@")
        sender = str(Address(display_name=server.from_name, username=user, domain=domain))
    where = f"{server.host}:{server.port}"
    body = _(
        "This is a test message from the settings of %(organization)s, sent through the "
        "mail server %(server)s. It arrived, so e-mail to clients can go out the same way. "
        "There is no need to answer it."
    ) % {"organization": organization.name, "server": where}
    return EmailMultiAlternatives(
        subject=_("Test message from %(organization)s") % {"organization": organization.name},
        body=body + "\n",
        from_email=sender,
        to=[to],
        reply_to=[server.reply_to] if server.reply_to else [],
        headers={"Message-ID": make_msgid(domain=server.domain)},
    )


def _send(transport: _Transport, mail: EmailMultiAlternatives) -> str:
    """Send `mail` step by step (as `smtplib.SMTP.sendmail` does); the server's last answer."""
    backend = transport._open()
    transport.backend = backend
    connection = backend.connection
    sender = backend.prep_address(mail.from_email)
    recipient = backend.prep_address(mail.to[0])
    message = mail.message(policy=email.policy.SMTP)
    encode_headers(message)
    data = message.as_bytes()
    connection.ehlo_or_helo_if_needed()
    code, reply = connection.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = connection.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = connection.data(data)
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)
    return f"{code} {' '.join(reply.decode('utf-8', 'replace').split())}"


def _failure(exc: BaseException | None) -> str:
    """What went wrong, in a sentence of the reader's language."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("The server refused the user name or password.")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _(
            "The server does not offer what the settings ask (a login or STARTTLS): check "
            "the security and the port."
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _("The server refused the recipient.")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _("The server refused the from address.")
    if isinstance(exc, smtplib.SMTPDataError):
        return _("The server refused the message.")
    if isinstance(exc, ConnectionRefusedError):
        return _("Nothing answers at this host and port: is the server running, is the port right?")
    if isinstance(exc, TimeoutError) or (
        isinstance(exc, smtplib.SMTPServerDisconnected)
        and isinstance(exc.__context__, TimeoutError)
    ):
        return _("The server did not answer in time.")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("The server closed the connection.")
    if isinstance(exc, ssl.SSLError):
        return _(
            "The secure connection failed: check the security (SSL/TLS or STARTTLS) and the port."
        )
    if isinstance(exc, OSError):
        return _("Could not reach the mail server (is the host name right?).")
    return _("The test message was not sent.")
