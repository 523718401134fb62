"""Failed deliveries on Today: every message the mail server refused for good, with its
answer, and a Retry that puts it back in the queue (logged on the client's record)."""

from __future__ import annotations

import pytest

from owed.dunning.models import Interaction
from owed.mail.models import Message

pytestmark = pytest.mark.django_db


def _failed(org, client, *, subject="Nhắc nhở: hóa đơn INV-001", n=1):
    return Message.objects.create(
        organization=org,
        client=client,
        to="lan@hoasen.example",
        subject=subject,
        text="Kính gửi,\n",
        message_id=f"<failed-{org.pk}-{n}@lotus.vn>",
        status=Message.Status.FAILED,
        attempts=1,
        smtp_code=550,
        last_error="The server refused lan@hoasen.example: 550 5.1.1 Mailbox unavailable",
    )


def test_today_lists_failed_deliveries_with_the_servers_answer(web, books, their):
    mine = _failed(books.org, books.client)
    theirs = _failed(their.org, their.client, subject="Their failure")

    page = web.get("/").content.decode()

    assert "Failed deliveries" in page
    assert f'id="message-{mine.pk}"' in page
    assert "550 5.1.1 Mailbox unavailable" in page
    assert "lan@hoasen.example" in page
    assert f'action="/messages/{mine.pk}/retry/"' in page
    assert "Their failure" not in page and f'id="message-{theirs.pk}"' not in page


def test_without_failures_there_is_no_such_section(web, books):
    assert "Failed deliveries" not in web.get("/").content.decode()


def test_failures_show_even_when_nothing_is_planned(web, books):
    books.reminder.delete()
    books.call.delete()
    _failed(books.org, books.client)
    page = web.get("/").content.decode()
    assert "Failed deliveries" in page and "Nothing is planned for today." in page


def test_retry_puts_the_message_back_in_the_queue_and_logs_it(web, books):
    message = _failed(books.org, books.client)

    response = web.post(f"/messages/{message.pk}/retry/")

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert message.attempts == 0
    assert message.last_error.startswith("Queued again by the user")
    assert "550 5.1.1" in message.last_error  # what happened before is kept
    note = Interaction.objects.get(client=books.client, channel="note")
    assert "E-mail queued again after it failed: Nhắc nhở: hóa đơn INV-001" in note.note
    assert "550 5.1.1" in note.note
    page = web.get("/").content.decode()
    assert "Queued again: Nhắc nhở: hóa đơn INV-001." in page
    assert f'id="message-{message.pk}"' not in page


def test_retrying_twice_is_refused_the_second_time(web, books):
    message = _failed(books.org, books.client)
    web.post(f"/messages/{message.pk}/retry/")

    web.post(f"/messages/{message.pk}/retry/")

    page = web.get("/").content.decode()
    assert "Not done: only failed messages can be queued again this way" in page
    assert Interaction.objects.filter(channel="note").count() == 1


def test_another_organizations_message_is_not_found(web, books, their):
    theirs = _failed(their.org, their.client)
    assert web.post(f"/messages/{theirs.pk}/retry/").status_code == 404
    assert web.post("/messages/999999/retry/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Message.Status.FAILED


def test_a_read_only_member_sees_failures_but_cannot_retry(web_reader, books):
    message = _failed(books.org, books.client)
    page = web_reader.get("/").content.decode()
    assert "550 5.1.1" in page
    assert "/retry/" not in page
    assert web_reader.post(f"/messages/{message.pk}/retry/").status_code == 403
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED


def test_retry_only_answers_a_post(web, books):
    message = _failed(books.org, books.client)
    assert web.get(f"/messages/{message.pk}/retry/").status_code == 405
