"""Never sent twice: a message whose sending was interrupted is not sent again by owed.

The state a killed worker leaves (the message `sending`, claimed at some time) is set up
here directly; tests/mail/test_processes.py kills a real one. Only the stale timeout
turns it `uncertain`, and only a user's `owed send --resend-uncertain` queues it again.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from owed.errors import OwedError
from owed.mail import delivery
from owed.mail.delivery import deliver_due, mark_stale
from owed.mail.models import Message
from owed.mail.services import message_requeue
from tests.mail.conftest import T0, at

pytestmark = pytest.mark.django_db


def abandoned(message: Message, claimed_at=T0) -> Message:
    """The message as a worker killed while sending it leaves it."""
    Message.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, claim="a" * 32, claimed_at=claimed_at
    )
    return Message.objects.get(pk=message.pk)


def test_a_message_left_sending_is_not_sent_again_and_becomes_uncertain(mail_server, sink, queue):
    message = abandoned(queue(to="ketoan@senvang.vn"))

    early = deliver_due(now=at(minutes=14))
    assert (early.outcomes, early.uncertain) == ([], [])
    assert Message.objects.get(pk=message.pk).status == "sending"

    late = deliver_due(now=at(minutes=15, seconds=1))

    assert (late.outcomes, late.uncertain) == ([], [message.pk])
    message = Message.objects.get(pk=message.pk)
    assert (message.status, message.attempts, message.next_attempt_at) == ("uncertain", 1, None)
    assert message.last_error.startswith(
        "Attempt 1 started at 2026-04-02 09:00:00 UTC and never finished"
    )
    assert f"owed send --resend-uncertain {message.pk}" in message.last_error
    assert deliver_due(now=at(days=7)).outcomes == []
    assert sink.files() == []


def test_only_the_users_decision_sends_an_uncertain_message_again(mail_server, sink, queue):
    message = abandoned(queue(to="ketoan@senvang.vn"))
    mark_stale(now=at(hours=1))

    [again] = message_requeue(
        organization=message.organization, ids=[message.pk], status="uncertain", now=at(hours=2)
    )

    assert (again.status, again.attempts, again.next_attempt_at) == ("queued", 0, at(hours=2))
    assert again.last_error.startswith(
        "Queued again by the user at 2026-04-02 11:00 UTC after 1 attempts. Before: Attempt 1"
    )
    report = deliver_due(now=at(hours=2))
    assert [(o.message, o.status) for o in report.outcomes] == [(message.pk, "sent")]
    assert [m["Message-ID"] for m in sink.messages()] == [message.message_id]


def test_the_stale_timeout_can_be_set(monkeypatch, mail_server, queue):
    monkeypatch.setenv("OWED_MAIL_STALE_SECONDS", "2")
    message = abandoned(queue(to="ketoan@senvang.vn"))

    assert mark_stale(now=at(seconds=2)) == []
    assert mark_stale(now=at(seconds=3)) == [message.pk]

    monkeypatch.setenv("OWED_MAIL_STALE_SECONDS", "soon")
    with pytest.raises(OwedError, match="OWED_MAIL_STALE_SECONDS must be a positive number"):
        mark_stale(now=at(seconds=3))


def test_a_slow_worker_that_finishes_after_the_timeout_still_records_the_message_sent(
    mail_server, queue
):
    message = queue(to="ketoan@senvang.vn")
    assert delivery._claim(message.pk, "b" * 32, T0)  # the worker takes it ...
    mark_stale(now=at(hours=1))  # ... and is so slow that it is given up on
    assert Message.objects.get(pk=message.pk).status == "uncertain"

    delivery._record_sent(Message.objects.get(pk=message.pk), "b" * 32, at(hours=1), {})

    assert Message.objects.get(pk=message.pk).status == "sent"  # now it is certain


def test_a_worker_whose_message_was_queued_again_records_nothing(mail_server, queue):
    message = queue(to="ketoan@senvang.vn")
    assert delivery._claim(message.pk, "c" * 32, T0)
    mark_stale(now=at(hours=1))
    message_requeue(organization=None, ids=[message.pk], status="uncertain", now=at(hours=2))

    delivery._record_sent(Message.objects.get(pk=message.pk), "c" * 32, at(hours=2), {})

    assert Message.objects.get(pk=message.pk).status == "queued"  # the user's attempt stands


def test_requeueing_names_what_cannot_be_queued_again(org, other_org, mail_server, sink, queue):
    sent = queue(to="ketoan@senvang.vn")
    deliver_due(now=T0)

    with pytest.raises(OwedError) as refused:
        message_requeue(organization=org, ids=[sent.pk], status="uncertain")
    assert refused.value.message == (
        f"only uncertain messages can be queued again this way: {sent.pk} is sent"
    )
    with pytest.raises(OwedError, match=f"no message {sent.pk + 99} in lotus-studio"):
        message_requeue(organization=org, ids=[sent.pk + 99], status="uncertain")
    with pytest.raises(OwedError, match=f"no message {sent.pk} in other-business"):
        message_requeue(organization=other_org, ids=[sent.pk], status="uncertain")
    with pytest.raises(OwedError, match="only an uncertain or a failed message"):
        message_requeue(organization=org, ids=[sent.pk], status="sent")


def test_a_failed_message_can_be_retried_by_the_user(mail_server, sink, queue, tmp_path):
    message = queue(to="fail550@senvang.vn")
    deliver_due(now=T0)
    assert Message.objects.get(pk=message.pk).status == "failed"

    message_requeue(organization=None, ids=[message.pk], status="failed", now=at(minutes=5))
    report = deliver_due(now=at(minutes=5) + timedelta(seconds=1))

    [outcome] = report.failed  # the mailbox still does not exist
    assert outcome.attempts == 1
