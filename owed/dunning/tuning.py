"""The daily run's database connection, tuned for a run and then put back as it was.

- PostgreSQL: no JIT compilation. The run's queries are many and short; their estimated
  costs (correlated subqueries over large tables) pass `jit_above_cost`, and compiling
  took longer than running them (0.8 s instead of 0.1 s for the holds query at 100,000
  invoices, whatever the number of invoices due that day).
- SQLite, for a big run: a 64 MiB page cache (the default is 2 MiB): a large run inserts
  into indexes of millions of rows, and with the small cache every insert reads its path
  of index pages from the operating system again.
- SQLite in WAL mode (owed's setting): the run's own commits do not checkpoint; a small
  process beside the run does, with a connection of its own, while the run goes on. A
  checkpoint copies the pages the last transactions wrote from the write-ahead log into
  the database file and waits for the disk (fsync); done by each commit, it was a fifth to
  a half of a daily run. The run ends with a last checkpoint, so it leaves the log as
  short as a run that checkpointed itself.

  Crash safety is SQLite's own and unchanged. A transaction is committed once its pages
  are in the log, and the database file only ever receives pages of committed
  transactions, so a killed run (or checkpointer) leaves every committed chunk and
  nothing else, whatever it was doing. With `synchronous=NORMAL` (owed's setting; the
  checkpoint syncs the log, then the file) a power cut may also lose the last chunks
  committed before it, never corrupt the database; the next run decides them again,
  exactly as a run killed before committing them.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

from django.db import DatabaseError, connection

SQLITE_CACHE_KIB = 64 * 1024
CHECKPOINT_EVERY = 0.05
"""Seconds between two checkpoints of the process beside the run."""


@contextlib.contextmanager
def tuned(*, big: bool) -> Iterator[None]:
    """The connection tuned for the run (`big`: a run that reads many invoices), then as
    it was."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(_settings(big=big))
        if _checkpoints_aside_possible():
            stack.enter_context(_checkpoints_aside())
        yield


@contextlib.contextmanager
def _settings(*, big: bool) -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The old value and the new one in one statement (the subquery reads first).
            cursor.execute(
                "SELECT was.jit, set_config('jit', 'off', false) "
                "FROM (SELECT current_setting('jit') AS jit) AS was"
            )
            undo = ("SELECT set_config('jit', %s, false)", [cursor.fetchone()[0]])
        elif connection.vendor == "sqlite" and big:
            cursor.execute("PRAGMA cache_size")
            undo = (f"PRAGMA cache_size = {int(cursor.fetchone()[0])}", None)
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        else:
            undo = None
    if undo is None:
        yield
        return

    def restore() -> None:
        with connection.cursor() as cursor:
            cursor.execute(*undo)

    try:
        yield
    except BaseException:
        # A failed transaction on PostgreSQL takes its SET back with it.
        with contextlib.suppress(DatabaseError):
            restore()
        raise
    restore()


def database_file() -> str | None:
    """The SQLite database file, if the connection is to one (not an in-memory database)."""
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return name


def _checkpoints_aside_possible() -> bool:
    """True on a SQLite database file in WAL mode, outside any transaction of the caller
    (a transaction still open would hide the run's writes from the other connection)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    if database_file() is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return str(cursor.fetchone()[0]).lower() == "wal"


# The process beside the run: checkpoints every `every` seconds until its standard input
# closes (the run ends, or its process dies), then once more. Plain Python and sqlite3: it
# starts in a few hundredths of a second and shares no lock with the run's interpreter.
_CHECKPOINTER = """
import select, sqlite3, sys
path, every = sys.argv[1], float(sys.argv[2])
db = sqlite3.connect(path, timeout=20)
try:
    while not select.select([sys.stdin], [], [], every)[0]:
        db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
except sqlite3.Error:
    pass
"""


@contextlib.contextmanager
def _checkpoints_aside() -> Iterator[None]:
    """The run's commits do not checkpoint; a process beside the run does, every
    `CHECKPOINT_EVERY` seconds and once more at the end (see the module's docstring).

    A process rather than a thread of the run: a thread waking every few hundredths of a
    second to take Python's interpreter lock slowed the run's own reading by half."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        was = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        checkpointer = subprocess.Popen(
            [sys.executable, "-I", "-c", _CHECKPOINTER, database_file(), str(CHECKPOINT_EVERY)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
    except OSError:
        checkpointer = None  # the run's last checkpoint below does the work
    try:
        yield
    finally:
        if checkpointer is not None:
            checkpointer.stdin.close()
            try:
                checkpointer.wait(60)
            except subprocess.TimeoutExpired:
                checkpointer.kill()
                checkpointer.wait()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {was}")
            # What is left, checkpointed now, as the run's own commit would have.
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.fetchall()
