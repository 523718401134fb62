"""The invoice page's "Send a step now": a chosen step of the invoice's ladder composed
and delivered at once through the outbox, to a real SMTP server (owed's sink); a step
goes once per invoice (an invoice copy may go again, once a day), never twice for a
double click; and the refusals, each with its reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from owed.core import localize
from owed.core.facts import invoice_key
from owed.dunning.models import Action, Dispute, Interaction
from owed.dunning.step_now import StepRefused, invoice_step_send, step_choices
from owed.errors import OwedError
from owed.ledger.models import Contact, Invoice
from owed.mail.models import Message
from owed.web.templatetags.owed_web import day
from tests.mail.conftest import mail_server, sink  # noqa: F401  (fixtures)
from tests.web.test_today_messages import reachable  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def send(web, number: str, step: str, **headers):
    return web.post(f"/invoices/{number}/", {"form": "send", "send-step": step}, **headers)


def page(web, number: str = "INV-001") -> str:
    return web.get(f"/invoices/{number}/").content.decode()


# ------------------------------------------------------------------------- the form


def test_the_form_lists_the_steps_that_send_a_message_with_what_became_of_them(web, books):
    html = page(web, "INV-001")

    assert "Send a step now" in html
    assert 'name="send-step"' in html
    assert '<option value="invoice_copy">Copy of the invoice</option>' in html
    assert '<option value="formal_notice">Formal notice</option>' in html
    assert "Reminder (planned for" in page(web, "INV/002")  # the run's reminder goes now
    # Tasks, the run's own letters, a pre-due reminder after the due date, a step whose
    # day has not come (the demand letter, day 45 of an invoice 40 days late): not offered.
    for step in ("call", "credit_hold", "work_stop", "pre_due_reminder", "demand_letter"):
        assert f'<option value="{step}"' not in html


def test_a_work_stop_clause_step_is_never_offered_by_hand(web, books):
    # INV-001 has a contract with a work-stop clause: the work stop is still the run's.
    assert '<option value="work_stop"' not in page(web)


def test_a_paid_invoice_and_a_read_only_member_have_no_such_form(web, web_reader, books):
    assert "Send a step now" not in page(web, "INV-003")
    assert "Send a step now" not in page(web_reader)


def test_an_invoice_not_yet_due_offers_only_what_makes_sense_today(web, books):
    Invoice.objects.filter(pk=books.overdue.pk).update(due_date=books.today + timedelta(2))

    html = page(web)

    assert '<option value="pre_due_reminder" selected>' in html
    assert '<option value="invoice_copy">' in html
    for step in ("reminder", "payer_contact", "formal_notice"):
        assert f'<option value="{step}"' not in html
    with pytest.raises(OwedError, match="“Reminder” of invoice INV-001 can go from"):
        invoice_step_send(organization=books.org, invoice=books.overdue, step="reminder")
    assert not Action.objects.filter(invoice=books.overdue, step="reminder").exists()


def test_on_the_due_date_the_reminder_before_it_is_no_longer_offered(web, books):
    Invoice.objects.filter(pk=books.overdue.pk).update(due_date=books.today)

    html = page(web)

    assert '<option value="pre_due_reminder"' not in html
    assert '<option value="reminder"' not in html  # its day is tomorrow
    assert '<option value="invoice_copy" selected>' in html


def test_the_default_choice_is_a_step_that_can_go(web, books):
    # The first step is taken: the form starts on the first one that can still go.
    for step in ("reminder",):
        Action.objects.create(
            organization=books.org,
            key=invoice_key(books.overdue.pk, step),
            kind="ladder",
            client=books.client,
            invoice=books.overdue,
            subject_id=books.overdue.pk,
            step=step,
            channels="email",
            status="sent",
            decided_on=books.today - timedelta(days=30),
            scheduled_for=timezone.now() - timedelta(days=30),
        )

    html = page(web)

    assert '<option value="reminder">Reminder (sent on' in html
    assert '<option value="invoice_copy" selected>' in html


def test_when_no_step_can_go_the_page_says_so_instead_of_the_form(web, books):
    Invoice.objects.filter(pk=books.overdue.pk).update(due_date=books.today)
    Action.objects.create(
        organization=books.org,
        key=f"manual:{books.overdue.pk}:invoice_copy:{books.today}",
        kind="manual",
        client=books.client,
        invoice=books.overdue,
        subject_id=books.overdue.pk,
        step="invoice_copy",
        channels="email",
        status="sent",
        decided_on=books.today,
        scheduled_for=timezone.now(),
    )

    html = page(web)

    assert 'name="send-step"' not in html
    assert "No step can be sent today" in html
    assert send(web, "INV-001", "invoice_copy").status_code == 400


def test_a_refusal_gives_the_date_in_the_active_language(books):
    Action.objects.create(
        organization=books.org,
        key=invoice_key(books.overdue.pk, "payer_contact"),
        kind="ladder",
        client=books.client,
        invoice=books.overdue,
        subject_id=books.overdue.pk,
        step="payer_contact",
        channels="email",
        status="sent",
        decided_on=books.today,
        scheduled_for=timezone.now(),
    )
    with translation.override("fa"), pytest.raises(StepRefused) as refused:
        invoice_step_send(organization=books.org, invoice=books.overdue, step="payer_contact")

    assert localize.format_date(books.today, "fa") in refused.value.message
    assert books.today.isoformat() not in refused.value.message
    assert "payer_contact" not in refused.value.message


# ------------------------------------------------------------------------- sending


def test_an_invoice_copy_is_sent_at_once_and_the_ladder_knows_it(
    web,
    books,
    reachable,  # noqa: F811
    mail_server,  # noqa: F811
    sink,  # noqa: F811
):
    Invoice.objects.filter(pk=books.overdue.pk).update(next_step_on=books.today + timedelta(9))

    response = send(web, "INV-001", "invoice_copy")

    assert response.status_code == 302 and response["Location"] == "/invoices/INV-001/"
    [received] = sink.wait_for(1)
    assert "an@hoasen.example" in received["To"]
    assert "INV-001" in received["Subject"]
    assert any(part.get_filename() for part in received.iter_attachments())  # the invoice PDF
    action = Action.objects.get(key=invoice_key(books.overdue.pk, "invoice_copy"))
    assert (action.kind, action.status, action.invoice_id) == ("ladder", "sent", books.overdue.pk)
    assert action.reason == "sent now by a user"
    assert Message.objects.get(action=action).status == "sent"
    assert Interaction.objects.filter(action=action, channel="email", direction="out").exists()
    assert Invoice.objects.get(pk=books.overdue.pk).next_step_on is None  # planned again
    html = page(web)
    assert "Sent to Công ty TNHH Hoa Sen" in html
    assert "Copy of the invoice (sent on" in html


def test_a_double_post_sends_the_step_once(
    web,
    books,
    reachable,  # noqa: F811
    mail_server,  # noqa: F811
    sink,  # noqa: F811
):
    first = send(web, "INV-001", "payer_contact")
    second = send(web, "INV-001", "payer_contact")

    assert first.status_code == 302
    assert second.status_code == 422
    html = second.content.decode()
    said = f"“Message to the payer” of invoice INV-001 was sent on {day(books.today)}."
    assert said in html
    assert html.count("was sent on") == 1  # said once, not again under the field
    assert len(sink.wait_for(1)) == 1
    assert Message.objects.count() == 1


def test_an_invoice_copy_may_go_again_but_not_twice_the_same_day(
    web,
    books,
    reachable,  # noqa: F811
    mail_server,  # noqa: F811
    sink,  # noqa: F811
):
    earlier = Action.objects.create(
        organization=books.org,
        key=invoice_key(books.overdue.pk, "invoice_copy"),
        kind="ladder",
        client=books.client,
        invoice=books.overdue,
        subject_id=books.overdue.pk,
        step="invoice_copy",
        channels="email",
        status="sent",
        decided_on=books.today - timedelta(days=20),
        scheduled_for=timezone.now() - timedelta(days=20),
    )

    again = send(web, "INV-001", "invoice_copy")
    twice = send(web, "INV-001", "invoice_copy")

    assert again.status_code == 302
    assert twice.status_code == 422
    assert "“Copy of the invoice” of invoice INV-001 went today already" in twice.content.decode()
    manual = Action.objects.get(key=f"manual:{books.overdue.pk}:invoice_copy:{books.today}")
    assert (manual.kind, manual.status) == ("manual", "sent")
    assert Action.objects.get(pk=earlier.pk).status == "sent"
    assert len(sink.wait_for(1)) == 1


def test_the_runs_planned_reminder_is_the_one_sent(
    web,
    books,
    reachable,  # noqa: F811
    mail_server,  # noqa: F811
    sink,  # noqa: F811
):
    response = send(web, "INV/002", "reminder")

    assert response.status_code == 302
    assert Action.objects.get(pk=books.reminder.pk).status == "sent"
    assert Message.objects.get().action_id == books.reminder.pk
    assert Action.objects.filter(step="reminder").count() == 1
    assert len(sink.wait_for(1)) == 1
    assert "Today" in web.get("/").content.decode()


def test_a_later_step_sent_now_skips_an_earlier_one_planned_for_the_invoice(
    web,
    books,
    reachable,  # noqa: F811
    mail_server,  # noqa: F811
    sink,  # noqa: F811
):
    response = send(web, "INV/002", "invoice_copy")

    assert response.status_code == 302
    reminder = Action.objects.get(pk=books.reminder.pk)
    assert (reminder.status, reminder.reason) == ("skipped", "a later step was sent now")
    assert Action.objects.get(pk=books.call.pk).status == "planned"  # another invoice's
    assert len(sink.wait_for(1)) == 1


def test_a_step_that_was_skipped_may_be_sent_once(
    web,
    books,
    reachable,  # noqa: F811
    mail_server,  # noqa: F811
    sink,  # noqa: F811
):
    Action.objects.filter(pk=books.reminder.pk).update(status="skipped", reason="catch-up")
    assert "Reminder (skipped on" in page(web, "INV/002")

    first = send(web, "INV/002", "reminder")
    second = send(web, "INV/002", "reminder")

    assert first.status_code == 302 and second.status_code == 422
    assert "“Reminder” of invoice INV/002 was sent on" in second.content.decode()
    assert len(sink.wait_for(1)) == 1


def test_outside_the_clients_contact_hours_it_waits_for_them(books, mail_server, sink):  # noqa: F811
    night = datetime.combine(books.today, datetime.min.time(), ZoneInfo("Asia/Ho_Chi_Minh"))
    night = night.replace(hour=23)

    sent = invoice_step_send(
        organization=books.org, invoice=books.overdue, step="invoice_copy", now=night
    )

    assert sent.waiting == "later"
    assert sent.send_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).hour == 7
    assert sent.message.status == "queued"
    assert sink.messages() == []


def test_the_page_says_when_a_queued_step_goes(web, books, mail_server):  # noqa: F811
    # Sundays and nights aside, the client may not be contactable now: either way the page
    # says what happened, and a message is queued once.
    send(web, "INV-001", "invoice_copy")
    html = page(web)
    assert "The message to Công ty TNHH Hoa Sen is queued" in html or "Sent to" in html
    assert Message.objects.count() == 1


# ------------------------------------------------------------------------- refusals


def test_no_e_mail_address_is_refused_and_nothing_is_recorded(web, books, mail_server):  # noqa: F811
    Contact.objects.filter(client=books.client).update(email="")

    response = send(web, "INV-001", "invoice_copy")

    assert response.status_code == 422
    assert "client HOASEN has no contact with an e-mail address" in response.content.decode()
    assert not Action.objects.filter(step="invoice_copy").exists()
    assert not Message.objects.exists()


def test_a_letter_needs_a_postal_address(web, books, mail_server):  # noqa: F811
    response = send(web, "INV-001", "formal_notice")

    assert response.status_code == 422
    assert "has no postal address for the letter" in response.content.decode()
    assert not Action.objects.filter(step="formal_notice").exists()


def test_an_open_dispute_asks_to_resolve_it_first(web, books, mail_server):  # noqa: F811
    Dispute.objects.create(
        organization=books.org, invoice=books.overdue, opened_on=books.today, reason="Hours"
    )
    assert "resolve it before sending a step" in page(web)

    response = send(web, "INV-001", "invoice_copy")

    assert response.status_code == 422
    assert not Message.objects.exists()
    with pytest.raises(StepRefused, match="has an open dispute: resolve it first"):
        invoice_step_send(organization=books.org, invoice=books.overdue, step="invoice_copy")


def test_nothing_owed_or_written_off_is_refused(web, books):
    assert send(web, "INV-003", "invoice_copy").status_code == 400  # no such form: paid
    with pytest.raises(OwedError, match="Nothing is owed on invoice INV-003"):
        invoice_step_send(organization=books.org, invoice=books.paid_on_time, step="reminder")
    Invoice.objects.filter(pk=books.overdue.pk).update(written_off_on=books.today)
    with pytest.raises(StepRefused, match="INV-001 is written off"):
        invoice_step_send(organization=books.org, invoice=books.overdue, step="reminder")
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("step", "error"),
    [
        ("", "This field is required."),
        ("bogus", "Select a valid choice."),
        ("call", "Select a valid choice."),
        ("credit_hold", "Select a valid choice."),
    ],
)
def test_a_step_that_cannot_be_sent_is_a_form_error(web, books, step, error):
    response = send(web, "INV-001", step)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("step", "error"),
    [
        ("bogus", "has no step “bogus”; steps that can be sent: reminder, invoice_copy"),
        ("call", "“Call” is a task: it sends no message."),
        ("credit_hold", "only the daily run puts in place"),
        ("work_stop", "only the daily run puts in place"),
        ("pre_due_reminder", "past its due date: “Reminder before the due date” is too late"),
        ("demand_letter", "“Demand letter” of invoice INV-001 can go from"),
    ],
)
def test_the_service_says_why_a_step_cannot_be_sent(books, step, error):
    with pytest.raises(OwedError, match=error):
        invoice_step_send(organization=books.org, invoice=books.overdue, step=step)
    assert (
        not Action.objects.filter(step=step, invoice=books.overdue)
        .exclude(pk=books.call.pk)
        .exists()
    )


def test_another_organizations_invoice_is_not_found(web, books, their):
    assert send(web, "X-INV-001", "invoice_copy").status_code == 404
    with pytest.raises(OwedError, match="No such invoice"):
        invoice_step_send(organization=books.org, invoice=their.overdue, step="invoice_copy")
    assert not Message.objects.exists()


def test_a_read_only_member_cannot_send(web_reader, books):
    assert send(web_reader, "INV-001", "invoice_copy").status_code == 403
    assert not Message.objects.exists()


def test_the_choices_read_the_steps_in_one_query(books, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        choices = step_choices(organization=books.org, invoice=books.overdue, today=books.today)
    assert [c.code for c in choices] == [
        "reminder",
        "invoice_copy",
        "payer_contact",
        "formal_notice",
    ]
    assert {c.state for c in choices} == {"new"}


# ------------------------------------------------------------------------- the command line


def test_owed_send_invoice_step_sends_it_now(
    books,
    reachable,  # noqa: F811
    mail_server,  # noqa: F811
    sink,  # noqa: F811
    owed,
):
    result = owed("send", "INV-001", "--step", "invoice_copy", "--org", books.org.slug, "--json")
    again = owed("send", "INV-001", "--step", "payer_contact", "--org", books.org.slug)
    refused = owed("send", "INV-001", "--step", "payer_contact", "--org", books.org.slug)

    assert result.code == 0, result.stderr
    assert result.json["status"] == "sent" and result.json["step"] == "invoice_copy"
    assert again.code == 0 and "Sent the payer contact of INV-001" in again.stdout
    assert refused.code == 1
    assert "“Message to the payer” of invoice INV-001 was sent on" in refused.stderr
    assert len(sink.wait_for(2)) == 2


def test_owed_send_step_needs_both_the_invoice_and_the_step(books, owed):
    assert "name the step of INV-001" in owed("send", "INV-001", "--org", books.org.slug).stderr
    assert "--step needs the invoice" in owed("send", "--step", "reminder").stderr
    mixed = owed("send", "INV-001", "--step", "reminder", "--dry-run", "--org", books.org.slug)
    assert mixed.code == 1 and "for the outbox as a whole" in mixed.stderr
    unknown = owed("send", "NOPE", "--step", "reminder", "--org", books.org.slug)
    assert "no invoice numbered 'NOPE'" in unknown.stderr
