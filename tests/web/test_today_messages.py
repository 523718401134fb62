"""A planned e-mail or letter on Today: its preview as the outbox would compose it, the
user's own wording of it, approval before sending, and sending it now, through the
real outbox and a real SMTP server (owed's sink)."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from owed.documents.compose import compose
from owed.documents.outbox import queue_due
from owed.dunning.actions import action_send_now
from owed.dunning.models import Action, ActionReview, Interaction
from owed.ledger.models import Client, Contact
from owed.mail.models import Message
from tests.mail.conftest import mail_server, sink  # noqa: F401  (fixtures)
from tests.web.conftest import _planned as planned

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
_made = iter(range(1, 10_000))


def _planned(org, client, invoice, step, channels, today) -> Action:
    """A planned action as the fixtures make them, under a key of its own."""
    key = f"test:{invoice.pk}:{step}:{next(_made)}"
    return planned(org, client, invoice, step, channels, today, key=key)


@pytest.fixture
def reachable(books):
    """The client may be contacted right now, whatever the day and hour the tests run:
    a Thai individual (contacted on any day, 08:00-18:00 at least) in a time zone where it
    is now between 09:00 and 17:00. Its messages are still written in Vietnamese."""
    now = timezone.now()
    for offset in range(-12, 15):
        zone = f"Etc/GMT{-offset:+d}"  # Etc/GMT-7 is seven hours ahead of UTC
        if 9 <= now.astimezone(ZoneInfo(zone)).hour < 17:
            break
    Client.objects.filter(pk=books.client.pk).update(country="TH", kind="individual", timezone=zone)
    books.client.refresh_from_db()
    return books.client


def _preview(web, action, **headers):
    return web.get(f"/actions/{action.pk}/preview/", **(headers or HTMX))


def _edit(web, action, **fields):
    prefix = f"edit-{action.pk}"
    return web.post(f"/actions/{action.pk}/edit/", {f"{prefix}-{k}": v for k, v in fields.items()})


def _persian_client(org, today, books):
    client = Client.objects.create(
        organization=org,
        code="SHIRAZ",
        name="شرکت نگین شیراز",
        country="IR",
        currency=org.currency,
        language="fa",
    )
    Contact.objects.create(organization=org, client=client, name="Reza", email="reza@negin.example")
    books.recent.client = client
    books.recent.save(update_fields=["client"])
    return _planned(org, client, books.recent, "reminder", "email", today)


# ------------------------------------------------------------------------- preview


def test_the_preview_is_the_message_compose_makes_in_the_clients_language(web, books):
    expected = compose(books.reminder, require_recipient=False, files=False)

    response = _preview(web, books.reminder)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page  # a fragment for htmx
    assert expected.language == "vi"
    assert expected.subject in page
    assert expected.text.strip().splitlines()[0] in page
    assert 'lang="vi" dir="ltr"' in page
    assert "an@hoasen.example" in page
    assert "Tiếng Việt" in page
    assert "Send now" in page and "Edit the message" in page


def test_a_persian_message_is_previewed_right_to_left(web, books, org):
    action = _persian_client(org, books.today, books)

    page = _preview(web, action).content.decode()

    composed = compose(action, require_recipient=False, files=False)
    assert composed.language == "fa"
    assert 'class="preview-message" lang="fa" dir="rtl"' in page
    assert composed.subject in page


def test_without_htmx_the_preview_is_a_page_of_its_own(web, books):
    page = web.get(f"/actions/{books.reminder.pk}/preview/").content.decode()
    assert "<html" in page and "Preview" in page
    assert compose(books.reminder, require_recipient=False, files=False).subject in page


def test_today_loads_the_preview_only_when_it_is_opened(web, books):
    page = web.get("/").content.decode()
    assert f'hx-get="/actions/{books.reminder.pk}/preview/"' in page
    assert 'hx-trigger="toggle once"' in page
    # The call is a task: nothing to preview.
    assert f'hx-get="/actions/{books.call.pk}/preview/"' not in page
    assert compose(books.reminder, require_recipient=False, files=False).subject not in page


def test_a_preview_says_when_the_client_has_no_e_mail_address(web, books):
    Contact.objects.filter(client=books.client).update(email="")
    page = _preview(web, books.reminder).content.decode()
    assert "No contact with an e-mail address" in page


def test_another_organizations_action_or_a_task_has_no_preview(web, books, their):
    assert _preview(web, their.reminder).status_code == 404
    assert web.get(f"/actions/{their.reminder.pk}/attachments/0/").status_code == 404
    assert _preview(web, books.call).status_code == 404
    assert web.get("/actions/999999/preview/").status_code == 404


def test_a_letter_is_previewed_with_its_pdf_to_download(web, books, org, tmp_path):
    books.client.address = "12 Lê Lợi\nQuận 1, TP. Hồ Chí Minh"
    books.client.save(update_fields=["address"])
    letter = _planned(
        org, books.client, books.overdue, "formal_notice", "email,letter", books.today
    )

    page = _preview(web, letter).content.decode()

    assert "Letter to" in page and "12 Lê Lợi" in page
    assert f'href="/actions/{letter.pk}/attachments/0/"' in page
    response = web.get(f"/actions/{letter.pk}/attachments/0/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "filename" in response["Content-Disposition"]
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Công ty TNHH Hoa Sen" in text and books.overdue.number in text
    assert web.get(f"/actions/{letter.pk}/attachments/9/").status_code == 404


def test_a_read_only_member_sees_the_preview_without_forms(web_reader, books):
    page = _preview(web_reader, books.reminder).content.decode()
    assert compose(books.reminder, require_recipient=False, files=False).subject in page
    assert "Send now" not in page and "Edit the message" not in page
    assert web_reader.post(f"/actions/{books.reminder.pk}/send/").status_code == 403
    assert _edit(web_reader, books.reminder, subject="x", body="y").status_code == 403
    assert web_reader.post(f"/actions/{books.reminder.pk}/approve/").status_code == 403


# ------------------------------------------------------------------------- edit


def test_an_edited_message_is_previewed_and_composed_with_its_placeholders_filled(web, books):
    response = _edit(
        web,
        books.reminder,
        subject="Hóa đơn {invoice_numbers}: xin thanh toán trước thứ Sáu",
        body="Kính gửi {contact_name},\n\nCòn {total_balance} chưa thanh toán.\n",
    )

    assert response.status_code == 302
    assert response["Location"] == f"/?preview={books.reminder.pk}"
    review = ActionReview.objects.get(action=books.reminder)
    assert review.edited and review.language == "vi"
    page = web.get(response["Location"]).content.decode()
    assert "Saved your wording of the message to Công ty TNHH Hoa Sen." in page
    assert "Hóa đơn INV/002: xin thanh toán trước thứ Sáu" in page
    assert "Kính gửi Nguyễn Văn An," in page
    assert "your wording" in page
    composed = compose(Action.objects.get(pk=books.reminder.pk))
    assert composed.subject == "Hóa đơn INV/002: xin thanh toán trước thứ Sáu"
    assert composed.source == "edited"
    assert "Còn 3.000.000" in composed.text
    note = Interaction.objects.get(client=books.client, channel="note")
    assert "Edited the reminder message" in note.note


def test_an_unknown_placeholder_is_a_form_error_and_nothing_is_saved(web, books):
    response = _edit(web, books.reminder, subject="Hello {client}", body="Hi {{ {contact_name}")

    assert response.status_code == 422
    page = response.content.decode()
    assert "Unknown placeholder {client}" in page
    assert 'aria-invalid="true"' in page
    assert f'id="preview-{books.reminder.pk}"' in page  # shown open, with its form
    assert not ActionReview.objects.filter(action=books.reminder).exists()


def test_reset_to_the_template_undoes_the_edit(web, books):
    template = compose(books.reminder).subject
    _edit(web, books.reminder, subject="Something else", body="Pay please.")
    assert compose(Action.objects.get(pk=books.reminder.pk)).subject == "Something else"

    response = web.post(f"/actions/{books.reminder.pk}/edit/reset/")

    assert response.status_code == 302
    action = Action.objects.get(pk=books.reminder.pk)
    assert compose(action).subject == template
    assert not action.review.edited
    assert web.post(f"/actions/{books.reminder.pk}/edit/reset/").status_code == 302
    assert "was not edited" in web.get("/").content.decode()


def test_the_outbox_sends_the_edited_text(web, books, org):
    _edit(web, books.reminder, subject="Nhắc nhở riêng {invoice_numbers}", body="Xin chào.")
    report = queue_due(organization=org, now=timezone.now())
    [outcome] = report.queued
    message = Message.objects.get(pk=outcome.message)
    assert message.subject == "Nhắc nhở riêng INV/002"
    assert message.text == "Xin chào.\n"


# ------------------------------------------------------------------------- approval


def test_without_review_there_is_nothing_to_approve(web, books, org):
    assert not org.review_before_sending
    page = web.get("/").content.decode()
    assert f'action="/actions/{books.reminder.pk}/approve/"' not in page
    assert "awaiting approval" not in page
    assert len(queue_due(organization=org, now=timezone.now()).queued) == 1


def test_with_review_only_approved_messages_go(web, books, org):
    org.review_before_sending = True
    org.save(update_fields=["review_before_sending"])

    page = web.get("/").content.decode()
    assert f'action="/actions/{books.reminder.pk}/approve/"' in page
    assert "awaiting approval" in page
    assert queue_due(organization=org, now=timezone.now()).outcomes == []
    assert Action.objects.get(pk=books.reminder.pk).status == "planned"

    response = web.post(f"/actions/{books.reminder.pk}/approve/")

    assert response.status_code == 302
    review = ActionReview.objects.get(action=books.reminder)
    assert review.approved and review.approved_by.username == "mai"
    page = web.get("/").content.decode()
    assert "Approved: Công ty TNHH Hoa Sen." in page
    assert f'action="/actions/{books.reminder.pk}/approve/"' not in page
    assert len(queue_due(organization=org, now=timezone.now()).queued) == 1


def test_owed_send_says_what_waits_for_approval(books, org, owed):
    org.review_before_sending = True
    org.save(update_fields=["review_before_sending"])

    dry = owed("send", "--dry-run", "--org", org.slug, "--json")
    result = owed("send", "--org", org.slug)

    assert dry.json["awaiting_approval"] == 1
    assert dry.json["composed"]["actions"] == []
    assert "awaiting approval 1 e-mails or letters: approve them on Today" in result.stderr
    assert Action.objects.get(pk=books.reminder.pk).status == "planned"
    assert not Message.objects.exists()


def test_approve_all_in_a_group_approves_the_messages_shown(web, books, org):
    org.review_before_sending = True
    org.save(update_fields=["review_before_sending"])
    second = _planned(org, books.client, books.overdue, "reminder", "email", books.today)

    page = web.get("/").content.decode()
    assert "Approve all 2 in this group" in page

    response = web.post(
        "/actions/approve/", {"action": [books.reminder.pk, second.pk, books.call.pk, "x"]}
    )

    assert response.status_code == 302
    assert ActionReview.objects.filter(approved_at__isnull=False).count() == 2
    assert "Approved 2 messages." in web.get("/").content.decode()


def test_editing_an_approved_message_withdraws_the_approval(web, books, org):
    org.review_before_sending = True
    org.save(update_fields=["review_before_sending"])
    web.post(f"/actions/{books.reminder.pk}/approve/")

    response = _edit(web, books.reminder, subject="New words", body="Please pay.")

    assert response.status_code == 302
    assert not ActionReview.objects.get(action=books.reminder).approved
    assert "Approve it to have it sent." in web.get(response["Location"]).content.decode()
    assert queue_due(organization=org, now=timezone.now()).outcomes == []


def test_another_organizations_action_cannot_be_approved_edited_or_sent(web, books, their):
    pk = their.reminder.pk
    assert web.post(f"/actions/{pk}/approve/").status_code == 404
    assert _edit(web, their.reminder, subject="x", body="y").status_code == 404
    assert web.post(f"/actions/{pk}/send/").status_code == 404
    assert web.post(f"/actions/{pk}/edit/reset/").status_code == 404
    web.post("/actions/approve/", {"action": [pk]})
    assert not ActionReview.objects.filter(action_id=pk).exists()
    assert Action.objects.get(pk=pk).status == "planned"


# ------------------------------------------------------------------------- send now


def test_send_now_delivers_the_message_once(web, books, reachable, mail_server, sink):  # noqa: F811
    first = web.post(f"/actions/{books.reminder.pk}/send/")
    second = web.post(f"/actions/{books.reminder.pk}/send/")

    assert first.status_code == second.status_code == 302
    received = sink.wait_for(1)
    assert len(received) == 1
    subject = compose(books.reminder, files=False).subject
    assert received[0]["Subject"] == subject
    assert "an@hoasen.example" in received[0]["To"]
    action = Action.objects.get(pk=books.reminder.pk)
    assert action.status == "sent"
    message = Message.objects.get(action=action)
    assert message.status == "sent"
    assert Message.objects.count() == 1
    assert Interaction.objects.filter(action=action, channel="email").count() == 1
    page = web.get("/").content.decode()
    assert "Sent to Công ty TNHH Hoa Sen" in page
    assert "Not done: this action is sent already" in page
    # Nothing is left for `owed send` either.
    assert queue_due(organization=books.org, now=timezone.now()).outcomes == []
    assert len(sink.messages()) == 1


def test_send_now_goes_before_the_scheduled_moment(books, reachable, mail_server, sink):  # noqa: F811
    Action.objects.filter(pk=books.reminder.pk).update(
        scheduled_for=timezone.now() + timedelta(hours=2)
    )
    assert queue_due(organization=books.org, now=timezone.now()).outcomes == []

    sent = action_send_now(organization=books.org, action=books.reminder)

    assert sent.waiting == ""
    assert sent.delivery.status == "sent"
    assert Action.objects.get(pk=books.reminder.pk).status == "sent"
    assert len(sink.wait_for(1)) == 1


def test_outside_the_clients_contact_hours_send_now_waits_for_them(books, mail_server, sink):  # noqa: F811
    night = datetime.combine(books.today, datetime.min.time(), ZoneInfo("Asia/Ho_Chi_Minh"))
    night = night.replace(hour=23)

    sent = action_send_now(organization=books.org, action=books.reminder, now=night)

    assert sent.waiting == "later"
    assert sent.send_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).hour == 7
    assert sent.message.status == "queued"
    assert sink.messages() == []


def test_send_now_is_refused_without_an_e_mail_address(web, books, mail_server, sink):  # noqa: F811
    Contact.objects.filter(client=books.client).update(email="")

    response = web.post(f"/actions/{books.reminder.pk}/send/")

    assert response.status_code == 302
    page = web.get("/").content.decode()
    assert "Not done: client HOASEN has no contact with an e-mail address" in page
    assert Action.objects.get(pk=books.reminder.pk).status == "planned"
    assert not Message.objects.exists()


def test_send_now_of_a_letter_needs_a_postal_address(web, books, org, mail_server):  # noqa: F811
    letter = _planned(org, books.client, books.overdue, "credit_hold", "letter", books.today)

    web.post(f"/actions/{letter.pk}/send/")

    assert "has no postal address for the letter" in web.get("/").content.decode()
    assert Action.objects.get(pk=letter.pk).status == "planned"
    assert not Message.objects.exists()


def test_send_now_of_an_action_no_longer_planned_is_refused(web, books, mail_server):  # noqa: F811
    Action.objects.filter(pk=books.reminder.pk).update(status="skipped")
    web.post(f"/actions/{books.reminder.pk}/send/")
    assert "this action is skipped already" in web.get("/").content.decode()
    assert not Message.objects.exists()


def test_send_now_without_a_mail_server_queues_the_message(web, books, reachable):
    web.post(f"/actions/{books.reminder.pk}/send/")
    page = web.get("/").content.decode()
    assert "no mail server is set" in page
    assert Message.objects.get(action=books.reminder).status == "queued"


def test_send_now_reports_a_refusal_by_the_server(web, books, reachable, mail_server, sink):  # noqa: F811
    Contact.objects.filter(client=books.client, role="main").update(email="fail550@hoasen.example")
    web.post(f"/actions/{books.reminder.pk}/send/")
    page = web.get("/").content.decode()
    assert "The mail server refused the message to Công ty TNHH Hoa Sen" in page
    assert "550" in page
    assert Message.objects.get(action=books.reminder).status == "failed"


# ------------------------------------------------------------------------- the list stays fast


def test_today_reads_reviews_failures_and_interruptions_without_a_query_per_row(
    web, books, org, django_assert_max_num_queries
):
    org.review_before_sending = True
    org.save(update_fields=["review_before_sending"])
    for n in range(25):
        client = Client.objects.create(
            organization=org, code=f"C{n}", name=f"Client {n}", country="VN", currency="VND"
        )
        action = _planned(org, client, books.overdue, "reminder", "email", books.today)
        if n % 2:
            ActionReview.objects.create(action=action, subject="Hi", body="x", language="vi")
        Message.objects.create(
            organization=org,
            client=client,
            to="x@example.com",
            subject=f"Failed {n}",
            text="x",
            message_id=f"<{n}@example.com>",
            status="failed",
            last_error="550 no such user",
        )
        Message.objects.create(
            organization=org,
            client=client,
            to="x@example.com",
            subject=f"Interrupted {n}",
            text="x",
            message_id=f"<u{n}@example.com>",
            status="uncertain",
        )
    web.get("/")  # the session and the user's language are read once

    # 10 for the plan and the messages, 1 for the day's counts in the heading, 2 for the
    # clients' requests from the portal.
    with django_assert_max_num_queries(13):
        response = web.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="tag tag-warn"') == 26
    assert page.count('<span class="tag">your wording</span>') == 12
    assert "Approve all 26 in this group" in page
    assert page.count('class="action failed-message"') == 25
    assert page.count('class="action uncertain-message"') == 25
