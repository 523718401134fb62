"""From due actions to the outbox: one message per action however often it runs, each
logged as an outgoing contact; a problem with one action leaves the others going; and a
composed Persian letter travels through a real SMTP server with its PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from owed.core.localize import LRI, PDI
from owed.documents.outbox import queue_due
from owed.dunning.models import Action, Interaction
from owed.ledger.models import Contact
from owed.ledger.services import LineInput, invoice_create, payment_record
from owed.mail.delivery import deliver_due
from owed.mail.models import Message
from tests.documents.conftest import TODAY
from tests.mail.conftest import mail_server, sink  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_due_actions_become_one_message_each_however_often_it_runs(
    invoice_for, reachable, action_for
):
    actions = []
    for language in ("vi", "th"):
        invoice = invoice_for(language)
        reachable(invoice)
        actions.append(action_for(invoice, "reminder"))

    first = queue_due(organization=None, now=NOON)
    second = queue_due(organization=None, now=NOON)

    assert [o.status for o in first.outcomes] == ["queued", "queued"]
    assert second.outcomes == []
    messages = {m.action_id: m for m in Message.objects.all()}
    assert set(messages) == {a.pk for a in actions}
    for action in actions:
        action.refresh_from_db()
        assert action.status == Action.Status.SENT
        [logged] = Interaction.objects.filter(action=action)
        assert (logged.channel, logged.direction) == ("email", "out")
        assert logged.happened_on == TODAY
        assert logged.summary == messages[action.pk].subject
        assert logged.invoice_id == action.invoice_id
        assert messages[action.pk].html.startswith("<!DOCTYPE html>")


def test_an_action_whose_time_has_not_come_waits(invoice_for, reachable, action_for):
    invoice = invoice_for("en")
    reachable(invoice)
    action = action_for(invoice, "reminder")

    report = queue_due(organization=invoice.organization, now=action.scheduled_for.replace(hour=8))

    assert report.outcomes == [] and not Message.objects.exists()


def test_a_problem_with_one_action_leaves_it_visible_and_the_others_going(
    invoice_for, reachable, action_for
):
    silent = invoice_for("en")
    Contact.objects.filter(client=silent.client).update(email="")
    fine = invoice_for("vi")
    reachable(fine)
    broken, working = action_for(silent, "reminder"), action_for(fine, "reminder")

    report = queue_due(organization=None, now=NOON)

    assert [(o.action, o.status) for o in report.outcomes] == [
        (broken.pk, "failed"),
        (working.pk, "queued"),
    ]
    broken.refresh_from_db()
    assert broken.status == Action.Status.FAILED
    assert broken.note == "not sent: client C-en has no contact with an e-mail address"
    assert [m.action_id for m in Message.objects.all()] == [working.pk]
    assert not Interaction.objects.filter(action=broken).exists()


def test_a_rate_missing_sends_the_notice_without_interest_and_notes_it_on_the_action(
    invoice_for, reachable, action_for
):
    invoice = invoice_for("fa")
    reachable(invoice)
    action = action_for(invoice, "formal_notice", channels="email,letter")

    [outcome] = queue_due(organization=None, now=NOON).outcomes

    action.refresh_from_db()
    assert outcome.status == "queued" and action.status == Action.Status.SENT
    assert action.note.startswith("sent without interest and fees: for INV-77-FA,")
    assert Interaction.objects.get(action=action).channel == "email"


def test_an_action_on_invoices_paid_since_is_skipped(studio, invoice_for, reachable, action_for):
    invoice = invoice_for("th")
    reachable(invoice)
    action = action_for(invoice, "reminder")
    payment_record(
        organization=studio,
        client=invoice.client,
        date=TODAY,
        amount=Decimal("1450.55"),
        currency="THB",
        invoices=[invoice],
    )

    [outcome] = queue_due(organization=studio, now=NOON).outcomes

    action.refresh_from_db()
    assert (outcome.status, action.status) == ("skipped", Action.Status.SKIPPED)
    assert action.note == "nothing is owed any more on INV-77-TH: the message was not sent"
    assert not Message.objects.exists()


def test_a_backlog_sends_only_the_latest_step_of_a_client(invoice_for, reachable, action_for):
    invoice = invoice_for("en")
    reachable(invoice)
    old = action_for(invoice, "reminder", on=TODAY.replace(day=1))
    new = action_for(invoice, "formal_notice")

    report = queue_due(organization=None, now=NOON)

    assert [(o.action, o.status) for o in report.outcomes] == [
        (old.pk, "skipped"),
        (new.pk, "queued"),
    ]
    old.refresh_from_db()
    assert old.note == "superseded by the later formal_notice decided on 2026-12-03: not sent"


def test_an_older_step_about_other_invoices_is_still_sent(
    studio, invoice_for, reachable, action_for
):
    first = invoice_for("en")
    reachable(first)
    second = invoice_create(
        organization=studio,
        client=first.client,
        number="INV-78-EN",
        issue_date=first.issue_date,
        due_date=first.due_date,
        currency="USD",
        lines=[LineInput("Hosting", Decimal(1), Decimal("300.00"))],
    )
    action_for(first, "reminder", on=TODAY.replace(day=1))
    action_for(second, "formal_notice")

    report = queue_due(organization=None, now=NOON)

    assert [o.status for o in report.outcomes] == ["queued", "queued"]


def test_a_dry_run_composes_and_writes_nothing(invoice_for, reachable, action_for):
    invoice = invoice_for("en")
    reachable(invoice)
    action = action_for(invoice, "reminder")

    report = queue_due(organization=None, now=NOON, dry_run=True)

    [outcome] = report.outcomes
    assert outcome.status == "would_queue"
    assert outcome.subject == "Reminder: payment of invoice INV-77-EN is overdue"
    action.refresh_from_db()
    assert action.status == Action.Status.PLANNED
    assert not Message.objects.exists() and not Interaction.objects.exists()


def test_a_message_waits_for_the_client_s_contact_hours(invoice_for, reachable, action_for):
    invoice = invoice_for("vi")
    reachable(invoice)
    action_for(invoice, "reminder")
    late = datetime(2026, 12, 3, 23, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

    queue_due(organization=None, now=late)

    message = Message.objects.get()
    # Vietnam: 07:00-21:00 on business days; Friday 4 December is one.
    assert message.next_attempt_at == datetime(
        2026, 12, 4, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")
    )


def test_letters_are_also_written_to_a_folder_to_print(
    invoice_for, reachable, action_for, tmp_path
):
    invoice = invoice_for("th")
    reachable(invoice)
    action_for(invoice, "credit_hold", channels="letter")

    [outcome] = queue_due(organization=None, now=NOON, letters=tmp_path).outcomes

    written = tmp_path / "2026-12-03-C-th-credit_hold.pdf"
    assert outcome.letter == str(written)
    assert written.read_bytes().startswith(b"%PDF")
    assert Interaction.objects.get().channel == "letter"
    assert [a.filename for a in Message.objects.get().attachments.all()] == ["จดหมาย-INV-77-TH.pdf"]


def test_a_persian_letter_reaches_the_mail_server_with_its_pdf(
    mail_server,  # noqa: F811
    sink,  # noqa: F811
    invoice_for,
    reachable,
    action_for,
):
    invoice = invoice_for("fa")
    reachable(invoice)
    action_for(invoice, "formal_notice", channels="email,letter")
    queue_due(organization=None, now=NOON)
    queued = Message.objects.get()

    report = deliver_due(now=queued.next_attempt_at)

    assert [o.status for o in report.outcomes] == ["sent"]
    [received] = sink.wait_for(1)
    assert received["Subject"] == queued.subject
    assert received["Subject"].startswith("اخطار رسمی: صورت‌حساب ")
    assert f"{LRI}INV-77-FA{PDI}" in received["Subject"]
    assert "boss@client.example" in received["To"]
    html = received.get_body(("html",)).get_content()
    assert '<html lang="fa" dir="rtl">' in html
    assert "۱ آذر ۱۴۰۵" in received.get_body(("plain",)).get_content()
    [attachment] = received.iter_attachments()
    assert attachment.get_filename() == "نامه-INV-77-FA.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")
