"""Collections through the API: actions, promises, plans, disputes and interactions.

Every write goes through `owed.dunning.services`, so it logs an interaction and has the
next run look at the invoices again; these tests check the API says what was recorded.
"""

from __future__ import annotations

import pytest

from owed.dunning.models import Action, Dispute, Interaction, Plan, Promise
from owed.ledger.models import Invoice

pytestmark = pytest.mark.django_db


# --- actions ------------------------------------------------------------------------------


def test_an_action_is_read_with_its_channels_and_invoice(api, ledger):
    body = api.get(f"/actions/{ledger.action.pk}").json()

    assert body["step"] == "reminder_due"
    assert body["channels"] == ["email"]
    assert body["status"] == "planned"
    assert body["invoice_id"] == ledger.overdue.pk
    assert body["scheduled_for"].startswith("2026-11-22T02:00:00")


def test_actions_are_filtered_by_status_step_and_day(api, ledger):
    Action.objects.create(
        organization=ledger.client.organization,
        key="callback:1",
        kind="task",
        client=ledger.client,
        step="callback",
        channels="task",
        status="done",
        decided_on="2026-11-20",
        scheduled_for="2026-11-20T03:00:00Z",
    )

    def steps(**params) -> list[str]:
        return [a["step"] for a in api.get("/actions", **params).json()["items"]]

    assert steps() == ["callback", "reminder_due"]
    assert steps(status="planned") == ["reminder_due"]
    assert steps(step="callback") == ["callback"]
    assert steps(date_from="2026-11-21") == ["reminder_due"]
    assert steps(date_to="2026-11-20") == ["callback"]
    assert steps(client_id=ledger.second_client.pk) == []
    # A client's actions: the one of its invoice, and the call-back tied to no invoice.
    assert steps(client_id=ledger.client.pk) == ["callback", "reminder_due"]
    assert steps(client_id=ledger.client.pk, status="done") == ["callback"]


def test_actions_have_no_write_endpoint(api, ledger):
    response = api.post("/actions", {})

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# --- promises -----------------------------------------------------------------------------


def test_a_promise_is_recorded_through_the_service_and_logged(api, ledger):
    Invoice.objects.filter(pk=ledger.overdue.pk).update(next_step_on="2026-12-01")

    response = api.post(
        "/promises",
        {"invoice_ids": [ledger.overdue.pk], "until": "2026-12-05", "on": "2026-11-22"},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["until"], body["status"], body["invoice_ids"]) == (
        "2026-12-05",
        "open",
        [ledger.overdue.pk],
    )
    assert Invoice.objects.get(pk=ledger.overdue.pk).next_step_on is None
    assert Interaction.objects.filter(summary__startswith="Promise to pay INV-001").exists()


def test_a_promise_on_a_paid_invoice_is_refused(api, ledger):
    response = api.post("/promises", {"invoice_ids": [ledger.paid.pk], "until": "2026-12-05"})

    assert response.status_code == 400
    assert "nothing is owed on INV-003" in response.json()["message"]


def test_a_promise_on_two_clients_invoices_is_refused(api, ledger):
    response = api.post(
        "/promises",
        {"invoice_ids": [ledger.overdue.pk, ledger.paid.pk], "until": "2026-12-05"},
    )

    assert response.status_code == 400


def test_promises_are_listed_and_filtered(api, ledger):
    assert api.get("/promises").json()["count"] == 1
    assert api.get("/promises", status="kept").json()["count"] == 0
    found = api.get("/promises", client_id=ledger.second_client.pk).json()["items"]
    assert [p["id"] for p in found] == [ledger.promise.pk]
    assert api.get(f"/promises/{ledger.promise.pk}").json()["until"] == "2026-12-01"


# --- plans --------------------------------------------------------------------------------


def test_a_plan_is_read_with_its_instalments(api, ledger):
    body = api.get(f"/plans/{ledger.plan.pk}").json()

    assert (body["total"], body["paid_before"], body["status"]) == ("800000", "300000", "active")
    assert [(i["number"], i["due_date"], i["amount"]) for i in body["instalments"]] == [
        (1, "2026-12-22", "266666"),
        (2, "2027-01-21", "266667"),
        (3, "2027-02-20", "266667"),
    ]


def test_a_plan_is_created_through_the_service(api, ledger):
    response = api.post(
        "/plans",
        {
            "invoice_ids": [ledger.overdue.pk],
            "instalments": 2,
            "every_days": 14,
            "on": "2026-11-22",
            "first_due": "2026-11-30",
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert [i["due_date"] for i in body["instalments"]] == ["2026-11-30", "2026-12-14"]
    assert body["invoice_ids"] == [ledger.overdue.pk]
    assert Plan.objects.count() == 2


def test_a_second_plan_over_an_invoice_is_refused(api, ledger):
    response = api.post(
        "/plans", {"invoice_ids": [ledger.partly_paid.pk], "instalments": 2, "every_days": 14}
    )

    assert response.status_code == 400
    assert "already under an active plan" in response.json()["message"]


@pytest.mark.parametrize(("field", "value"), [("instalments", 61), ("every_days", 0)])
def test_a_plan_out_of_bounds_is_a_schema_error(api, ledger, field, value):
    data = {"invoice_ids": [ledger.overdue.pk], "instalments": 2, "every_days": 14, field: value}

    response = api.post("/plans", data)

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == field


# --- disputes -----------------------------------------------------------------------------


def test_a_dispute_is_opened_and_resolved(api, ledger):
    opened = api.post(
        "/disputes",
        {"invoice_id": ledger.overdue.pk, "reason": "Not delivered", "on": "2026-11-22"},
    )
    assert opened.status_code == 201, opened.json()
    assert opened.json()["open"] is True

    resolved = api.post(
        f"/disputes/{opened.json()['id']}/resolve",
        {"on": "2026-11-25", "resolution": "Delivered again"},
    )

    assert resolved.status_code == 200, resolved.json()
    assert (resolved.json()["open"], resolved.json()["resolved_on"]) == (False, "2026-11-25")
    assert Dispute.objects.get(pk=opened.json()["id"]).resolution == "Delivered again"


def test_a_second_open_dispute_on_an_invoice_is_a_conflict(api, ledger):
    response = api.post("/disputes", {"invoice_id": ledger.dispute.invoice_id, "reason": "Again"})

    assert response.status_code == 409


def test_resolving_a_resolved_dispute_is_a_conflict(api, ledger):
    assert api.post(f"/disputes/{ledger.dispute.pk}/resolve", {}).status_code == 200

    response = api.post(f"/disputes/{ledger.dispute.pk}/resolve", {})

    assert response.status_code == 409


def test_resolving_before_the_dispute_was_opened_is_refused(api, ledger):
    response = api.post(f"/disputes/{ledger.dispute.pk}/resolve", {"on": "2026-01-01"})

    assert response.status_code == 400


def test_disputes_are_filtered_by_open_and_client(api, ledger):
    assert api.get("/disputes", open="true").json()["count"] == 1
    assert api.get("/disputes", open="false").json()["count"] == 0
    assert api.get("/disputes", client_id=ledger.client.pk).json()["count"] == 0
    found = api.get("/disputes", client_id=ledger.second_client.pk).json()["items"]
    assert found[0]["invoice_number"] == "INV-005"


# --- interactions -------------------------------------------------------------------------


def test_a_call_that_reached_the_client_with_a_promise_records_the_promise(api, ledger):
    response = api.post(
        "/interactions/calls",
        {
            "client_id": ledger.client.pk,
            "on": "2026-11-22",
            "reason": "cash_flow",
            "promised_for": "2026-11-29",
            "note": "Will pay Friday",
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["channel"], body["reason"], body["is_response"]) == ("call", "cash_flow", True)
    promise = Promise.objects.get(client=ledger.client)
    assert str(promise.until) == "2026-11-29"


def test_a_reached_call_without_a_reason_is_refused(api, ledger):
    response = api.post("/interactions/calls", {"client_id": ledger.client.pk})

    assert response.status_code == 400
    assert "say why the client has not paid" in response.json()["message"]


def test_a_reply_and_a_note_are_logged(api, ledger):
    reply = api.post("/interactions/replies", {"client_id": ledger.client.pk, "note": "Paying"})
    note = api.post("/interactions/notes", {"client_id": ledger.client.pk, "note": "Ask again"})

    assert (reply.status_code, note.status_code) == (201, 201)
    assert (reply.json()["channel"], reply.json()["direction"]) == ("email", "in")
    assert (note.json()["channel"], note.json()["summary"]) == ("note", "Ask again")


def test_an_empty_note_is_a_schema_error(api, ledger):
    response = api.post("/interactions/notes", {"client_id": ledger.client.pk, "note": ""})

    assert response.status_code == 422


def test_interactions_are_filtered_by_client_channel_and_day(api, ledger):
    everything = api.get("/interactions").json()
    for_sen = api.get("/interactions", client_id=ledger.client.pk, direction="internal").json()

    assert (
        everything["count"]
        == Interaction.objects.filter(organization=ledger.client.organization).count()
    )
    assert [i["summary"] for i in for_sen["items"]] == ["Called the office"]
    assert api.get("/interactions", date_to="2026-11-21").json()["count"] == 0
    assert api.get(f"/interactions/{ledger.interaction.pk}").json()["note"] == "Called the office"
