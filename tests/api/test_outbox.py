"""The outbox through the API: a planned message's preview, your own wording of it,
approval and sending it now; a step of an invoice's ladder sent now; the messages, a
failed one retried and an uncertain one settled. The same services as Today, delivering
to a real SMTP server (owed's sink); another organization's ids are 404."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from owed.dunning.models import Action, ActionLine, ActionReview, Interaction
from owed.ledger.models import Client
from owed.mail.models import Message
from tests.mail.conftest import mail_server, sink  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

NEVER_USED = 10**12


def _planned(ledger, step: str = "reminder", channels: str = "email") -> Action:
    action = Action.objects.create(
        organization=ledger.client.organization,
        key=f"test:{ledger.overdue.pk}:{step}",
        kind="ladder",
        client=ledger.client,
        invoice=ledger.overdue,
        subject_id=ledger.overdue.pk,
        step=step,
        channels=channels,
        decided_on=date(2026, 11, 22),
        scheduled_for=timezone.now() - timedelta(minutes=5),
    )
    ActionLine.objects.create(
        action=action, invoice=ledger.overdue, days_overdue=22, balance=ledger.overdue.total
    )
    return action


@pytest.fixture
def reachable(ledger):
    """SEN may be contacted now, whatever the hour the tests run (see
    tests/web/test_today_messages.py)."""
    from zoneinfo import ZoneInfo

    now = timezone.now()
    for offset in range(-12, 15):
        zone = f"Etc/GMT{-offset:+d}"
        if 9 <= now.astimezone(ZoneInfo(zone)).hour < 17:
            break
    Client.objects.filter(pk=ledger.client.pk).update(
        country="TH", kind="individual", timezone=zone
    )
    ledger.client.refresh_from_db()
    return ledger.client


def _message(organization, client, status: str, n: int = 1) -> Message:
    return Message.objects.create(
        organization=organization,
        client=client,
        to="ap@sen.example",
        subject=f"Reminder {n}",
        text="Dear client,\n",
        message_id=f"<api-{organization.pk}-{n}@lotus.vn>",
        status=status,
        attempts=1,
        last_error="550 5.1.1 Mailbox unavailable" if status == "failed" else "interrupted",
    )


# ------------------------------------------------------------------------- preview and wording


def test_the_preview_is_the_message_as_it_would_go(api, ledger):
    action = _planned(ledger)

    response = api.get(f"/actions/{action.pk}/preview")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["action_id"] == action.pk and body["step"] == "reminder"
    assert body["language"] in ("en", "vi")
    assert body["source"] == "default"
    assert body["to"] == ["ap@sen.example"]
    assert "INV-001" in body["subject"] and "INV-001" in body["text"]
    assert body["problems"] == []
    assert body["awaiting_approval"] is False
    assert "{" in body["wording"]["body"]  # the text it is written from, placeholders and all
    assert not Message.objects.exists()


def test_the_wording_is_set_and_cleared(api, ledger):
    action = _planned(ledger)

    set_ = api.http.put(
        f"/api/actions/{action.pk}/wording",
        {"subject": "About {invoice_numbers}", "body": "Hello {client_name},\nPlease pay.\n"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert set_.status_code == 200, set_.json()
    assert set_.json()["source"] == "edited"
    assert set_.json()["subject"] == "About INV-001"
    assert ActionReview.objects.get(action=action).edited
    assert Interaction.objects.filter(client=ledger.client, code="message_edited").exists()

    cleared = api.http.delete(
        f"/api/actions/{action.pk}/wording", headers={"Authorization": f"Bearer {api.token}"}
    )
    again = api.http.delete(
        f"/api/actions/{action.pk}/wording", headers={"Authorization": f"Bearer {api.token}"}
    )
    assert cleared.status_code == 200 and cleared.json()["source"] == "default"
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_a_bad_wording_is_refused_with_its_problems(api, ledger):
    action = _planned(ledger)
    response = api.http.put(
        f"/api/actions/{action.pk}/wording",
        {"subject": "Hi", "body": "Dear {nobody}"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert any("unknown placeholder {nobody}" in d["message"] for d in body["details"])
    assert not ActionReview.objects.exists()


def test_approval_is_recorded(api, ledger, org):
    org.review_before_sending = True
    org.save(update_fields=["review_before_sending"])
    action = _planned(ledger)
    assert api.get(f"/actions/{action.pk}/preview").json()["awaiting_approval"] is True

    response = api.post(f"/actions/{action.pk}/approve")

    assert response.status_code == 200
    assert response.json()["action_id"] == action.pk
    assert api.get(f"/actions/{action.pk}/preview").json()["awaiting_approval"] is False


def test_a_task_has_no_message_and_an_action_no_longer_planned_conflicts(api, ledger):
    task = _planned(ledger, step="call", channels="task")
    done = _planned(ledger, step="payer_contact")
    Action.objects.filter(pk=done.pk).update(status="sent")

    assert api.get(f"/actions/{task.pk}/preview").status_code == 400
    for call in (
        lambda: api.get(f"/actions/{done.pk}/preview"),
        lambda: api.post(f"/actions/{done.pk}/send"),
        lambda: api.post(f"/actions/{done.pk}/approve"),
    ):
        response = call()
        assert response.status_code == 409
        assert response.json()["code"] == "conflict"


# ------------------------------------------------------------------------- sending now


def test_send_now_delivers_once(api, ledger, reachable, mail_server, sink):  # noqa: F811
    action = _planned(ledger)

    first = api.post(f"/actions/{action.pk}/send")
    second = api.post(f"/actions/{action.pk}/send")

    assert first.status_code == 200, first.json()
    body = first.json()
    assert body["action"]["status"] == "sent"
    assert body["message"]["status"] == "sent"
    assert body["delivery"]["status"] == "sent" and body["waiting"] == ""
    assert second.status_code == 409
    assert len(sink.wait_for(1)) == 1
    assert Message.objects.count() == 1


def test_send_now_without_an_address_is_refused(api, ledger, mail_server):  # noqa: F811
    action = _planned(ledger)
    ledger.contact.email = ""
    ledger.contact.save(update_fields=["email"])

    response = api.post(f"/actions/{action.pk}/send")

    assert response.status_code == 400
    assert "has no contact with an e-mail address" in response.json()["message"]
    assert Action.objects.get(pk=action.pk).status == "planned"


def test_a_step_of_an_invoice_is_sent_now(api, ledger, reachable, mail_server, sink):  # noqa: F811
    response = api.post(f"/invoices/{ledger.overdue.pk}/send", {"step": "invoice_copy"})
    twice = api.post(f"/invoices/{ledger.overdue.pk}/send", {"step": "payer_contact"})
    refused = api.post(f"/invoices/{ledger.overdue.pk}/send", {"step": "payer_contact"})
    unknown = api.post(f"/invoices/{ledger.overdue.pk}/send", {"step": "bogus"})

    assert response.status_code == 200, response.json()
    assert response.json()["action"]["step"] == "invoice_copy"
    assert response.json()["delivery"]["status"] == "sent"
    assert twice.status_code == 200
    assert refused.status_code == 409
    assert "was sent on" in refused.json()["message"]
    assert unknown.status_code == 400 and "has no step “bogus”" in unknown.json()["message"]
    assert len(sink.wait_for(2)) == 2


def test_a_disputed_or_paid_invoice_is_refused(api, ledger):
    disputed = ledger.dispute.invoice
    assert api.post(f"/invoices/{disputed.pk}/send", {"step": "reminder"}).status_code == 409
    paid = api.post(f"/invoices/{ledger.paid.pk}/send", {"step": "reminder"})
    assert paid.status_code == 400 and "Nothing is owed" in paid.json()["message"]
    assert not Message.objects.exists()


# ------------------------------------------------------------------------- the messages


def test_messages_are_listed_read_retried_and_settled(api, ledger, org):
    failed = _message(org, ledger.client, "failed", 1)
    uncertain = _message(org, ledger.client, "uncertain", 2)

    listed = api.get("/messages", status="failed")
    read = api.get(f"/messages/{uncertain.pk}")
    retried = api.post(f"/messages/{failed.pk}/retry")
    retried_again = api.post(f"/messages/{failed.pk}/retry")
    settled = api.post(f"/messages/{uncertain.pk}/settle", {"outcome": "sent"})
    settled_again = api.post(f"/messages/{uncertain.pk}/settle", {"outcome": "again"})
    bad = api.post(f"/messages/{uncertain.pk}/settle", {"outcome": "perhaps"})

    assert listed.status_code == 200
    assert [m["id"] for m in listed.json()["items"]] == [failed.pk]
    assert read.json()["status"] == "uncertain"
    assert retried.status_code == 200 and retried.json()["status"] == "queued"
    assert retried_again.status_code == 409
    assert settled.status_code == 200 and settled.json()["status"] == "sent"
    assert settled_again.status_code == 409
    assert bad.status_code == 422 and bad.json()["code"] == "schema"
    codes = set(Interaction.objects.filter(client=ledger.client).values_list("code", flat=True))
    assert {"message_retried", "message_marked_sent"} <= codes


def test_settle_again_queues_the_uncertain_message(api, ledger, org):
    uncertain = _message(org, ledger.client, "uncertain")
    response = api.post(f"/messages/{uncertain.pk}/settle", {"outcome": "again"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["attempts"]) == ("queued", 0)


# ------------------------------------------------------------------------- organizations apart


def test_another_organizations_actions_invoices_and_messages_are_not_found(
    api, ledger, their, other_org
):
    theirs = _planned(their)
    message = _message(other_org, their.client, "failed")
    uncertain = _message(other_org, their.client, "uncertain", 2)
    headers = {"Authorization": f"Bearer {api.token}"}

    answers = [
        api.get(f"/actions/{theirs.pk}/preview"),
        api.http.put(
            f"/api/actions/{theirs.pk}/wording",
            {"subject": "x", "body": "y"},
            content_type="application/json",
            headers=headers,
        ),
        api.http.delete(f"/api/actions/{theirs.pk}/wording", headers=headers),
        api.post(f"/actions/{theirs.pk}/approve"),
        api.post(f"/actions/{theirs.pk}/send"),
        api.post(f"/invoices/{their.overdue.pk}/send", {"step": "invoice_copy"}),
        api.get(f"/messages/{message.pk}"),
        api.post(f"/messages/{message.pk}/retry"),
        api.post(f"/messages/{uncertain.pk}/settle", {"outcome": "sent"}),
        api.get(f"/messages/{NEVER_USED}"),
    ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all(a.json()["code"] == "not_found" for a in answers)
    assert api.get("/messages").json()["count"] == 0
    assert Message.objects.get(pk=message.pk).status == "failed"
    assert Message.objects.get(pk=uncertain.pk).status == "uncertain"
    assert not ActionReview.objects.exists()
    assert Action.objects.get(pk=theirs.pk).status == "planned"


def test_a_read_only_token_reads_but_does_not_send(reader_api, ledger, org):
    action = _planned(ledger)
    failed = _message(org, ledger.client, "failed")
    assert reader_api.get(f"/actions/{action.pk}/preview").status_code == 200
    assert reader_api.get("/messages").status_code == 200
    for response in (
        reader_api.post(f"/actions/{action.pk}/send"),
        reader_api.post(f"/messages/{failed.pk}/retry"),
        reader_api.post(f"/invoices/{ledger.overdue.pk}/send", {"step": "invoice_copy"}),
    ):
        assert response.status_code == 403
    assert not Message.objects.exclude(pk=failed.pk).exists()
