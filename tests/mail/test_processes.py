"""Delivery as real processes: two at once over one queue, one killed mid-delivery, the
worker, and the sink command.

The SQLite tests run `owed` in subprocesses against a file database in a temporary data
folder (whatever database the rest of the suite uses); the PostgreSQL test runs them
against the suite's PostgreSQL test database. The mail server is the sink, in its own
process; what it kept is the truth about what was sent.
"""

from __future__ import annotations

import json
import shutil
import signal
import smtplib
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from owed.mail.sink import Sink
from tests.dunning.processes import Shell, owed_command, query
from tests.mail.conftest import free_port

MIGRATE = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "owed.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
"""

# Makes an organization whose mail server is the sink on port argv[1] (or points it
# there), and queues one message to each address of argv[2] (a JSON list), in order.
BUILD = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "owed.settings")
import django
django.setup()
from owed.ledger.models import Organization
from owed.ledger.services import organization_create
from owed.mail.services import mail_server_set, queue_message
org = Organization.objects.first() or organization_create(
    name="Crash Test", country="GB", currency="GBP"
)
mail_server_set(
    organization=org, host="127.0.0.1", port=int(sys.argv[1]), security="none",
    from_address="billing@crash.test", timeout=10,
)
for n, to in enumerate(json.loads(sys.argv[2])):
    queue_message(organization=org, to=to, subject=f"Message {n}", text=f"Message {n}\\n")
"""


@pytest.fixture(scope="module")
def migrated(shell, tmp_path_factory) -> Path:
    """A data folder with an empty, migrated database, copied by each test."""
    folder = tmp_path_factory.mktemp("mail-processes") / "template"
    folder.mkdir()
    shell.python(folder, MIGRATE)
    return folder


@pytest.fixture
def build(shell, migrated, tmp_path):
    """build(port, recipients): the test's data folder, with messages queued."""
    folder = tmp_path / "data"

    def make(port: int, recipients: list[str]) -> Path:
        if not folder.exists():
            shutil.copytree(migrated, folder)
        shell.python(folder, BUILD, str(port), json.dumps(recipients))
        return folder

    return make


def start(shell: Shell, folder: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*owed_command(), *args],
        env=shell.environment(folder, **extra),
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def statuses(folder: Path) -> list[tuple]:
    return query(folder, "SELECT subject, status, attempts FROM mail_message ORDER BY id")


def wait_until(condition, timeout: float = 60, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {timeout} s"
        time.sleep(0.02)


def received_ids(sink: Sink) -> Counter:
    return Counter(m["Message-ID"] for m in sink.messages())


def test_two_senders_at_once_deliver_every_message_exactly_once(shell, build, tmp_path):
    # Each message takes the server 20 ms, so the two senders overlap for seconds.
    with Sink(tmp_path / "sink", delay=0.02) as sink:
        folder = build(sink.port, [f"c{n}@x.vn" for n in range(150)])
        first = start(shell, folder, "send", "--json")
        second = start(shell, folder, "send", "--json")
        answers = [finish(first), finish(second)]

        for code, _, err in answers:
            assert code == 0, err
        sent = [json.loads(out)["sent"] for _, out, _ in answers]
        assert sum(sent) == 150
        assert min(sent) > 0, f"the two senders did not overlap: {sent}"
        ids = {row[0] for row in query(folder, "SELECT message_id FROM mail_message")}
        assert received_ids(sink) == Counter(dict.fromkeys(ids, 1))
        assert {row[1:] for row in statuses(folder)} == {("sent", 1)}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_senders_at_once_deliver_every_message_exactly_once(org, shell, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("runs when the suite's database is PostgreSQL (DATABASE_URL)")
    from owed.mail.models import Message
    from owed.mail.services import mail_server_set, queue_message

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    with Sink(tmp_path / "sink", delay=0.02) as sink:
        mail_server_set(
            organization=org,
            host="127.0.0.1",
            port=sink.port,
            security="none",
            from_address="billing@lotus.vn",
        )
        for n in range(150):
            queue_message(organization=org, to=f"c{n}@x.vn", subject=f"Message {n}", text="x")
        senders = [start(shell, tmp_path, "send", "--json", DATABASE_URL=url) for _ in range(2)]
        answers = [finish(process) for process in senders]

        for code, _, err in answers:
            assert code == 0, err
        sent = [json.loads(out)["sent"] for _, out, _ in answers]
        assert sum(sent) == 150
        assert min(sent) > 0, f"the two senders did not overlap: {sent}"
        ids = Message.objects.values_list("message_id", flat=True)
        assert received_ids(sink) == Counter(dict.fromkeys(ids, 1))
        assert set(Message.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.parametrize("command", [["send"], ["worker", "--interval", "0.1"]])
def test_a_sender_killed_mid_delivery_sends_nothing_twice_and_the_next_run_sends_the_rest(
    shell, build, tmp_path, command
):
    recipients = ["first@x.vn", "slow@x.vn", "third@x.vn", "fourth@x.vn", "fifth@x.vn"]
    # `slow`: the server keeps the message, then takes 2 s to say so; the sender is killed
    # in between: the message has arrived, and the sender cannot know.
    with Sink(tmp_path / "sink", slow_seconds=2) as sink:
        folder = build(sink.port, recipients)
        sender = start(shell, folder, *command)
        try:
            wait_until(lambda: len(sink.files()) == 2, what="the slow message's arrival")
            assert statuses(folder)[1] == ("Message 1", "sending", 1)
            sender.send_signal(signal.SIGKILL)
            sender.wait(30)
        finally:
            if sender.poll() is None:
                sender.kill()
            finish(sender)
        assert sender.returncode == -signal.SIGKILL
        assert [row[1] for row in statuses(folder)] == ["sent", "sending"] + ["queued"] * 3

        code, out, err = finish(start(shell, folder, "send", "--json"))

        assert code == 0, err
        assert json.loads(out)["sent"] == 3
        assert json.loads(out)["uncertain"] == []  # not stale yet: left alone
        assert [row[1] for row in statuses(folder)] == ["sent", "sending", "sent", "sent", "sent"]
        assert set(received_ids(sink).values()) == {1}
        assert len(sink.files()) == 5

        # Once stale, it is uncertain: reported and listed, never sent again by owed itself.
        time.sleep(1.1)
        code, out, err = finish(start(shell, folder, "send", "--json", OWED_MAIL_STALE_SECONDS="1"))
        assert code == 0, err
        [uncertain] = json.loads(out)["uncertain"]
        assert json.loads(out)["sent"] == 0
        assert statuses(folder)[1] == ("Message 1", "uncertain", 1)
        [(last_error,)] = query(
            folder, f"SELECT last_error FROM mail_message WHERE id = {uncertain}"
        )
        assert "never finished" in last_error
        assert len(sink.files()) == 5

        # The user looked and decided: it goes again, and only now is it there twice.
        code, out, err = finish(start(shell, folder, "send", "--resend-uncertain", str(uncertain)))
        assert code == 0, err
        assert out.startswith("Sent 1, retrying 0, failed 0.")
        counts = received_ids(sink)
        assert sorted(counts.values()) == [1, 1, 1, 1, 2]
        assert [row[1] for row in statuses(folder)] == ["sent"] * 5


def test_the_worker_delivers_a_message_queued_while_it_runs(shell, build, tmp_path):
    with Sink(tmp_path / "sink") as sink:
        folder = build(sink.port, [])
        worker = start(shell, folder, "worker", "--interval", "0.1")
        try:
            build(sink.port, ["ketoan@senvang.vn"])  # queued by another process

            [received] = sink.wait_for(1, timeout=60)
        finally:
            worker.send_signal(signal.SIGTERM)
            code, _, err = finish(worker, timeout=30)

        assert code == 0, err
        assert "Worker started" in err
        assert received["Subject"] == "Message 0"
        assert statuses(folder) == [("Message 0", "sent", 1)]
        tasks = query(
            folder,
            "SELECT status, return_value FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'owed.mail.tasks.deliver_message'",
        )
        assert tasks == [("SUCCESSFUL", '"sent"')]


def test_the_worker_in_batch_mode_delivers_what_is_queued_and_stops(shell, build, tmp_path):
    with Sink(tmp_path / "sink") as sink:
        folder = build(sink.port, ["a@x.vn", "fail451@x.vn"])

        code, _, err = finish(start(shell, folder, "worker", "--batch"))

        assert code == 0, err
        assert [m["Subject"] for m in sink.messages()] == ["Message 0"]
        assert statuses(folder) == [("Message 0", "sent", 1), ("Message 1", "queued", 1)]
        # The retry waits as a task for its time, a minute later ("9999": no time set).
        waiting = query(
            folder,
            "SELECT args_kwargs, run_after, enqueued_at FROM django_tasks_database_dbtaskresult "
            "WHERE status = 'READY'",
        )
        [(args, run_after, enqueued_at)] = waiting
        assert json.loads(args) == {"args": [2], "kwargs": {}}
        assert enqueued_at < run_after < "9999"


def test_the_sink_command_keeps_what_it_is_sent_until_interrupted(shell, tmp_path):
    port = free_port()
    sink = start(shell, tmp_path, "mail-sink", "--port", str(port), "--dir", "mail")
    try:
        assert sink.stdout.readline().startswith(f"Keeping every message sent to 127.0.0.1:{port}")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("a@b.vn", ["c@d.vn"], b"Subject: hi\r\n\r\nhello\r\n")
    finally:
        sink.send_signal(signal.SIGINT)
        code, _, err = finish(sink, timeout=30)

    assert code == 0, err
    [kept] = (tmp_path / "mail").glob("*.eml")
    assert kept.read_bytes().endswith(b"Subject: hi\r\n\r\nhello\r\n")
