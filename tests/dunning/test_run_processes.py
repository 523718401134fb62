"""The run as real processes: killed half-way, or started twice at once.

The SQLite tests run `owed run` in subprocesses against a file database in a temporary data
folder (OWED_DATA_DIR), whatever database the rest of the suite uses. The PostgreSQL test
holds the run lock from another connection of the test database.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
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


def test_a_run_killed_half_way_is_finished_by_the_next_one_with_nothing_twice(
    shell, thousands, tmp_path
):
    crashed = copy(thousands, tmp_path / "crashed")
    reference = copy(thousands, tmp_path / "reference")
    chunk = {"OWED_RUN_CHUNK": "50"}  # 60 transactions of 50 clients
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
