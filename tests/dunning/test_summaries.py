"""owed's own notes carry a summary code, so that a reader sees them in their language:
the portal link revoked or renewed, a failed e-mail queued again, an interrupted one
settled, a call's promise to pay, a dispute a call opened; and the case dossier writes
them in its own language. The stored `summary` stays the English line it always was."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation

from owed.core.calls import Reason
from owed.core.localize import format_date
from owed.documents.dossier import timeline
from owed.dunning.models import Dispute, Interaction
from owed.dunning.services import call_log, promise_record
from owed.dunning.summaries import (
    DISPUTE_BY_CALL_REASON,
    SENT_NOW_REASON,
    action_reason_text,
    note_shown,
    outcome_text,
    summary_text,
)
from owed.mail.models import Message
from owed.mail.services import message_retry
from owed.portal.services import link_renew, link_revoke
from tests.web.conftest import logged_in, make_books, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(org):
    return make_books(org)


def _last(client) -> Interaction:
    return Interaction.objects.filter(client=client).order_by("-id").first()


def test_the_portal_link_notes_have_codes_and_the_old_english_lines(books):
    link_renew(organization=books.org, client=books.client)
    renewed = _last(books.client)
    link_renew(organization=books.org, client=books.client)
    replaced = _last(books.client)
    link_revoke(organization=books.org, client=books.client)
    revoked = _last(books.client)

    assert (renewed.code, renewed.summary) == ("portal_link_renewed", "Made a new portal link.")
    assert replaced.summary == "Made a new portal link; the earlier one no longer works."
    assert (revoked.code, revoked.summary) == (
        "portal_link_revoked",
        "Revoked the client's portal link.",
    )
    assert summary_text(revoked, "en") == "Revoked the client’s portal link."
    assert note_shown(revoked) == ""  # the note only repeats the summary


def test_a_call_with_a_promise_keeps_its_outcome_as_data(books):
    promised = books.today + timedelta(days=9)

    call = call_log(
        organization=books.org,
        client=books.client,
        on=books.today,
        reason=Reason.CASH_FLOW,
        promised_for=promised,
    )

    assert call.outcome == f"promise to pay by {promised.isoformat()}"  # as the API shows it
    assert call.params["promised_for"] == promised.isoformat()
    assert call.summary == "Call: reached (cash_flow)"
    shown = format_date(promised, "en")
    assert outcome_text(call, "en") == f"promise to pay by {shown}"
    assert summary_text(call, "en") == f"Call: reached; promised to pay by {shown}"


def test_an_outcome_someone_typed_is_shown_as_typed(books):
    row = Interaction(outcome="will pay in January", code="call", params={"reached": True})
    assert outcome_text(row, "fa") == "will pay in January"
    row.params = {"reached": True, "promised_for": "not a day"}
    assert outcome_text(row, "fa") == "will pay in January"


def test_a_dispute_a_call_opened_has_a_reason_owed_writes_in_the_readers_language(books):
    call_log(
        organization=books.org,
        client=books.client,
        on=books.today,
        reason=Reason.DISSATISFIED,
    )

    dispute = Dispute.objects.get(invoice=books.overdue)
    assert dispute.reason == DISPUTE_BY_CALL_REASON == "dissatisfied (call)"
    assert action_reason_text(dispute.reason, "en") == (
        "the client said on a call that they are dissatisfied"
    )
    assert action_reason_text("The hours are wrong", "fa") == "The hours are wrong"
    assert action_reason_text(SENT_NOW_REASON, "en") == "sent now by a user"


def test_the_invoice_page_shows_the_reason_of_a_dispute_a_call_opened(books):
    web = logged_in(make_user("mai", (books.org, "owner")))
    call_log(
        organization=books.org, client=books.client, on=books.today, reason=Reason.DISSATISFIED
    )
    page = web.get("/invoices/INV-001/").content.decode()
    assert "the client said on a call that they are dissatisfied" in page
    assert "dissatisfied (call)" not in page


def test_a_failed_e_mail_queued_again_is_noted_with_its_error(books):
    message = Message.objects.create(
        organization=books.org,
        client=books.client,
        to="an@hoasen.example",
        subject="Nhắc nhở",
        text="x",
        message_id="<codes@lotus.vn>",
        status="failed",
        last_error="550 no such user",
    )

    message_retry(organization=books.org, message_id=message.pk)

    note = _last(books.client)
    assert note.code == "message_retried"
    assert note.summary == "E-mail queued again after it failed: Nhắc nhở"
    assert summary_text(note, "en") == (
        "E-mail queued again after it failed: Nhắc nhở (it had failed with: 550 no such user)"
    )


def test_the_dossier_writes_owed_summaries_in_its_language(books):
    until = date.fromordinal(books.today.toordinal() + 10)
    promise_record(organization=books.org, invoices=[books.overdue], until=until, on=books.today)
    call_log(
        organization=books.org,
        client=books.client,
        on=books.today,
        reason=Reason.CASH_FLOW,
        promised_for=until,
    )

    with translation.override("en"):
        lines = [text for _, _, text in timeline(books.client, on=books.today)]

    shown = format_date(until, "en")
    assert any(f"Promised to pay INV-001 by {shown}" in line for line in lines)
    assert any(f"Outcome: promise to pay by {shown}" in line for line in lines)
    assert not any(until.isoformat() in line for line in lines)
