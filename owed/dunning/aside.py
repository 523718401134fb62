"""Deciding a big daily run in a second process while the run's own process writes.

A run with many invoices due (`split_from`, 25,000 by default; `OWED_RUN_SPLIT` sets it)
on a database file or PostgreSQL hands the reading and deciding of its chunks, from the
second one on, to a second process; the run's process decides the first chunk itself while
the second one starts. The second process is started fresh (no database connection is
shared across a fork), reads with a connection of its own, and sends each chunk prepared
(`owed.dunning.prepare`) through a pipe; the run's process writes them in order, one
transaction each, exactly as it writes the chunks it decides itself. On two cores, reading
and deciding a chunk overlaps with writing the one before; the pipe holds at most about
one chunk, so the second process never runs far ahead. Starting it (Python and Django)
takes about half a second of processor time, which only a big run wins back.

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
import subprocess
import sys
import traceback
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from owed.dunning.prepare import Prepared

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


class Aside:
    """The second process, deciding the run's chunks from the `first`th on; iterate it for
    them, in order. Used as a context manager: the process is stopped on the way out."""

    def __init__(
        self,
        *,
        organization_id: int,
        as_of: date,
        due: dict[int, list[int]],
        chunk_clients: int,
        keep_actions: bool,
        first: int,
    ) -> None:
        self.arguments = (organization_id, as_of, due, chunk_clients, keep_actions, first)
        self.process: subprocess.Popen | None = None
        self.receiving = None

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

    def __iter__(self) -> Iterator[Prepared]:
        from owed.errors import OwedError

        with contextlib.suppress(OSError):  # the child is gone: said below
            self.receiving.send(self.arguments)
        while True:
            try:
                what, payload = self.receiving.recv()
            except (EOFError, OSError):
                what, payload = "error", "it stopped before it had decided every chunk"
            if what == "chunk":
                yield payload
            elif what == "done":
                return
            else:
                # What was written so far stays; the next run finishes the rest.
                raise OwedError(
                    f"the collections run's second process failed ({payload}); "
                    "what was recorded so far is kept: run again to finish"
                )

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


def _decide(
    sending,
    organization_id: int,
    as_of: date,
    due: dict[int, list[int]],
    chunk_clients: int,
    keep_actions: bool,
    first: int,
) -> None:
    """The second process: decide the chunks and send them, then "done" (or "error")."""
    try:
        from owed.dunning import prepare, snapshot
        from owed.ledger.models import Organization

        organization = Organization.objects.get(pk=organization_id)
        policies = snapshot.policies(organization)
        clients = prepare.cut(due, chunk_clients)[first:]
        for chunk in prepare.chunks(
            organization, as_of, due, policies, clients, keep_actions=keep_actions
        ):
            sending.send(("chunk", chunk))
        sending.send(("done", None))
    except (BrokenPipeError, ConnectionResetError):
        return  # the run's process is gone: nothing to send to
    except BaseException as error:
        traceback.print_exc()  # the whole story on the run's standard error
        with contextlib.suppress(OSError):
            sending.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sending.close()
