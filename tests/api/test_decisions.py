"""What a user decides through the API: snooze an invoice or a client, write an invoice
off, skip a planned action. Each goes through the collections services, so it is on the
client's timeline and has the invoices planned again."""

from __future__ import annotations

from datetime import date

import pytest

from owed.dunning.models import Action, Interaction, Snooze
from owed.ledger.models import Invoice

pytestmark = pytest.mark.django_db


# --- snoozes ------------------------------------------------------------------------------


def test_an_invoice_is_snoozed_until_a_day(api, ledger):
    response = api.post(
        "/snoozes",
        {"invoice_id": ledger.overdue.pk, "until": "2026-12-15", "on": "2026-11-22", "note": "Tết"},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "id": body["id"],
        "client_id": ledger.client.pk,
        "invoice_id": ledger.overdue.pk,
        "created_on": "2026-11-22",
        "until": "2026-12-15",
        "note": "Tết",
    }
    snooze = Snooze.objects.get(pk=body["id"])
    assert snooze.invoice_id == ledger.overdue.pk and snooze.client_id is None
    assert Interaction.objects.filter(
        client=ledger.client, summary="Snoozed INV-001 until 2026-12-15"
    ).exists()
    assert Invoice.objects.get(pk=ledger.overdue.pk).next_step_on is None
    assert api.get(f"/snoozes/{body['id']}").json() == body


def test_a_client_is_snoozed_and_the_list_filters_by_client(api, ledger):
    whole = api.post(
        "/snoozes", {"client_id": ledger.second_client.pk, "until": "2999-01-01"}
    ).json()
    api.post("/snoozes", {"invoice_id": ledger.overdue.pk, "until": "2999-01-01"})

    assert whole["invoice_id"] is None and whole["client_id"] == ledger.second_client.pk
    listed = api.get("/snoozes", client_id=ledger.second_client.pk).json()
    assert [s["id"] for s in listed["items"]] == [whole["id"]]
    assert api.get("/snoozes").json()["count"] == 2
    by_invoice = api.get("/snoozes", invoice_id=ledger.overdue.pk).json()["items"]
    assert [s["invoice_id"] for s in by_invoice] == [ledger.overdue.pk]
    # An invoice snooze is listed under its client too.
    assert api.get("/snoozes", client_id=ledger.client.pk).json()["count"] == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"until": "2999-01-01"}, None),
        ({"invoice_id": "overdue", "client_id": "client", "until": "2999-01-01"}, None),
        ({"invoice_id": "overdue", "until": "2026-11-22", "on": "2026-11-22"}, "until"),
        ({"invoice_id": "overdue", "until": "2026-11-01", "on": "2026-11-22"}, "until"),
    ],
)
def test_a_snooze_needs_one_subject_and_a_later_day(api, ledger, data, field):
    ids = {"overdue": ledger.overdue.pk, "client": ledger.client.pk}
    sent = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in data.items()}

    response = api.post("/snoozes", sent)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["details"][0]["field"] == field
    assert not Snooze.objects.exists()


def test_another_organizations_snooze_reads_as_not_found(api, ledger, their):
    from owed.dunning.services import snooze_create

    theirs = snooze_create(
        organization=their.client.organization,
        until=date(2999, 1, 1),
        on=date(2026, 11, 22),
        client=their.client,
    )

    response = api.get(f"/snoozes/{theirs.pk}")

    assert response.status_code == 404
    assert response.json()["message"] == f"There is no snooze with id {theirs.pk}."
    assert api.get("/snoozes").json()["count"] == 0


# --- write-off ----------------------------------------------------------------------------


def test_an_invoice_is_written_off(api, ledger):
    Action.objects.filter(pk=ledger.action.pk).update(status="planned")

    response = api.post(
        f"/invoices/{ledger.overdue.pk}/write-off", {"on": "2026-11-30", "note": "Gone bust"}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "written_off"
    assert Invoice.objects.get(pk=ledger.overdue.pk).written_off_on == date(2026, 11, 30)
    assert Action.objects.get(pk=ledger.action.pk).status == "skipped"
    assert Interaction.objects.filter(
        client=ledger.client, summary="Wrote off INV-001: Gone bust"
    ).exists()

    again = api.post(f"/invoices/{ledger.overdue.pk}/write-off", {})
    assert again.status_code == 409
    assert again.json() == {
        "code": "conflict",
        "message": "This invoice is written off already.",
        "details": [],
    }


def test_a_paid_invoice_is_not_written_off(api, ledger):
    response = api.post(f"/invoices/{ledger.paid.pk}/write-off", {})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Invoice.objects.get(pk=ledger.paid.pk).written_off_on is None


# --- skipping a planned action ------------------------------------------------------------


def test_a_planned_action_is_skipped_with_a_reason(api, ledger):
    response = api.post(
        f"/actions/{ledger.action.pk}/skip", {"reason": "Client called first", "on": "2026-11-22"}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "skipped" and body["reason"] == "Client called first"
    assert Interaction.objects.filter(
        client=ledger.client, summary="Skipped reminder due: Client called first"
    ).exists()

    again = api.post(f"/actions/{ledger.action.pk}/skip", {"reason": "Twice"})
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert "skipped" in again.json()["message"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_skipping_needs_a_reason(api, ledger, reason):
    response = api.post(f"/actions/{ledger.action.pk}/skip", {"reason": reason})

    assert response.status_code in (400, 422)
    assert response.json()["details"][0]["field"] == "reason"
    assert Action.objects.get(pk=ledger.action.pk).status == "planned"


# --- roles and the schema -----------------------------------------------------------------


def test_a_read_only_token_cannot_decide(reader_api, ledger):
    for url, data in [
        ("/snoozes", {"invoice_id": ledger.overdue.pk, "until": "2999-01-01"}),
        (f"/invoices/{ledger.overdue.pk}/write-off", {}),
        (f"/actions/{ledger.action.pk}/skip", {"reason": "No"}),
    ]:
        response = reader_api.post(url, data)
        assert response.status_code == 403
        assert response.json()["code"] == "read_only"
    assert not Snooze.objects.exists()
    assert Action.objects.get(pk=ledger.action.pk).status == "planned"
    assert reader_api.get("/snoozes").status_code == 200


def test_a_member_may_decide(member_api, ledger):
    response = member_api.post(f"/actions/{ledger.action.pk}/skip", {"reason": "Handled"})
    assert response.status_code == 200


def test_the_schema_lists_the_new_operations(anonymous):
    schema = anonymous.get("/openapi.json").json()
    paths = schema["paths"]

    assert set(paths["/api/snoozes"]) == {"get", "post"}
    assert set(paths["/api/snoozes/{snooze_id}"]) == {"get"}
    operation = paths["/api/invoices/{invoice_id}/write-off"]["post"]
    assert operation["operationId"] == "invoice_write_off"
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert paths["/api/actions/{action_id}/skip"]["post"]["operationId"] == "action_skip"
    assert "SnoozeOut" in schema["components"]["schemas"]
