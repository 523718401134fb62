"""Mark a task as done from Today (a hand-off to an agency, legal action, a payment plan to
propose, a dispute to resolve, a call back...): the action is done, the client's timeline
says so in the reader's language, with the user's note; and an action planned for an
earlier day shows how late it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from owed.dunning.actions import action_done
from owed.dunning.models import Action, ActionLine, Interaction
from owed.dunning.summaries import summary_text
from owed.errors import OwedError

pytestmark = pytest.mark.django_db


def _task(books, step: str, *, days_ago: int = 0, invoice=None) -> Action:
    invoice = invoice or books.overdue
    action = Action.objects.create(
        organization=books.org,
        key=f"invoice:{invoice.pk}:{step}",
        kind="ladder",
        client=books.client,
        invoice=invoice,
        subject_id=invoice.pk,
        step=step,
        channels="task",
        decided_on=books.today - timedelta(days=days_ago),
        scheduled_for=timezone.now() - timedelta(days=days_ago, minutes=5),
    )
    ActionLine.objects.create(
        action=action, invoice=invoice, days_overdue=40, balance=invoice.total
    )
    return action


def _done(web, action: Action, note: str = ""):
    return web.post(f"/actions/{action.pk}/done/", {f"done-{action.pk}-note": note})


@pytest.mark.parametrize(
    "step", ["agency_handoff", "legal", "propose_plan", "resolve_dispute", "callback"]
)
def test_a_task_offers_mark_as_done(web, books, step):
    action = _task(books, step)

    html = web.get("/").content.decode()

    assert f'action="/actions/{action.pk}/done/"' in html
    assert "Mark as done" in html


def test_a_message_offers_no_mark_as_done(web, books):
    html = web.get("/").content.decode()
    assert f'action="/actions/{books.reminder.pk}/done/"' not in html


def test_marking_a_task_done_records_it_with_the_note(web, books):
    action = _task(books, "agency_handoff")

    response = _done(web, action, "Sent the file to the agency")

    assert response.status_code == 302 and response["Location"] == "/"
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    logged = Interaction.objects.get(client=books.client, code="done")
    assert logged.summary == "Done: agency handoff"
    assert logged.note == "Sent the file to the agency"
    assert summary_text(logged, "en") == "Done: Hand-off to a collection agency"
    page = web.get("/").content.decode()
    assert "Done: Công ty TNHH Hoa Sen." in page
    assert f'id="action-{action.pk}"' not in page


def test_the_note_is_optional(web, books):
    action = _task(books, "legal")

    assert _done(web, action).status_code == 302

    logged = Interaction.objects.get(client=books.client, code="done")
    assert (logged.summary, logged.params) == ("Done: legal", {"step": "legal"})


def test_a_task_done_twice_is_refused_the_second_time(web, books):
    action = _task(books, "resolve_dispute")
    assert _done(web, action).status_code == 302

    assert _done(web, action).status_code == 404  # no longer planned
    with pytest.raises(OwedError, match="only a planned one can change"):
        action_done(organization=books.org, action=action, on=books.today)
    assert Interaction.objects.filter(code="done").count() == 1


def test_an_e_mail_cannot_be_marked_done(web, books):
    with pytest.raises(OwedError, match="Only a task can be marked as done"):
        action_done(organization=books.org, action=books.reminder, on=books.today)
    assert _done(web, books.reminder).status_code == 422
    books.reminder.refresh_from_db()
    assert books.reminder.status == Action.Status.PLANNED


def test_a_read_only_member_sees_no_form_and_cannot_post(web_reader, books):
    action = _task(books, "legal")

    html = web_reader.get("/").content.decode()

    assert f'id="action-{action.pk}"' in html
    assert "/done/" not in html
    assert _done(web_reader, action).status_code == 403
    action.refresh_from_db()
    assert action.status == Action.Status.PLANNED


def test_another_organizations_action_is_not_found(web, books, their):
    theirs = _task(their, "legal")

    assert _done(web, theirs).status_code == 404
    with pytest.raises(OwedError, match="no such action"):
        action_done(organization=books.org, action=theirs, on=books.today)
    theirs.refresh_from_db()
    assert theirs.status == Action.Status.PLANNED


def test_the_timeline_says_it_in_the_readers_language(web, books):
    action = _task(books, "propose_plan")
    _done(web, action)

    web.post("/language/", {"language": "fa"})
    html = web.get(f"/clients/{books.client.code}/").content.decode()

    logged = Interaction.objects.get(code="done")
    for isolate in "\u2066\u2067\u2068\u2069":
        html = html.replace(isolate, "")
    assert summary_text(logged, "fa") in html
    assert "propose plan" not in html  # the step by its name, not its code


# ------------------------------------------------------------------------- late actions


def test_an_action_planned_on_an_earlier_day_is_marked_overdue(web, books):
    late = _task(books, "legal", days_ago=3)

    html = web.get("/").content.decode()

    assert "Overdue: planned 3 days ago" in html
    assert html.count("Overdue: planned") == 1  # today's actions are not late
    assert f'id="action-{late.pk}"' in html


def test_how_late_is_said_in_the_readers_language(web, books):
    _task(books, "legal", days_ago=3)
    web.post("/language/", {"language": "fa"})

    html = web.get("/").content.decode()

    assert "۳" in html.split('class="tag tag-warn overdue">', 1)[1].split("</span>", 1)[0]


def test_the_page_reads_its_tasks_in_a_few_queries(web, books, django_assert_max_num_queries):
    for step in ("agency_handoff", "legal", "propose_plan", "resolve_dispute"):
        _task(books, step, days_ago=2)
    web.get("/")
    with django_assert_max_num_queries(30):
        html = web.get("/").content.decode()
    assert html.count("Mark as done") >= 4 * 2
