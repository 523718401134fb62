"""Retrying a message whose delivery failed: `message_retry` (the Today page's Retry) and
`owed messages retry ID`, against the sink. A failure is real: the sink refuses
`fail550@...`; the recipient's address is then corrected, as a user would, and the
message goes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from owed.dunning.models import Interaction
from owed.errors import OwedError
from owed.mail.delivery import deliver_due
from owed.mail.models import Message
from owed.mail.services import message_retry

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(mail_server, sink, sen, queue):
    """A message the server refused for good (550), then its address corrected."""
    message = queue(client=sen, to="fail550@senvang.vn", send_at=timezone.now())
    report = deliver_due()
    assert [o.status for o in report.outcomes] == ["failed"]
    Message.objects.filter(pk=message.pk).update(to="ketoan@senvang.vn")
    message.refresh_from_db()
    assert message.status == "failed" and "550" in message.last_error
    return message


def test_a_retried_message_is_queued_from_zero_and_then_delivered(org, sink, refused):
    retried = message_retry(organization=org, message_id=refused.pk)

    assert (retried.status, retried.attempts) == ("queued", 0)
    assert retried.last_error.startswith("Queued again by the user")
    assert "550 5.1.1" in retried.last_error
    report = deliver_due()
    assert [o.status for o in report.outcomes] == ["sent"]
    [received] = sink.wait_for(1)
    assert received["Message-ID"] == refused.message_id


def test_a_retry_is_logged_on_the_clients_record(org, sen, refused):
    message_retry(organization=org, message_id=refused.pk)

    note = Interaction.objects.get(client=sen, channel="note")
    assert note.note.startswith(f"E-mail queued again after it failed: {refused.subject}")
    assert "550 5.1.1 Mailbox unavailable" in note.note


def test_only_a_failed_message_of_the_organization_is_retried(org, other_org, sink, refused):
    with pytest.raises(OwedError, match=f"no message {refused.pk} in other-business"):
        message_retry(organization=other_org, message_id=refused.pk)
    message_retry(organization=org, message_id=refused.pk)
    with pytest.raises(OwedError, match="only failed messages can be queued again"):
        message_retry(organization=org, message_id=refused.pk)
    assert Interaction.objects.count() == 1


def test_owed_messages_retry_takes_the_id_as_messages_or_send_shows_it(org, sink, refused, owed):
    done = owed("messages", "retry", f"#{refused.pk}")

    assert done.code == 0, done.stderr
    assert f"Message #{refused.pk} to ketoan@senvang.vn is queued again" in done.stdout
    sent = owed("send")
    assert sent.stdout.startswith("Sent 1, retrying 0, failed 0.")
    assert len(sink.wait_for(1)) == 1
    again = owed("messages", "retry", str(refused.pk), "--json")
    assert again.code == 1
    assert again.json["ok"] is False
    assert f"{refused.pk} is sent" in again.json["message"]


def test_owed_messages_retry_refuses_what_is_not_an_id(org, owed):
    result = owed("messages", "retry", "twelve")
    assert result.code == 1
    assert result.stderr.startswith("error: 'twelve' is not a message id")
    assert "Traceback" not in result.stderr


def test_owed_messages_still_lists_the_outbox(org, refused, owed):
    listed = owed("messages", "--status", "failed", "--json")
    assert [row["id"] for row in listed.json] == [refused.pk]
