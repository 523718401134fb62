"""Queueing messages and setting the mail server: what is stored, and what is refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from owed.dunning.models import Action
from owed.errors import OwedError
from owed.ledger.models import Client
from owed.mail.models import Attachment, MailServer, Message
from owed.mail.services import AttachmentInput, mail_server_set, queue_message
from tests.mail.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(org, sen):
    return Action.objects.create(
        organization=org,
        key="reminder:INV-001",
        kind="message",
        client=sen,
        step="reminder",
        channels="email",
        decided_on=date(2026, 4, 2),
        scheduled_for=T0,
    )


def test_a_message_is_queued_with_its_own_message_id_and_attachments(org, mail_server, queue):
    message = queue(
        to="ketoan@senvang.vn",
        attachments=[AttachmentInput("INV-001.pdf", b"%PDF-1.7"), AttachmentInput("a.bin", b"\0")],
    )

    assert (message.status, message.attempts, message.next_attempt_at) == ("queued", 0, T0)
    assert message.message_id.startswith("<") and message.message_id.endswith("@lotus.vn>")
    assert [(a.filename, a.content_type, bytes(a.content)) for a in Attachment.objects.all()] == [
        ("INV-001.pdf", "application/pdf", b"%PDF-1.7"),
        ("a.bin", "application/octet-stream", b"\0"),
    ]


def test_without_a_mail_server_the_message_id_takes_the_organizations_domain(org, queue):
    org.email = "hello@lotus.studio"
    org.save()

    assert queue(to="a@b.vn").message_id.endswith("@lotus.studio>")


def test_one_message_per_action_however_often_it_is_queued(org, sen, action, queue):
    first = queue(action=action, subject="Reminder")
    again = queue(action=action, subject="Something else entirely")

    assert again.pk == first.pk
    assert again.subject == "Reminder"
    assert Message.objects.count() == 1
    assert first.client == sen  # the action's client
    assert first.to == "Chị Lan <ketoan@senvang.vn>"  # its main contact


def test_without_a_main_contact_the_billing_contact_gets_it(sen, queue):
    sen.contacts.filter(role="main").delete()

    assert queue(client=sen).to == "ap@senvang.vn"


def test_messages_to_a_client_answer_the_previous_one_but_not_a_failed_one(sen, queue):
    first = queue(client=sen)
    failed = queue(client=sen)
    Message.objects.filter(pk=failed.pk).update(status="failed")
    third = queue(client=sen)
    to_someone_else = queue(to="other@example.vn")

    assert (failed.in_reply_to, failed.references) == (first.message_id, first.message_id)
    assert (third.in_reply_to, third.references) == (first.message_id, first.message_id)
    assert (to_someone_else.in_reply_to, to_someone_else.references) == ("", "")


def test_a_long_thread_keeps_its_first_and_latest_references(sen, queue):
    ids = [queue(client=sen).message_id for _ in range(14)]

    last = queue(client=sen)

    assert last.references.split() == [ids[0], *ids[-9:]]


def test_queueing_enqueues_a_delivery_task_once_committed(
    org, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue(to="a@b.vn")
        assert not DBTaskResult.objects.exists()  # nothing before the commit

    assert len(callbacks) == 1
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "owed.mail.tasks.deliver_message"
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}


def test_setting_the_mail_server_has_a_worker_deliver_what_waited(
    org, queue, django_capture_on_commit_callbacks
):
    queue(to="a@b.vn")
    DBTaskResult.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        mail_server_set(organization=org, host="smtp.lotus.vn", from_address="a@lotus.vn")

    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "owed.mail.tasks.deliver_due"
    ]


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"to": "not an address"}, "to: not an e-mail address: 'not an address'"),
        ({"to": "a@b.vn", "cc": "a@b.vn, x"}, "cc: not an e-mail address: 'a@b.vn, x'"),
        ({"to": "nguyễn@b.vn"}, "to: not an e-mail address: 'nguyễn@b.vn'"),
        ({"to": "a@b.vn", "subject": " "}, "a message needs a subject"),
        ({"to": "a@b.vn", "subject": "a\nBcc: x@y.z"}, "a subject is one line"),
        ({"to": "a@b.vn", "text": ""}, "a message needs a plain-text body"),
        ({"to": ""}, "a message needs a recipient"),
        ({"to": "a@b.vn", "send_at": datetime(2026, 4, 2, 9)}, "send_at needs a time zone"),
        (
            {"to": "a@b.vn", "attachments": [AttachmentInput("../../etc/passwd", b"x")]},
            "an attachment needs a plain file name, not '../../etc/passwd'",
        ),
        (
            {"to": "a@b.vn", "attachments": [AttachmentInput("a.pdf", "text")]},
            "the attachment a.pdf has no content in bytes",
        ),
    ],
)
def test_a_message_that_cannot_be_sent_is_refused_when_queued(queue, given, problem):
    with pytest.raises(OwedError) as refused:
        queue(**given)

    assert refused.value.message == problem
    assert not Message.objects.exists()


def test_a_client_without_e_mail_addresses_is_named(org, queue):
    silent = Client.objects.create(
        organization=org, code="MUTE", name="Mute", country="VN", currency="VND"
    )

    with pytest.raises(OwedError, match="client MUTE has no contact with an e-mail address"):
        queue(client=silent)


def test_another_organizations_client_or_action_is_refused(other_org, sen, action):
    with pytest.raises(OwedError, match="the client belongs to another organization"):
        queue_message(organization=other_org, client=sen, subject="x", text="x")
    with pytest.raises(OwedError, match="the action belongs to another organization"):
        queue_message(organization=other_org, action=action, subject="x", text="x")


# ---------------------------------------------------------------- mail server


def test_the_port_follows_the_security_unless_given(org):
    server = mail_server_set(
        organization=org, host="smtp.example.com", security="ssl", from_address="a@lotus.vn"
    )
    assert server.port == 465
    assert mail_server_set(organization=org, security="starttls").port == 587
    assert mail_server_set(organization=org, port=2525).port == 2525
    assert mail_server_set(organization=org, from_name="Lotus").port == 2525


def test_a_password_is_kept_until_a_new_one_is_given(org):
    mail_server_set(
        organization=org,
        host="smtp.example.com",
        username="lotus",
        password="s3cret",
        from_address="a@lotus.vn",
    )
    assert mail_server_set(organization=org, host="smtp2.example.com").password == "s3cret"
    assert mail_server_set(organization=org, password="n3w").password == "n3w"
    cleared = mail_server_set(organization=org, username="")
    assert (cleared.username, cleared.password) == ("", "")


def test_wrong_settings_are_listed_and_nothing_is_saved(org):
    with pytest.raises(OwedError) as refused:
        mail_server_set(
            organization=org,
            host="smtp://mail.example.com:587",
            port=70000,
            password="s3cret",
            from_address="not-an-address",
            reply_to="also wrong",
            timeout=0,
        )

    assert refused.value.message == "the mail server settings are not valid"
    assert refused.value.details == [
        "host: A host is a name such as smtp.example.com or an IP address, without smtp:// "
        "or a port.",
        "port: A port is a number from 1 to 65535 (usually 587 or 465).",
        "username: A password needs a user name.",
        "from address: This is not an e-mail address.",
        "reply to: This is not an e-mail address.",
        "timeout: A timeout is from 1 to 600 seconds.",
    ]
    assert not MailServer.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"port": 465, "security": "starttls"}, {"security": ["Port 465 expects SSL/TLS"]}),
        ({"port": 587, "security": "ssl"}, {"security": ["Port 587 expects STARTTLS"]}),
        ({"host": ""}, {"host": ["Give the mail server's host name"]}),
        ({"from_address": ""}, {"from_address": ["Give the address your e-mail is sent from."]}),
        ({"username": "lotus"}, {"password": ["A user name needs a password."]}),
        ({"username": "lotus", "password": "mật khẩu"}, {"password": ["A password for the"]}),
        ({"from_name": "Lotus\nBcc: x@y.z"}, {"from_name": ["A name is one line."]}),
    ],
)
def test_the_mail_server_explains_what_is_wrong(org, fields, error):
    server = MailServer(
        organization=org, **{"host": "smtp.example.com", "from_address": "a@lotus.vn", **fields}
    )

    with pytest.raises(ValidationError) as refused:
        server.clean()

    [(field, [expected])] = error.items()
    assert list(refused.value.message_dict) == [field]
    assert refused.value.message_dict[field][0].startswith(expected)


def test_an_ip_address_is_a_host(org):
    MailServer(organization=org, host="192.0.2.10", from_address="a@lotus.vn").clean()
    MailServer(organization=org, host="::1", from_address="a@lotus.vn").clean()
