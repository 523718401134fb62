"""`owed demo` sends the day's collection messages for real, to owed's local mail sink, and
leaves the .eml files and the letters in the data folder."""

from __future__ import annotations

import email
import email.policy
from datetime import date

import pytest

from owed.demo import DEMO_SLUG, build_demo
from owed.demo.mail import send_today
from owed.dunning.models import Action
from owed.ledger.models import Organization
from owed.mail.models import MailServer, Message

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 6, 15)


def test_the_day_s_messages_reach_the_sink_and_the_letters_are_kept(tmp_path):
    summary = build_demo(today=MONDAY, history=False)
    # Inside a caller's transaction (as here) the build leaves the messages to the caller.
    assert "mail" not in summary
    org = Organization.objects.get(slug=DEMO_SLUG)
    due = Action.objects.filter(organization=org, status="planned", decided_on=MONDAY).exclude(
        channels="task"
    )
    expected = due.count()

    sent = send_today(org, today=MONDAY, folder=tmp_path)

    files = sorted((tmp_path / "demo-mail").glob("*.eml"))
    letters = sorted((tmp_path / "demo-letters").glob("*.pdf"))
    assert expected > 0
    assert sent["messages"] == len(files) == Message.objects.filter(status="sent").count()
    assert sent["messages"] + len(sent["not_sent"]) <= expected
    assert sent["letters"] == len(letters) >= 1
    assert all(path.read_bytes().startswith(b"%PDF") for path in letters)
    assert all(path.name.startswith("2026-06-15-") for path in letters)
    assert not due.filter(status="planned").exists()
    first = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert first["Subject"] and first["Message-ID"].endswith("@saigonkite.example>")
    assert MailServer.objects.get(organization=org).host == "127.0.0.1"
    assert sent["mail_folder"] == str(tmp_path / "demo-mail")


def test_a_second_demo_replaces_the_files_of_the_first(tmp_path):
    build_demo(today=MONDAY, history=False)
    org = Organization.objects.get(slug=DEMO_SLUG)
    stale = tmp_path / "demo-mail" / "old.eml"
    stale.parent.mkdir(parents=True)
    stale.write_text("Subject: old\n\nold\n")

    send_today(org, today=MONDAY, folder=tmp_path)

    assert not stale.exists()
