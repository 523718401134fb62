"""The run as real processes: killed half-way, or started twice at once.

The SQLite tests run `owed run` in subprocesses against a file database in a temporary data
folder (OWED_DATA_DIR), whatever database the rest of the suite uses. The PostgreSQL test
holds the run lock from another connection of the test database.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from owed.dunning.run import collections_run, run_lock
from owed.errors import OwedError
from tests.dunning.books import day
from tests.dunning.processes import HOLD_THE_LOCK, RUN_DAY, build, copy, outcome, query

BUSY = "another collections run for crash-test is in progress; wait for it to finish and run again"


@pytest.fixture(scope="module")
def thousands(shell, tmp_path_factory) -> Path:
    """A data folder with 3,000 clients, each with an invoice somewhere on the ladder."""
    return build(shell, tmp_path_factory.mktemp("crash") / "template", 3000)


# One process, or a second one deciding while the run's process writes (`owed.dunning.aside`).
PROCESSES = {"one process": "1000000000", "two processes": "1"}


@pytest.mark.parametrize("split", PROCESSES.values(), ids=PROCESSES.keys())
def test_a_run_killed_half_way_is_finished_by_the_next_one_with_nothing_twice(
    shell, thousands, tmp_path, split
):
    crashed = copy(thousands, tmp_path / "crashed")
    reference = copy(thousands, tmp_path / "reference")
    # 60 transactions of 50 clients
    chunk = {"OWED_RUN_CHUNK": "50", "OWED_RUN_SPLIT": split}
    uninterrupted = shell.start(reference, "run", "--date", RUN_DAY, "--json", **chunk)
    killed = shell.start(crashed, "run", "--date", RUN_DAY, "--json", **chunk)
    try:
        # Killed as soon as its first transaction is committed: mid-way through the run.
        deadline = time.monotonic() + 60
        while query(crashed, "SELECT count(*) FROM dunning_action")[0][0] == 0:
            assert killed.poll() is None, killed.stderr.read()
            assert time.monotonic() < deadline, "the run recorded nothing in a minute"
            time.sleep(0.01)
        killed.send_signal(signal.SIGKILL)
        killed.wait(30)
        assert killed.returncode == -signal.SIGKILL
        left_behind = query(crashed, "SELECT count(*) FROM dunning_action")[0][0]
        assert query(crashed, "SELECT status FROM dunning_run") == [("running",)]
        assert uninterrupted.wait(180) == 0, uninterrupted.stderr.read()
    finally:
        for process in (killed, uninterrupted):
            if process.poll() is None:
                process.kill()
                process.wait(30)
        killed.stderr.close()
        uninterrupted.stderr.close()

    again = shell.owed(crashed, "run", "--date", RUN_DAY, "--json", **chunk)

    assert again.returncode == 0, again.stderr
    expected = outcome(reference)
    assert 0 < left_behind < len(expected["actions"]) / 2, "the run was not killed half-way"
    assert outcome(crashed) == expected
    keys = [row[0] for row in expected["actions"]]
    assert len(keys) == len(set(keys)) > 3000
    assert {row["key"] for row in json.loads(again.stdout)} == set(keys)
    assert query(crashed, "SELECT status FROM dunning_run ORDER BY id") == [
        ("interrupted",),
        ("done",),
    ]


def children(pid: int) -> list[int]:
    """The processes `pid` started."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # "pid (name) state ppid ...": the name may hold spaces, not a closing bracket.
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_run_whose_second_process_dies_stops_and_the_next_run_finishes(
    shell, thousands, tmp_path
):
    crashed = copy(thousands, tmp_path / "crashed")
    reference = copy(thousands, tmp_path / "reference")
    split = {"OWED_RUN_CHUNK": "50", "OWED_RUN_SPLIT": "1"}
    assert shell.owed(reference, "run", "--date", RUN_DAY, **split).returncode == 0
    run = shell.start(crashed, "run", "--date", RUN_DAY, **split)
    try:
        deadline = time.monotonic() + 60
        while not (
            (second := children(run.pid))
            and query(crashed, "SELECT count(*) FROM dunning_action")[0][0] > 0
        ):
            assert run.poll() is None, run.stderr.read()
            assert time.monotonic() < deadline, "no second process, or nothing recorded"
            time.sleep(0.01)
        for pid in second:
            os.kill(pid, signal.SIGKILL)
        assert run.wait(60) == 1
        stderr = run.stderr.read()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(30)
        run.stderr.close()

    assert "error: the collections run's second process failed" in stderr
    assert "run again to finish" in stderr
    assert "Traceback" not in stderr
    assert query(crashed, "SELECT status FROM dunning_run") == [("running",)]
    left_behind = query(crashed, "SELECT count(*) FROM dunning_action")[0][0]
    again = shell.owed(crashed, "run", "--date", RUN_DAY, **split)
    assert again.returncode == 0, again.stderr
    expected = outcome(reference)
    assert 0 < left_behind < len(expected["actions"])
    assert outcome(crashed) == expected


@pytest.fixture
def small(shell, tmp_path) -> Path:
    return build(shell, tmp_path / "small", 4)


def test_a_second_run_process_is_refused_while_one_holds_the_lock_file(shell, small):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK],
        env=shell.environment(small),
        cwd=small,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert list(small.glob("owed.sqlite3.run-*.lock"))

        refused = shell.owed(small, "run", "--date", RUN_DAY)
        as_json = shell.owed(small, "run", "--date", RUN_DAY, "--json")
    finally:
        holder.kill()  # the operating system releases the lock of a killed process
        holder.wait(30)

    assert refused.returncode == 1
    assert refused.stderr.strip() == f"error: {BUSY}"
    assert "Traceback" not in refused.stderr
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout) == {"ok": False, "message": BUSY, "problems": []}
    assert query(small, "SELECT count(*) FROM dunning_action") == [(0,)]
    done = shell.owed(small, "run", "--date", RUN_DAY, "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) >= 4


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_second_run_is_refused_while_another_session_runs(books, shell, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite's lock file is tested above")
    acme = books.client("ACME", "GB")
    books.invoice(acme, "INV-1", "2026-03-19", 1200)
    locked, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def other_session() -> None:
        try:
            with run_lock(books.org):
                locked.set()
                assert release.wait(60)
        except BaseException as exc:  # checked in the test's own thread
            failures.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=other_session)
    holder.start()
    try:
        assert locked.wait(30), failures
        with pytest.raises(OwedError) as refused:
            collections_run(organization=books.org, as_of=day("2026-03-20"))
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        process = shell.owed(tmp_path, "run", "--date", "2026-03-20", DATABASE_URL=url)
    finally:
        release.set()
        holder.join(60)

    message = (
        "another collections run for lotus-studio is in progress; "
        "wait for it to finish and run again"
    )
    assert not failures
    assert refused.value.message == message
    assert (process.returncode, process.stderr.strip()) == (1, f"error: {message}")
    assert not books.actions()
    report = collections_run(organization=books.org, as_of=day("2026-03-20"))
    assert sorted((a.step, a.status.value) for a in report.recorded) == [
        ("pre_due_reminder", "skipped"),
        ("reminder", "planned"),
    ]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_run_decided_in_a_second_process_records_what_one_process_does(
    org, other_org, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("the suite's SQLite database is in memory: no second process can read it")
    from owed.dunning import aside, prepare
    from owed.dunning.models import Action
    from tests.dunning.books import Books

    def ledger(books: Books) -> None:
        for n in range(40):
            client = books.client(f"C{n:02d}", ("GB", "VN", "TH", "IR")[n % 4])
            for k in range(3):
                due = day("2026-03-20") - timedelta(days=(n * 7 + k * 11) % 60 - 5)
                books.invoice(client, f"INV-{n:02d}-{k}", due, 1000 + n)

    split, single = Books(org), Books(other_org)
    ledger(split)
    ledger(single)
    entered = []
    enter = aside.Aside.__enter__
    monkeypatch.setattr(aside.Aside, "__enter__", lambda self: entered.append(self) or enter(self))
    decide_chunk = prepare.Chunks.decide

    def when_the_second_process_has_sent(*args, **kwargs):
        """This process decides a chunk once the second one has sent something (its first
        chunk excepted: it decides that one while the second process starts), so that
        both decide some of the run's chunks, however fast either starts."""
        second = entered[-1]
        if second.decided_here:
            deadline = time.monotonic() + 60
            while not second.receiving.poll(0.05):
                assert time.monotonic() < deadline, "the second process sent nothing"
        return decide_chunk(*args, **kwargs)

    monkeypatch.setattr(prepare.Chunks, "decide", when_the_second_process_has_sent)
    monkeypatch.setenv("OWED_RUN_SPLIT", "1")
    for today in ("2026-03-20", "2026-03-23", "2026-04-02"):
        collections_run(organization=split.org, as_of=day(today), chunk_clients=7)
    assert len(entered) == 3  # each run shared its chunks with a second process
    # Chunks of 7 of the 40 clients (those with invoices due): both processes decided
    # some (the run's process its first chunk and others from the last one back), and no
    # chunk was taken from both.
    assert sum(second.decided_here for second in entered) > len(entered)
    assert sum(second.decided_aside for second in entered) >= 1
    assert all(second.decided_here + second.decided_aside <= 6 for second in entered)
    monkeypatch.setattr(prepare.Chunks, "decide", decide_chunk)
    monkeypatch.setenv("OWED_RUN_SPLIT", "1000000")
    for today in ("2026-03-20", "2026-03-23", "2026-04-02"):
        collections_run(organization=single.org, as_of=day(today), chunk_clients=7)
    assert len(entered) == 3

    def recorded(organization) -> list[tuple]:
        actions = Action.objects.filter(organization=organization).select_related(
            "client", "invoice", "merged_into"
        )
        return sorted(
            (
                a.client.code,
                a.invoice.number if a.invoice else "",
                a.step,
                a.status,
                a.decided_on,
                a.merged_into.step if a.merged_into else "",
            )
            for a in actions
        )

    assert len(recorded(split.org)) > 100
    assert recorded(split.org) == recorded(single.org)


# Runs the collections for RUN_DAY on the data folder's database in one process, then prints
# the connection's settings the run tunes, and the checkpoints it left to do.
RUN_AND_SHOW_SETTINGS = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "owed.settings")
import django
django.setup()
from datetime import date
from django.db import connection
from owed.dunning.run import collections_run
from owed.ledger.models import Organization

def settings():
    with connection.cursor() as cursor:
        found = {}
        for name in ("wal_autocheckpoint", "cache_size", "journal_mode"):
            cursor.execute(f"PRAGMA {name}")
            found[name] = cursor.fetchone()[0]
        return found

before = settings()
report = collections_run(
    organization=Organization.objects.get(), as_of=date.fromisoformat(sys.argv[1])
)
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
    busy, log, done = cursor.fetchone()
print(json.dumps({"before": before, "after": settings(), "recorded": report.recorded_count,
                  "log": log, "checkpointed": done}))
"""


def test_a_run_leaves_its_connection_as_it_found_it_and_its_log_checkpointed(
    shell, thousands, tmp_path
):
    folder = copy(thousands, tmp_path / "tuned")
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_SHOW_SETTINGS, RUN_DAY],
        env=shell.environment(folder, OWED_RUN_CHUNK="100"),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["before"]["journal_mode"] == "wal"
    assert shown["after"] == shown["before"]  # autocheckpoint back on, the usual cache
    assert shown["recorded"] > 3000
    # Everything the run wrote is in the database file already: nothing left in the log.
    assert shown["log"] == shown["checkpointed"]
