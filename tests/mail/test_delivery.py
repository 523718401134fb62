"""Delivery to a real SMTP server: what arrives is what was queued, once.

Each test queues messages, runs `deliver_due` in this process against the suite's
database, and reads the .eml files the sink (a separate process) kept.
"""

from __future__ import annotations

import pytest

from owed.mail.delivery import deliver_due, deliver_message
from owed.mail.models import Message
from owed.mail.services import AttachmentInput
from tests.mail.conftest import T0, at

pytestmark = pytest.mark.django_db

SUBJECTS = {
    "vi": "Nhắc nhở: hóa đơn HĐ-001 đã quá hạn 7 ngày",
    "fa": "یادآوری: صورت‌حساب ۱۴۰۵/۰۱ هفت روز از سررسید گذشته است",
    "th": "แจ้งเตือน: ใบแจ้งหนี้ INV-001 เลยกำหนดชำระ 7 วัน",
}


def body(received, kind: str) -> str:
    """A text part as a mail program shows it (MIME text travels with CRLF line ends)."""
    return received.get_body((kind,)).get_content().replace("\r\n", "\n")


def test_a_message_arrives_with_its_text_html_attachments_and_headers(
    mail_server, sink, sen, queue
):
    message = queue(
        client=sen,
        subject=SUBJECTS["vi"],
        text="Kính gửi Chị Lan,\nHóa đơn HĐ-001 đã quá hạn.\n",
        html="<p>Kính gửi <b>Chị Lan</b>,</p>",
        cc=["Giám đốc <giamdoc@senvang.vn>"],
        bcc="archive@lotus.vn",
        attachments=[
            AttachmentInput("hóa đơn HĐ-001.pdf", b"%PDF-1.7 invoice"),
            AttachmentInput("sao kê.csv", "ngày,số tiền\n".encode(), "text/csv"),
        ],
    )

    report = deliver_due(now=T0)

    assert [(o.message, o.status) for o in report.outcomes] == [(message.pk, "sent")]
    [received] = sink.messages()
    assert received["Message-ID"] == message.message_id
    assert message.message_id.endswith("@lotus.vn>")
    assert received["Subject"] == SUBJECTS["vi"]
    assert str(received["From"]) == "Lotus Studio <billing@lotus.vn>"
    assert str(received["To"]) == "Chị Lan <ketoan@senvang.vn>"
    assert str(received["Cc"]) == "Giám đốc <giamdoc@senvang.vn>"
    assert received["Bcc"] is None
    assert received["X-RcptTo"] == "ketoan@senvang.vn, giamdoc@senvang.vn, archive@lotus.vn"
    assert received["In-Reply-To"] is None
    assert body(received, "plain") == "Kính gửi Chị Lan,\nHóa đơn HĐ-001 đã quá hạn.\n"
    assert body(received, "html").strip() == "<p>Kính gửi <b>Chị Lan</b>,</p>"
    files = [
        (a.get_filename(), a.get_content_type(), a.get_content())
        for a in received.iter_attachments()
    ]
    assert files == [
        ("hóa đơn HĐ-001.pdf", "application/pdf", b"%PDF-1.7 invoice"),
        ("sao kê.csv", "text/csv", "ngày,số tiền\n"),
    ]
    stored = Message.objects.get(pk=message.pk)
    assert (stored.status, stored.attempts, stored.smtp_code, stored.sent_at) == (
        "sent",
        1,
        250,
        T0,
    )
    assert stored.last_error == ""


@pytest.mark.parametrize("language", ["vi", "fa", "th"])
def test_subjects_and_bodies_in_vietnamese_persian_and_thai_arrive_intact(
    mail_server, sink, queue, language
):
    text = f"{SUBJECTS[language]}\n" * 40  # many lines of UTF-8: the body gets encoded
    queue(to="ketoan@senvang.vn", subject=SUBJECTS[language], text=text)

    deliver_due(now=T0)

    [received] = sink.messages()
    assert received["Subject"] == SUBJECTS[language]
    raw_subject = sink.files()[0].read_bytes().split(b"\r\nSubject: ", 1)[1].split(b"\r\n")[0]
    assert raw_subject.isascii() and b"=?utf-8?" in raw_subject  # RFC 2047 on the wire
    assert body(received, "plain") == text


def test_a_clients_messages_form_one_thread(mail_server, sink, sen, queue):
    first = queue(client=sen, subject="Reminder")
    second = queue(client=sen, subject="Second reminder")
    third = queue(client=sen, subject="Formal notice")

    deliver_due(now=T0)

    received = {m["Subject"]: m for m in sink.messages()}
    assert received["Reminder"]["In-Reply-To"] is None
    assert received["Second reminder"]["In-Reply-To"] == first.message_id
    assert received["Second reminder"]["References"] == first.message_id
    assert received["Formal notice"]["In-Reply-To"] == second.message_id
    assert received["Formal notice"]["References"] == f"{first.message_id} {second.message_id}"
    assert len({first.message_id, second.message_id, third.message_id}) == 3


def test_a_message_waits_until_its_time_and_goes_once(mail_server, sink, queue):
    later = queue(to="ketoan@senvang.vn", send_at=at(hours=2))

    assert deliver_due(now=at(hours=1)).outcomes == []
    assert [o.status for o in deliver_due(now=at(hours=2)).outcomes] == ["sent"]
    assert deliver_due(now=at(hours=3)).outcomes == []
    assert deliver_message(later.pk, now=at(hours=4)) is None

    assert [m["Message-ID"] for m in sink.messages()] == [later.message_id]


def test_deliver_message_sends_just_that_one(mail_server, sink, queue):
    one = queue(to="a@senvang.vn")
    other = queue(to="b@senvang.vn")

    outcome = deliver_message(one.pk, now=T0)

    assert outcome.status == "sent"
    assert [m["Message-ID"] for m in sink.messages()] == [one.message_id]
    assert Message.objects.get(pk=other.pk).status == "queued"


def test_many_messages_go_over_one_connection_in_order(mail_server, sink, queue):
    queued = [queue(to=f"client{n}@example.vn", subject=f"Reminder {n}") for n in range(25)]

    report = deliver_due(now=T0, limit=20)

    assert len(report.sent) == 20
    assert [m["Subject"] for m in sink.messages()] == [f"Reminder {n}" for n in range(20)]
    report = deliver_due(now=T0)
    assert [o.message for o in report.sent] == [m.pk for m in queued[20:]]
    assert len(sink.files()) == 25


def test_an_organization_without_a_mail_server_keeps_its_messages_queued(org, queue):
    message = queue(to="ketoan@senvang.vn")

    report = deliver_due(now=T0)

    assert report.outcomes == []
    assert report.waiting == {"lotus-studio": 1}
    stored = Message.objects.get(pk=message.pk)
    assert (stored.status, stored.attempts) == ("queued", 0)


def test_the_reply_to_address_is_set_when_the_server_has_one(mail_server, sink, queue):
    mail_server.reply_to = "ketoan@lotus.vn"
    mail_server.save()
    queue(to="ketoan@senvang.vn")

    deliver_due(now=T0)

    assert sink.messages()[0]["Reply-To"] == "ketoan@lotus.vn"


def test_with_a_login_the_server_takes_the_password(org, tmp_path, queue):
    from owed.mail.services import mail_server_set
    from owed.mail.sink import Sink

    with Sink(tmp_path / "auth", username="lotus", password="s3cret-Lotus") as sink:
        server = mail_server_set(
            organization=org,
            host=sink.host,
            port=sink.port,
            security="none",
            username="lotus",
            password="wrong",
            from_address="billing@lotus.vn",
        )
        message = queue(to="ketoan@senvang.vn")
        refused = deliver_due(now=T0)
        server.password = "s3cret-Lotus"
        server.save()
        accepted = deliver_due(now=at(minutes=1))

    [retry] = refused.retrying
    assert retry.error.startswith(
        "Could not connect: The server refused the user name or password: 535"
    )
    assert [o.message for o in accepted.sent] == [message.pk]
    assert [m["Message-ID"] for m in sink.messages()] == [message.message_id]
