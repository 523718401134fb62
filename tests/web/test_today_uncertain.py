"""Interrupted deliveries on Today: a message whose sending stopped between the server's
answer and owed's record of it (`uncertain`) is listed next to the failed ones, with the
two honest choices: "It was sent" (recorded sent, never sent again) or "Send again"
(queued again, with the warning that the client may get it twice). Both are logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from owed.dunning.models import Interaction
from owed.dunning.summaries import summary_text
from owed.mail.delivery import deliver_due
from owed.mail.models import Message
from tests.mail.conftest import mail_server, sink  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _uncertain(org, client, *, subject="Nhắc nhở: hóa đơn INV-001", n=1, status="uncertain"):
    claimed = timezone.now() - timedelta(hours=1)
    return Message.objects.create(
        organization=org,
        client=client,
        to="an@hoasen.example",
        subject=subject,
        text="Kính gửi,\n",
        message_id=f"<uncertain-{org.pk}-{n}@lotus.vn>",
        status=status,
        attempts=1,
        claim="c" * 32,
        claimed_at=claimed,
        next_attempt_at=None,
        last_error="Attempt 1 started at ... and never finished",
    )


def settle(web, message, outcome: str):
    return web.post(f"/messages/{message.pk}/settle/", {"outcome": outcome})


def test_today_lists_uncertain_messages_with_both_choices(web, books, their):
    mine = _uncertain(books.org, books.client)
    theirs = _uncertain(their.org, their.client, subject="Their message")

    html = web.get("/").content.decode()

    assert "Interrupted deliveries" in html
    assert f'id="message-{mine.pk}"' in html
    assert "It was sent" in html and "Send again" in html
    assert "If it did arrive, the client gets it twice." in html
    assert f'action="/messages/{mine.pk}/settle/"' in html
    assert "Their message" not in html and f'id="message-{theirs.pk}"' not in html


def test_a_message_left_sending_past_the_stale_time_is_listed_too(web, books):
    stuck = _uncertain(books.org, books.client, status="sending")
    fresh = _uncertain(books.org, books.client, n=2, status="sending")
    Message.objects.filter(pk=fresh.pk).update(claimed_at=timezone.now())

    html = web.get("/").content.decode()

    assert f'id="message-{stuck.pk}"' in html
    assert f'id="message-{fresh.pk}"' not in html  # still being sent, perhaps

    settle(web, stuck, "sent")
    assert Message.objects.get(pk=stuck.pk).status == "sent"


def test_without_uncertain_messages_there_is_no_such_section(web, books):
    assert "Interrupted deliveries" not in web.get("/").content.decode()


def test_it_was_sent_records_it_sent_and_never_sends_it_again(web, books, mail_server, sink):  # noqa: F811
    message = _uncertain(books.org, books.client)

    response = settle(web, message, "sent")

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.sent_at is not None
    assert message.last_error.startswith("Marked sent by the user at")
    assert "never finished" in message.last_error  # what happened before is kept
    note = Interaction.objects.get(client=books.client, channel="note")
    assert note.code == "message_marked_sent"
    assert note.summary == (
        "E-mail marked as sent after its sending was interrupted: Nhắc nhở: hóa đơn INV-001"
    )
    html = web.get("/").content.decode()
    assert "Recorded as sent: Nhắc nhở: hóa đơn INV-001. It is not sent again." in html
    assert f'id="message-{message.pk}"' not in html
    deliver_due(organization=books.org)
    assert sink.messages() == []


def test_send_again_queues_it_with_a_warning_and_the_server_gets_it(
    web,
    books,
    mail_server,  # noqa: F811
    sink,  # noqa: F811
):
    message = _uncertain(books.org, books.client)

    response = settle(web, message, "again")

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)
    html = web.get("/").content.decode()
    assert "if it had arrived after all, the client gets it twice" in html
    note = Interaction.objects.get(client=books.client, channel="note")
    assert note.code == "message_sent_again"
    assert "the client may get it twice" in summary_text(note, "en")
    deliver_due(organization=books.org)
    [received] = sink.wait_for(1)
    assert received["Message-ID"] == message.message_id  # the same message, once more


def test_settling_twice_is_refused_the_second_time(web, books):
    message = _uncertain(books.org, books.client)
    settle(web, message, "sent")

    settle(web, message, "again")

    html = web.get("/").content.decode()
    assert "Not done: message" in html and "only an uncertain message is settled" in html
    assert Message.objects.get(pk=message.pk).status == "sent"
    assert Interaction.objects.filter(channel="note").count() == 1


@pytest.mark.parametrize("outcome", ["", "maybe", "SENT"])
def test_an_outcome_that_is_neither_choice_is_refused(web, books, outcome):
    message = _uncertain(books.org, books.client)
    response = settle(web, message, outcome)
    assert response.status_code == 302
    assert "say whether the message was sent" in web.get("/").content.decode()
    assert Message.objects.get(pk=message.pk).status == "uncertain"


def test_another_organizations_message_is_not_found(web, books, their):
    theirs = _uncertain(their.org, their.client)
    assert settle(web, theirs, "sent").status_code == 404
    assert web.post("/messages/999999/settle/", {"outcome": "sent"}).status_code == 404
    assert Message.objects.get(pk=theirs.pk).status == "uncertain"


def test_a_read_only_member_sees_them_but_cannot_settle(web_reader, books):
    message = _uncertain(books.org, books.client)
    html = web_reader.get("/").content.decode()
    assert "Interrupted deliveries" in html and "/settle/" not in html
    assert settle(web_reader, message, "sent").status_code == 403
    assert web_reader.get(f"/messages/{message.pk}/settle/").status_code == 405
    assert Message.objects.get(pk=message.pk).status == "uncertain"


# ------------------------------------------------------------------------- the command line


def test_owed_messages_settle(books, owed):
    sent = _uncertain(books.org, books.client)
    again = _uncertain(books.org, books.client, n=2)
    slug = books.org.slug

    first = owed("messages", "settle", str(sent.pk), "--sent", "--org", slug)
    second = owed("messages", "settle", f"#{again.pk}", "--again", "--org", slug, "--json")
    neither = owed("messages", "settle", str(sent.pk), "--org", slug)
    twice = owed("messages", "settle", str(sent.pk), "--again", "--org", slug)

    assert first.code == 0 and "is recorded as sent" in first.stdout
    assert second.code == 0 and second.json["message"]["status"] == "queued"
    assert neither.code == 1 and "--sent (it arrived) or --again" in neither.stderr
    assert twice.code == 1 and "only an uncertain message is settled" in twice.stderr
    assert Message.objects.get(pk=sent.pk).status == "sent"
    assert Interaction.objects.filter(channel="note").count() == 2
