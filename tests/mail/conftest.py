"""Fixtures for the outbox tests: a real SMTP server (owed's aiosmtpd sink, in its own
process on a free loopback port), an organization whose mail server it is, and a client (`sen`).

Nothing stands in for the mail server: every message goes over TCP to the sink, which
keeps what it accepts as .eml files the tests parse.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from owed.mail.sink import Sink
from tests.dunning.processes import Shell

T0 = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)


def at(**delta: float) -> datetime:
    """T0 plus a time span: at(minutes=1, seconds=1)."""
    return T0 + timedelta(**delta)


def free_port() -> int:
    """A loopback port where nothing listens (a mail server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[Sink]:
    with Sink(tmp_path / "sink") as running:
        yield running


@pytest.fixture
def mail_server(org, sink):
    from owed.mail.services import mail_server_set

    return mail_server_set(
        organization=org,
        host=sink.host,
        port=sink.port,
        security="none",
        from_address="billing@lotus.vn",
        from_name="Lotus Studio",
        timeout=5,
    )


@pytest.fixture
def sen(org):
    """The client Sen Vàng: a main contact (Chị Lan) and a billing contact."""
    from owed.ledger.models import Client, Contact

    sen = Client.objects.create(
        organization=org, code="SEN", name="Công ty TNHH Sen Vàng", country="VN", currency="VND"
    )
    Contact.objects.create(organization=org, client=sen, name="Chị Lan", email="ketoan@senvang.vn")
    Contact.objects.create(
        organization=org,
        client=sen,
        role=Contact.Role.BILLING,
        email="ap@senvang.vn",
    )
    return sen


@pytest.fixture
def queue(org):
    """queue(to=..., subject=...): a message queued at T0 for the organization."""
    from owed.mail.services import queue_message

    def make(**given):
        given.setdefault("subject", "Reminder: invoice INV-001")
        given.setdefault("text", "Hello,\nINV-001 is due.\n")
        given.setdefault("send_at", T0)
        return queue_message(organization=org, **given)

    return make


@pytest.fixture(scope="session")
def shell(request, tmp_path_factory) -> Shell:
    """Runs `owed` in subprocesses against a data folder's SQLite database; compiled
    modules are kept between runs (in pytest's cache, when it has one)."""
    cache = getattr(request.config, "cache", None)
    if cache is None:
        return Shell(tmp_path_factory.mktemp("pycache"))
    return Shell(cache.mkdir("owed-cli-pycache"))
