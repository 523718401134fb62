"""When the mail server fails: temporary faults are retried with backoff and stay visible,
permanent ones fail at once with the server's answer, and nothing arrives twice or in part.

The faults are real: a port where nothing listens, a server that accepts the connection
and never answers, and the sink answering 421, 451, 550 or 554, or dropping the line
half-way through a message.
"""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from owed.mail.delivery import BACKOFF_MINUTES, MAX_ATTEMPTS, deliver_due
from owed.mail.models import Message
from owed.mail.services import mail_server_set
from owed.mail.sink import Sink
from tests.mail.conftest import T0, at, free_port

pytestmark = pytest.mark.django_db


def stored(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)


def point_at(org, port: int, timeout: int = 5):
    return mail_server_set(
        organization=org,
        host="127.0.0.1",
        port=port,
        security="none",
        from_address="billing@lotus.vn",
        timeout=timeout,
    )


def test_a_server_that_is_down_is_retried_and_the_mail_goes_when_it_is_back(org, queue, tmp_path):
    port = free_port()
    point_at(org, port)
    messages = [queue(to=f"client{n}@senvang.vn") for n in range(3)]

    report = deliver_due(now=T0)

    assert [o.status for o in report.outcomes] == ["queued"] * 3
    for message in messages:
        message = stored(message)
        assert (message.status, message.attempts) == ("queued", 1)
        assert message.next_attempt_at == at(minutes=1)
        assert message.last_error == (
            f"Could not connect: Connection refused by 127.0.0.1:{port} (is the server running?)"
        )
    assert deliver_due(now=at(seconds=59)).outcomes == []  # not before the backoff

    with Sink(tmp_path / "back", port=port) as sink:
        report = deliver_due(now=at(minutes=1))

    assert [o.status for o in report.outcomes] == ["sent"] * 3
    assert sorted(m["Message-ID"] for m in sink.messages()) == sorted(
        m.message_id for m in messages
    )
    assert {(m.status, m.attempts) for m in Message.objects.all()} == {("sent", 2)}


def test_a_server_that_never_answers_times_out_and_is_retried(org, queue):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections are accepted by the kernel; nothing ever answers
        point_at(org, silent.getsockname()[1], timeout=1)
        message = queue(to="ketoan@senvang.vn")

        report = deliver_due(now=T0)

    [outcome] = report.outcomes
    assert outcome.status == "queued"
    assert "No answer from 127.0.0.1" in stored(message).last_error
    assert "within 1 seconds" in stored(message).last_error


@pytest.mark.parametrize(
    ("local", "code", "answer"),
    [
        ("fail451", 451, "4.7.1 Greylisted, please try again later"),
        ("fail421", 421, "4.3.2 Service not available, closing transmission channel"),
    ],
)
def test_a_temporary_refusal_is_retried_with_backoff_until_the_fault_is_gone(
    org, mail_server, sink, queue, tmp_path, local, code, answer
):
    message = queue(to=f"{local}@senvang.vn")
    other = queue(to="ketoan@senvang.vn")
    schedule = []
    now = T0
    for _ in range(4):
        deliver_due(now=now)
        message = stored(message)
        schedule.append(int((message.next_attempt_at - now).total_seconds() // 60))
        now = message.next_attempt_at

    assert schedule == list(BACKOFF_MINUTES[:4])
    assert (message.status, message.attempts, message.smtp_code) == ("queued", 4, code)
    assert message.last_error == f"The server refused {local}@senvang.vn: {code} {answer}"
    assert stored(other).status == "sent"  # one refusal does not hold the others back
    assert [m["Message-ID"] for m in sink.messages()] == [other.message_id]

    sink.stop()  # the fault is fixed: the same server, on the same port, without it
    with Sink(sink.directory, port=sink.port, faults=False) as fixed:
        assert deliver_due(now=now - timedelta(seconds=1)).outcomes == []
        report = deliver_due(now=now)

    assert [(o.message, o.status) for o in report.outcomes] == [(message.pk, "sent")]
    assert [m["Message-ID"] for m in fixed.messages()] == [other.message_id, message.message_id]
    message = stored(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 5, "")


def test_a_message_is_failed_after_the_last_attempt(org, mail_server, queue):
    message = queue(to="fail451@senvang.vn")
    now = T0
    for _ in range(MAX_ATTEMPTS):
        report = deliver_due(now=now)
        now = stored(message).next_attempt_at or now

    [outcome] = report.outcomes
    assert outcome.status == "failed"
    message = stored(message)
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 8, None)
    assert message.last_error.startswith("Gave up after 8 attempts. The server refused")
    assert deliver_due(now=at(days=30)).outcomes == []


def test_an_unknown_mailbox_fails_at_once_with_the_servers_answer(mail_server, sink, queue):
    message = queue(to="fail550@senvang.vn")

    report = deliver_due(now=T0)

    [outcome] = report.failed
    assert outcome.error == (
        "The server refused fail550@senvang.vn: 550 5.1.1 Mailbox unavailable: no such user here"
    )
    message = stored(message)
    assert (message.status, message.attempts, message.smtp_code) == ("failed", 1, 550)
    assert message.next_attempt_at is None
    assert sink.files() == []
    assert deliver_due(now=at(days=1)).outcomes == []


def test_a_message_refused_after_its_data_fails_at_once(mail_server, sink, queue):
    message = queue(to="fail554@senvang.vn")

    deliver_due(now=T0)

    message = stored(message)
    assert (message.status, message.smtp_code) == ("failed", 554)
    assert message.last_error == "The server refused the message: 554 5.7.1 Message refused"
    assert sink.files() == []


def test_one_refused_recipient_among_several_is_reported_on_a_sent_message(
    mail_server, sink, queue
):
    message = queue(to=["ketoan@senvang.vn", "fail550@senvang.vn"])

    report = deliver_due(now=T0)

    assert [o.message for o in report.partly_refused] == [message.pk]
    message = stored(message)
    assert message.status == "sent"  # the others have it: sending again would repeat it
    assert message.last_error == (
        "Sent, but the server refused fail550@senvang.vn: "
        "550 5.1.1 Mailbox unavailable: no such user here"
    )
    [received] = sink.messages()
    assert received["X-RcptTo"] == "ketoan@senvang.vn"


def test_a_connection_dropped_mid_message_is_retried_and_nothing_partial_is_kept(
    mail_server, sink, queue
):
    message = queue(to="drop@senvang.vn", text="A long letter.\n" * 2000)

    report = deliver_due(now=T0)

    [outcome] = report.retrying
    assert outcome.error.startswith(f"The server 127.0.0.1:{sink.port} closed the connection")
    assert stored(message).status == "queued"
    assert list(sink.directory.iterdir()) == []  # no message, not even a partial file

    sink.stop()
    with Sink(sink.directory, port=sink.port, faults=False) as fixed:
        deliver_due(now=at(minutes=1))

    [received] = fixed.messages()
    assert received["Message-ID"] == message.message_id
    assert received.get_body(("plain",)).get_content().count("A long letter.") == 2000
    assert stored(message).attempts == 2
