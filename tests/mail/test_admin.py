"""The outbox in the admin: messages are looked at, not edited; a server's password is
never shown back, and an empty password field keeps it."""

from __future__ import annotations

import pytest

from owed.mail.models import MailServer, Message
from owed.mail.services import mail_server_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(org):
    return mail_server_set(
        organization=org,
        host="smtp.lotus.vn",
        username="billing@lotus.vn",
        password="s3cret-Lotus",
        from_address="billing@lotus.vn",
    )


def test_the_message_list_shows_status_attempts_and_last_error(admin_client, queue):
    message = queue(to="ketoan@senvang.vn", subject="Nhắc nhở INV-001")
    Message.objects.filter(pk=message.pk).update(
        status="queued", attempts=2, last_error="The server refused x: 451 4.7.1 Greylisted"
    )

    listing = admin_client.get("/admin/mail/message/").text
    page = admin_client.get(f"/admin/mail/message/{message.pk}/change/").text

    for text in ("Nhắc nhở INV-001", "451 4.7.1 Greylisted", "Queued"):
        assert text in listing
        assert text in page
    assert message.message_id.replace("<", "&lt;").replace(">", "&gt;") in page


def test_messages_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, queue):
    message = queue(to="ketoan@senvang.vn")

    assert admin_client.get("/admin/mail/message/add/").status_code == 403
    assert admin_client.post(f"/admin/mail/message/{message.pk}/delete/").status_code == 403
    admin_client.post(f"/admin/mail/message/{message.pk}/change/", {"status": "sent"})
    assert Message.objects.get(pk=message.pk).status == "queued"


def form(org, **changes) -> dict:
    data = {
        "organization": org.pk,
        "host": "smtp.lotus.vn",
        "port": 587,
        "security": "starttls",
        "username": "billing@lotus.vn",
        "password": "",
        "from_address": "billing@lotus.vn",
        "from_name": "",
        "reply_to": "",
        "timeout": 30,
    }
    return {**data, **changes}


def test_the_password_is_never_shown_and_an_empty_field_keeps_it(admin_client, org, server):
    page = admin_client.get(f"/admin/mail/mailserver/{server.pk}/change/").text
    saved = admin_client.post(
        f"/admin/mail/mailserver/{server.pk}/change/", form(org, host="smtp2.lotus.vn")
    )

    assert "s3cret" not in page
    assert saved.status_code == 302
    server.refresh_from_db()
    assert (server.host, server.password) == ("smtp2.lotus.vn", "s3cret-Lotus")


def test_a_new_password_replaces_the_old_one_and_it_can_be_removed(admin_client, org, server):
    url = f"/admin/mail/mailserver/{server.pk}/change/"

    admin_client.post(url, form(org, password="n3w-Lotus"))
    assert MailServer.objects.get().password == "n3w-Lotus"
    admin_client.post(url, form(org, clear_password="on"))
    assert (MailServer.objects.get().username, MailServer.objects.get().password) == ("", "")


def test_the_admin_shows_what_is_wrong_with_a_server(admin_client, org, server):
    response = admin_client.post(f"/admin/mail/mailserver/{server.pk}/change/", form(org, port=465))

    assert response.status_code == 200
    assert "Port 465 expects SSL/TLS from the start" in response.text
    assert MailServer.objects.get().port == 587
