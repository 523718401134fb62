"""Delivery over TLS: STARTTLS (port 587 style) and implicit SSL (port 465 style), to a real
aiosmtpd server in its own process with a certificate made here with `openssl`.

owed checks the server's certificate and its name as any mail client should, against the
certificate authorities OpenSSL trusts: the system's, or the file `SSL_CERT_FILE` names.
There is no setting to accept a certificate owed cannot check; a server with its own
certificate authority is trusted by pointing `SSL_CERT_FILE` at a file holding it (see
docs/mail.md). A certificate owed does not trust is a connection failure with a clear
reason, and the message waits in the outbox.
"""

from __future__ import annotations

import email
import email.policy
import select
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from owed.mail.delivery import deliver_due
from owed.mail.models import Message
from owed.mail.services import mail_server_set
from tests.mail.conftest import T0

pytestmark = pytest.mark.django_db

USER, PASSWORD = "billing@lotus.vn", "s3cret-pass"

# The server: aiosmtpd with STARTTLS required, or TLS from the first byte; a login is
# required (aiosmtpd refuses AUTH before STARTTLS); each message accepted is kept as
# NNN.eml with NNN.tls saying whether it came over TLS.
SERVER = textwrap.dedent(
    """
    import asyncio, itertools, pathlib, signal, ssl, sys
    from aiosmtpd.smtp import SMTP, AuthResult

    mode, cert, key, folder, user, password = sys.argv[1:7]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    numbers = itertools.count(1)

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            stem = pathlib.Path(folder) / f"{next(numbers):03d}"
            tls = server.transport.get_extra_info("ssl_object") is not None
            stem.with_suffix(".tls").write_text(str(tls))
            stem.with_suffix(".tmp").write_bytes(envelope.original_content)
            stem.with_suffix(".tmp").rename(stem.with_suffix(".eml"))
            return "250 2.0.0 OK"

    def check(server, session, envelope, mechanism, data):
        ok = data.login.decode() == user and data.password.decode() == password
        return AuthResult(success=ok, handled=False)

    async def main():
        loop = asyncio.get_running_loop()
        handler = Keep()
        common = dict(hostname="tls-test", authenticator=check, auth_required=True)
        if mode == "starttls":
            def factory():
                return SMTP(handler, tls_context=context, require_starttls=True, **common)
            server = await loop.create_server(factory, "127.0.0.1", 0)
        else:
            def factory():
                return SMTP(handler, auth_require_tls=False, **common)
            server = await loop.create_server(factory, "127.0.0.1", 0, ssl=context)
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        print("listening on", server.sockets[0].getsockname()[1], flush=True)
        await stop.wait()
        server.close()

    asyncio.run(main())
    """
)


@dataclass
class Certificate:
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Certificate:
    """A self-signed certificate for the name localhost, valid two days."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=owed test mail server",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
            "-addext",
            "extendedKeyUsage=serverAuth",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


@dataclass
class TlsServer:
    port: int
    folder: Path

    def received(self) -> list[tuple[email.message.EmailMessage, bool]]:
        """The messages kept, oldest first, each with whether it came over TLS."""
        return [
            (
                email.message_from_bytes(path.read_bytes(), policy=email.policy.default),
                path.with_suffix(".tls").read_text() == "True",
            )
            for path in sorted(self.folder.glob("*.eml"))
        ]


def _serve(mode: str, certificate: Certificate, folder: Path) -> Iterator[TlsServer]:
    folder.mkdir()
    script = folder / "server.py"
    script.write_text(SERVER)
    process = subprocess.Popen(
        [
            sys.executable,
            str(script),
            mode,
            str(certificate.cert),
            str(certificate.key),
            str(folder),
            USER,
            PASSWORD,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = ""
        if select.select([process.stdout], [], [], 30)[0]:
            line = process.stdout.readline()
        assert line.startswith("listening on"), line + (process.stderr.read() or "")
        yield TlsServer(int(line.split()[-1]), folder)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        process.stdout.close()
        process.stderr.close()


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request, certificate, tmp_path) -> Iterator[TlsServer]:
    yield from _serve(request.param, certificate, tmp_path / request.param)


@pytest.fixture
def trusted(monkeypatch, certificate):
    """owed's process trusts the test certificate, as `SSL_CERT_FILE` makes OpenSSL do."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


@pytest.fixture
def untrusted(monkeypatch, tmp_path):
    """owed's process trusts no certificate authority at all (an empty bundle), so the
    test's certificate is unknown whatever the machine's own store holds."""
    empty = tmp_path / "no-authorities.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-folder"))


def _server(org, tls_server: TlsServer, request, host: str = "localhost"):
    return mail_server_set(
        organization=org,
        host=host,
        port=tls_server.port,
        security=request.node.callspec.params["tls_server"],
        username=USER,
        password=PASSWORD,
        from_address="billing@lotus.vn",
        from_name="Lotus Studio",
        timeout=10,
    )


def test_a_message_is_delivered_over_tls_with_a_login(
    org, sen, queue, tls_server, trusted, request
):
    _server(org, tls_server, request)
    message = queue(client=sen, subject="Nhắc thanh toán: hóa đơn HĐ-001")

    report = deliver_due(now=T0)

    assert [(o.message, o.status, o.error) for o in report.outcomes] == [(message.pk, "sent", "")]
    [(received, over_tls)] = tls_server.received()
    assert over_tls
    assert received["Subject"] == "Nhắc thanh toán: hóa đơn HĐ-001"
    assert received["Message-ID"] == message.message_id


def test_the_certificate_must_name_the_host_owed_connects_to(
    org, sen, queue, tls_server, trusted, request
):
    # The certificate names localhost; 127.0.0.1 reaches the same server, but is not the
    # name the certificate vouches for.
    _server(org, tls_server, request, host="127.0.0.1")
    message = queue(client=sen)

    [outcome] = deliver_due(now=T0).outcomes

    assert outcome.status == "queued"
    assert outcome.error.startswith("Could not connect: The server's certificate is not trusted")
    assert "127.0.0.1" in outcome.error
    assert tls_server.received() == []
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED


def test_a_certificate_owed_does_not_trust_is_a_clear_failure_and_nothing_is_lost(
    org, sen, queue, tls_server, untrusted, certificate, monkeypatch, request
):
    _server(org, tls_server, request)
    message = queue(client=sen)

    [outcome] = deliver_due(now=T0).outcomes

    assert outcome.status == "queued"
    assert outcome.error.startswith("Could not connect: The server's certificate is not trusted")
    assert "self-signed certificate" in outcome.error
    assert f"localhost:{tls_server.port}" in outcome.error
    assert "SSL_CERT_FILE" in outcome.error
    assert tls_server.received() == []
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.QUEUED, 1)
    assert message.last_error == outcome.error

    # Once the certificate is trusted, the next attempt delivers it.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    monkeypatch.delenv("SSL_CERT_DIR")
    later = message.next_attempt_at
    assert [o.status for o in deliver_due(now=later).outcomes] == ["sent"]
    assert len(tls_server.received()) == 1


def test_a_plain_server_is_refused_when_tls_is_asked_for(org, sen, queue, sink, trusted):
    # The sink speaks plain SMTP only: asking it for STARTTLS must not fall back to
    # sending in clear text.
    mail_server_set(
        organization=org,
        host=sink.host,
        port=sink.port,
        security="starttls",
        from_address="billing@lotus.vn",
        timeout=5,
    )
    queue(client=sen)

    [outcome] = deliver_due(now=T0).outcomes

    assert outcome.status == "queued"
    assert "STARTTLS" in outcome.error
    time.sleep(0.1)
    assert sink.files() == []


@pytest.mark.parametrize(
    ("served", "asked", "said"),
    [
        ("starttls", "ssl", "failed (WRONG_VERSION_NUMBER): does the server expect STARTTLS"),
        # The server waits for a TLS handshake, owed for a greeting: neither comes.
        ("ssl", "starttls", "No answer from localhost"),
    ],
)
def test_the_wrong_kind_of_tls_is_a_connection_failure_that_says_so(
    org, sen, queue, certificate, trusted, tmp_path, served, asked, said
):
    for server in _serve(served, certificate, tmp_path / served):
        mail_server_set(
            organization=org,
            host="localhost",
            port=server.port,
            security=asked,
            from_address="billing@lotus.vn",
            timeout=3,
        )
        queue(client=sen)

        [outcome] = deliver_due(now=T0).outcomes

        assert outcome.status == "queued"
        assert outcome.error.startswith("Could not connect:") and said in outcome.error
        assert server.received() == []
