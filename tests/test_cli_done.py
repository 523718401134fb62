"""`owed done ACTION [--note] [--on] [--json]`: a planned task marked done from the command
line, by the same service as Today's **Mark as done** and `POST /api/actions/{id}/done`.
Bad input is one `error:` line (or a JSON answer), never a traceback."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from owed.dunning.models import Action, Interaction
from owed.ledger.models import Client

pytestmark = pytest.mark.django_db


def _action(organization, code: str, step: str, channels: str = "task") -> Action:
    client, _ = Client.objects.get_or_create(
        organization=organization,
        code=code,
        defaults={"name": f"Client {code}", "country": "VN", "currency": "VND"},
    )
    return Action.objects.create(
        organization=organization,
        key=f"client:{client.pk}:{step}",
        kind="ladder",
        client=client,
        step=step,
        channels=channels,
        decided_on=organization.today(),
        scheduled_for=timezone.now(),
    )


def fails(result, message: str) -> None:
    assert result.code == 1, result
    assert result.stderr.splitlines()[0] == f"error: {message}"
    assert "Traceback" not in result.stderr


def test_a_task_is_marked_done_with_a_note_and_a_day(org, owed):
    task = _action(org, "ACME", "agency_handoff")

    result = owed("done", str(task.pk), "--note", "File sent to the agency", "--on", "2026-11-20")

    assert result.code == 0, result.stderr
    assert result.stdout.strip() == "Done: agency handoff for Client ACME (ACME)."
    task.refresh_from_db()
    assert task.status == "done"
    logged = Interaction.objects.get(code="done")
    assert (logged.note, logged.happened_on) == ("File sent to the agency", date(2026, 11, 20))


def test_a_task_is_found_by_its_key_too_and_answers_json(org, owed):
    task = _action(org, "ACME", "legal")

    result = owed("done", task.key, "--json")

    assert result.code == 0, result.stderr
    assert result.json == {
        "ok": True,
        "action": task.pk,
        "key": task.key,
        "step": "legal",
        "status": "done",
        "client_id": "ACME",
    }


def test_a_task_done_already_is_refused(org, owed):
    task = _action(org, "ACME", "legal")
    assert owed("done", str(task.pk)).code == 0

    fails(
        owed("done", str(task.pk)),
        "this action is done already: only a planned one can change",
    )
    assert Interaction.objects.filter(code="done").count() == 1


def test_an_e_mail_is_not_marked_done(org, owed):
    reminder = _action(org, "ACME", "reminder", channels="email")

    fails(
        owed("done", str(reminder.pk)),
        "Only a task can be marked as done: an e-mail or a letter is sent.",
    )
    as_json = owed("done", str(reminder.pk), "--json")
    assert as_json.code == 1
    assert as_json.json["ok"] is False
    assert Action.objects.get(pk=reminder.pk).status == "planned"


@pytest.mark.parametrize("given", ["999999", "invoice:1:nothing", "99999999999999999999999", " "])
def test_an_unknown_action_is_refused(org, owed, given):
    fails(
        owed("done", given),
        f"no action {given.strip()!r} in {org.slug}: give an action's id or key "
        "(owed tasks, owed run --json)",
    )


def test_another_organizations_action_is_not_found(org, other_org, owed):
    theirs = _action(other_org, "THEIRS", "legal")

    fails(
        owed("done", str(theirs.pk), "--org", org.slug),
        f"no action '{theirs.pk}' in {org.slug}: give an action's id or key "
        "(owed tasks, owed run --json)",
    )
    assert Action.objects.get(pk=theirs.pk).status == "planned"


def test_a_day_that_is_not_one_is_refused(org, owed):
    task = _action(org, "ACME", "legal")

    fails(
        owed("done", str(task.pk), "--on", "2026-02-30"),
        "'2026-02-30' is not a date (write it as YYYY-MM-DD)",
    )
    assert Action.objects.get(pk=task.pk).status == "planned"
