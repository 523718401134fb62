"""POST /api/actions/{id}/done: a planned task marked done, as Today's **Mark as done** and
`owed done` do: the action is done, the client's timeline says "Done: <step>" with the
note, and the invoices are looked at by the next run. An e-mail or a letter is not done
(400); one not planned any more is a conflict (409); another organization's is not found."""

from __future__ import annotations

import pytest

from owed.dunning.models import Action, Interaction
from owed.ledger.models import Invoice

pytestmark = pytest.mark.django_db


def _task(books, step: str = "agency_handoff") -> Action:
    return Action.objects.create(
        organization=books.client.organization,
        key=f"invoice:{books.overdue.pk}:{step}",
        kind="ladder",
        client=books.client,
        invoice=books.overdue,
        step=step,
        channels="task",
        decided_on="2026-11-22",
        scheduled_for="2026-11-22T02:00:00Z",
    )


def test_a_planned_task_is_marked_done_with_a_note(api, ledger):
    task = _task(ledger)
    Invoice.objects.filter(pk=ledger.overdue.pk).update(next_step_on="2026-12-30")

    response = api.post(
        f"/actions/{task.pk}/done", {"note": "File sent to the agency", "on": "2026-11-23"}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["id"], body["status"], body["step"]) == (task.pk, "done", "agency_handoff")
    logged = Interaction.objects.get(client=ledger.client, code="done")
    assert (logged.summary, logged.note) == ("Done: agency handoff", "File sent to the agency")
    assert str(logged.happened_on) == "2026-11-23"
    assert Invoice.objects.get(pk=ledger.overdue.pk).next_step_on is None


def test_the_body_may_be_empty(api, ledger):
    task = _task(ledger, "legal")

    response = api.post(f"/actions/{task.pk}/done", {})

    assert response.status_code == 200, response.json()
    assert Action.objects.get(pk=task.pk).status == "done"


def test_a_task_done_already_is_a_conflict(api, ledger):
    task = _task(ledger)
    assert api.post(f"/actions/{task.pk}/done", {}).status_code == 200

    again = api.post(f"/actions/{task.pk}/done", {})

    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert "done" in again.json()["message"]
    assert Interaction.objects.filter(code="done").count() == 1


def test_an_e_mail_is_not_marked_done(api, ledger):
    response = api.post(f"/actions/{ledger.action.pk}/done", {})

    assert response.status_code == 400
    assert response.json()["details"][0]["message"] == (
        "Only a task can be marked as done: an e-mail or a letter is sent."
    )
    assert Action.objects.get(pk=ledger.action.pk).status == "planned"


def test_another_organizations_task_or_an_unknown_id_is_not_found(api, ledger, their):
    theirs = _task(their)

    for pk in (theirs.pk, 999_999):
        response = api.post(f"/actions/{pk}/done", {})
        assert response.status_code == 404
        assert response.json()["message"] == f"There is no action with id {pk}."
    assert Action.objects.get(pk=theirs.pk).status == "planned"
    assert not Interaction.objects.filter(code="done").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"on": "not a day"}, "on"), ({"note": "x" * 2001}, "note"), ({"note": 5}, "note")],
)
def test_bad_input_is_refused_with_the_field(api, ledger, body, field):
    task = _task(ledger)

    response = api.post(f"/actions/{task.pk}/done", body)

    assert response.status_code in (400, 422)
    assert field in str(response.json()["details"][0]["field"])
    assert Action.objects.get(pk=task.pk).status == "planned"


def test_a_read_only_token_cannot_mark_done_and_a_member_can(reader_api, member_api, ledger):
    task = _task(ledger)

    refused = reader_api.post(f"/actions/{task.pk}/done", {})
    done = member_api.post(f"/actions/{task.pk}/done", {})

    assert (refused.status_code, refused.json()["code"]) == (403, "read_only")
    assert done.status_code == 200


def test_the_schema_lists_it(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    operation = paths["/api/actions/{action_id}/done"]["post"]

    assert operation["operationId"] == "action_done"
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
