"""Deciding a big daily run in a second process while the run's own process writes.

A run with many invoices due (`split_from`, 25,000 by default; `OWED_RUN_SPLIT` sets it)
on a database file or PostgreSQL shares the reading and deciding of its chunks with a
second process. The second process is started fresh (no database connection is shared
across a fork), reads with a connection of its own, and sends each chunk prepared
(`owed.dunning.prepare`) through a pipe; the run's process writes every chunk, one
transaction each.

Who decides which chunk (`Aside.share`): the run's process decides the first chunk itself
while the second one starts, then writes what the second one sends, which decides the
chunks from the second on. Whenever nothing from it is ready, the run's process decides a
chunk itself, from the last one back, as long as the second process would still have more
to decide than the run's process has to write (`Aside.worth_taking`, timed as the run
goes), and tells the second process, which stops where the two meet. Chunks hold different
clients and may be written in any order; a chunk decided by both (the second process
started it just as the run's process took it) is written once. The second process keeps
at most four chunks ready, sent by a thread while it decides the next.

The second process only reads, so crash safety is the run's own: if the run's process is
killed, the second one finds its pipe closed when it next sends and stops; if the second
one dies, the run stops with an error and the next run finishes the work.

Not for a dry run (nothing to write), an in-memory database (another process cannot see
it) or a caller's open transaction (another connection cannot see its rows).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import queue
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from owed.dunning.prepare import Chunks, Prepared

SPLIT_FROM = 25_000


def split_from() -> int:
    """Due invoices from which a run decides in a second process (`OWED_RUN_SPLIT`)."""
    text = os.environ.get("OWED_RUN_SPLIT", "").strip()
    return int(text) if text.isdigit() else SPLIT_FROM


def possible() -> bool:
    """True if a second process can read what the run's connection sees."""
    from django.db import connection

    from owed.dunning.tuning import database_file

    if connection.in_atomic_block:
        return False
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and database_file() is not None


class Pace:
    """Seconds per due invoice of deciding a chunk (measured in the run's process) and of
    writing one (the run's work between two chunks)."""

    def __init__(self) -> None:
        self.decide = self.write = 0.0
        self._spent = {"decide": [0.0, 0], "write": [0.0, 0]}

    def known(self) -> bool:
        """Both have been timed."""
        return self.decide > 0 and self.write > 0

    @contextlib.contextmanager
    def deciding(self, invoices: int) -> Iterator[None]:
        with self._timed("decide", invoices):
            yield

    @contextlib.contextmanager
    def writing(self, invoices: int) -> Iterator[None]:
        with self._timed("write", invoices):
            yield

    @contextlib.contextmanager
    def _timed(self, what: str, invoices: int) -> Iterator[None]:
        start = time.perf_counter()
        yield
        spent = self._spent[what]
        spent[0] += time.perf_counter() - start
        spent[1] += invoices
        setattr(self, what, spent[0] / spent[1] if spent[1] else 0.0)


class Aside:
    """The second process, deciding the run's chunks with the run's process (`share`). Used
    as a context manager: the process is stopped on the way out."""

    def __init__(self, work: Chunks, *, first: int) -> None:
        self.arguments = (work, first)
        self.process: subprocess.Popen | None = None
        self.receiving = None
        self.decided_here = 0
        """Chunks the run's process decided (`share`)."""
        self.decided_aside = 0
        """Chunks the second process decided and the run's process took."""

    def __enter__(self) -> Aside:
        from django.db import connection

        # A fresh interpreter running this module's `_main` (not multiprocessing's spawn,
        # which would run the caller's main script again in it), with the run's database
        # settings and import path; the two ends of a socket pair carry pickled messages.
        self.receiving, sending = multiprocessing.Pipe(duplex=True)
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"from owed.dunning.aside import _main; _main({sending.fileno()})",
            ],
            pass_fds=[sending.fileno()],
            env=environment,
            stdin=subprocess.DEVNULL,
        )
        sending.close()  # the child's end: the pipe closes when the child exits
        # The database first, so that the child sets up Django while this process decides
        # its own first chunk; the rest (the due invoices) when the chunks are wanted.
        self.receiving.send(dict(connection.settings_dict))
        return self

    def share(self, sizes: Sequence[int], here: Callable[[int], Prepared]) -> Iterator[Prepared]:
        """Each of the run's chunks once (`sizes`: their due invoices), decided here
        (`here(index)`) or in the second process, in the order they are ready (see the
        module's docstring); between two chunks, the caller writes the one it was given."""
        from owed.errors import OwedError

        first = self.arguments[1]
        pace = Pace()
        ahead = []
        for index in range(first):  # while the second one starts
            with pace.deciding(sizes[index]):
                ahead.append(here(index))
        self.decided_here += first
        with contextlib.suppress(OSError):  # the child is gone: said below
            self.receiving.send(self.arguments)
        for index, prepared in enumerate(ahead):
            with pace.writing(sizes[index]):
                yield prepared
        wanted = set(range(first, len(sizes)))
        started = first - 1  # the last chunk the second process began
        taken = len(sizes)  # the first chunk this process took, from the end back
        while wanted:
            if (
                taken - 1 > started
                and not self.receiving.poll(0)
                and self.worth_taking(sizes, wanted, started, taken - 1, pace)
            ):
                taken -= 1
                with contextlib.suppress(OSError):
                    self.receiving.send(("take", taken))
                wanted.discard(taken)
                with pace.deciding(sizes[taken]):
                    prepared = here(taken)
                self.decided_here += 1
                with pace.writing(sizes[taken]):
                    yield prepared
                continue
            try:
                what, payload = self.receiving.recv()
            except (EOFError, OSError):
                what, payload = "error", "it stopped before it had decided every chunk"
            if what == "start":
                started = payload
            elif what == "chunk":
                index, prepared = payload
                if index in wanted:
                    wanted.discard(index)
                    self.decided_aside += 1
                    with pace.writing(sizes[index]):
                        yield prepared
            elif what == "done":
                for index in sorted(wanted):  # none: it stops where this process began
                    self.decided_here += 1
                    yield here(index)
                return
            else:
                # What was written so far stays; the next run finishes the rest.
                raise OwedError(
                    f"the collections run's second process failed ({payload}); "
                    "what was recorded so far is kept: run again to finish"
                )

    @staticmethod
    def worth_taking(
        sizes: Sequence[int], wanted: set[int], started: int, index: int, pace: Pace
    ) -> bool:
        """Whether this process, with nothing from the second one to write, should decide
        chunk `index` itself: only if the second process would still have at least as much
        to do as this one, which writes every chunk not written yet (`wanted`) and would
        decide that one too. Deciding a chunk here while the second one's chunks wait only
        delays their writing; when writing is the longer part, this process waits instead.
        """
        if not pace.known():
            return True
        mine = pace.write * sum(sizes[c] for c in wanted) + pace.decide * sizes[index]
        theirs = pace.decide * sum(sizes[started + 1 : index])
        return mine <= theirs

    def __exit__(self, *exc_info) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
            self.process.wait(30)
        if self.receiving is not None:
            self.receiving.close()


def _main(fd: int) -> None:
    """The second process's entry: the run's database settings come first through the pipe,
    then the rest of `_decide`'s arguments."""
    connection = multiprocessing.connection.Connection(fd)
    try:
        database = connection.recv()
        import django
        from django.conf import settings

        settings.DATABASES["default"] = database
        django.setup()
        arguments = connection.recv()
    except (EOFError, OSError):
        return  # the run's process is gone
    _decide(connection, *arguments)


def _decide(connection, work: Chunks, first: int) -> None:
    """The second process: decide the chunks from `first` on, until the one the run's
    process took, and send them, then "done" (or "error")."""
    outbox = _Outbox(connection)
    try:
        from owed.dunning import snapshot
        from owed.ledger.models import Organization

        organization = Organization.objects.get(pk=work.organization_id)
        policies = snapshot.policies(organization)
        stop = len(work.clients)
        for index in range(first, len(work.clients)):
            while connection.poll(0):
                what, taken = connection.recv()
                if what == "take":
                    stop = min(stop, taken)
            if index >= stop:
                break
            outbox.put(("start", index))
            chunk = work.decide(organization, policies, index)
            outbox.put(("chunk", (index, chunk)), chunk=True)
        outbox.put(("done", None))
    except (BrokenPipeError, ConnectionResetError, EOFError):
        return  # the run's process is gone: nothing to send to
    except BaseException as error:
        traceback.print_exc()  # the whole story on the run's standard error
        with contextlib.suppress(OSError):
            outbox.put(("error", f"{type(error).__name__}: {error}"))
    finally:
        outbox.close()
        connection.close()


class _Outbox:
    """The second process's messages to the run's process, sent by a thread of their own,
    so that deciding the next chunk goes on while the run's process is busy; at most
    `AHEAD` chunks wait, then deciding waits too."""

    AHEAD = 4

    def __init__(self, connection) -> None:
        self.connection = connection
        self.waiting: queue.Queue[tuple[bytes, bool] | None] = queue.Queue()
        self.room = threading.Semaphore(self.AHEAD)
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._send, daemon=True)
        self.thread.start()

    def put(self, message: tuple, *, chunk: bool = False) -> None:
        if chunk:
            while not self.room.acquire(timeout=0.5):
                self._check()
        self._check()
        self.waiting.put((ForkingPickler.dumps(message), chunk))

    def close(self) -> None:
        self.waiting.put(None)
        self.thread.join()

    def _check(self) -> None:
        if self.failed is not None:
            raise self.failed

    def _send(self) -> None:
        while (item := self.waiting.get()) is not None:
            data, chunk = item
            try:
                if self.failed is None:
                    self.connection.send_bytes(data)
            except OSError as error:  # the run's process is gone
                self.failed = error
            if chunk:
                self.room.release()
