"""The daily run: decide what is due today and record it in the outbox, exactly once.

- Only invoices whose `next_step_on` has come (or is empty: new or changed) are read.
- Clients are handled in chunks; each chunk's actions, their effects (holds, work stops,
  broken promises and plans) and the invoices' next look are written in one transaction,
  so a run killed at any point leaves whole chunks behind, and running again finishes the
  rest: the actions already recorded are part of the next snapshot, and every action's
  key is unique, so none is recorded twice.
- One run per organization at a time: a second one exits with a clear message (a
  PostgreSQL advisory lock, or a lock file beside the SQLite database; both are released
  by the operating system if the process dies).
- A run for a day earlier than the last run is refused.

Each chunk is read and decided (`owed.dunning.prepare`: the snapshot, `decide_fast`, the
rows to write), then written (`owed.dunning.write`). A big run decides its chunks in a
second process while this one writes (`owed.dunning.aside`), and tunes its connection
(`owed.dunning.tuning`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from owed.core import decide as core
from owed.dunning import aside, prepare, snapshot, write
from owed.dunning.models import Plan, Promise, Run
from owed.dunning.tuning import tuned
from owed.errors import OwedError
from owed.ledger.models import Invoice, Organization
from owed.ledger.selectors import annotate_balance

CHUNK_CLIENTS = 5000
Progress = Callable[[int, int], None]


@dataclass
class RunReport:
    as_of: date
    dry_run: bool
    invoices_looked_at: int = 0
    recorded_count: int = 0
    """How many actions this run decided (for a dry run: would decide)."""
    recorded: list[core.Action] = field(default_factory=list)
    """Those actions, when the run was asked to keep them (`keep_actions`)."""
    keep_actions: bool = True
    problems: list[core.Problem] = field(default_factory=list)


def last_run_day(organization: Organization) -> date | None:
    return Run.objects.filter(organization=organization).aggregate(d=Max("as_of"))["d"]


def collections_run(
    *,
    organization: Organization,
    as_of: date,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk_clients: int = CHUNK_CLIENTS,
    keep_actions: bool = True,
) -> RunReport:
    """Decide and record the actions due on `as_of` for the organization.

    With `keep_actions` False, the report counts the actions but does not hold them, so a
    first run over a large ledger (millions of catch-up records) stays in bounded memory.
    """
    last = last_run_day(organization)
    if last is not None and as_of < last:
        raise OwedError(
            f"the last run was for {last}; a run for an earlier day ({as_of}) is refused, "
            "since it would decide again what later runs already decided"
        )
    report = RunReport(as_of=as_of, dry_run=dry_run, keep_actions=keep_actions)
    lock = contextlib.nullcontext() if dry_run else run_lock(organization)
    with lock, contextlib.ExitStack() as stack:
        run = None
        if not dry_run:
            Run.objects.filter(organization=organization, status=Run.Status.RUNNING).update(
                status=Run.Status.INTERRUPTED
            )
            run = Run.objects.create(organization=organization, as_of=as_of)
        policies = snapshot.policies(organization)
        # The due invoices, by client: each chunk then reads just those, not every invoice
        # of its clients.
        due = snapshot.due_invoices(organization, as_of)
        due_count = sum(map(len, due.values()))
        stack.enter_context(tuned(big=due_count >= BIG_RUN))
        total = len(due) + 1
        work = prepare.Chunks(
            organization_id=organization.pk,
            as_of=as_of,
            due=due,
            chunk_clients=chunk_clients,
            keep_actions=keep_actions,
            run_id=run.pk if run is not None else None,
        )

        def here(index: int) -> prepare.Prepared:
            return work.decide(organization, policies, index)

        chunks: Iterable[prepare.Prepared] = map(here, range(len(work.clients)))
        if (
            run is not None
            and len(work.clients) > 1
            and due_count >= aside.split_from()
            and aside.possible()
        ):
            # The first chunk here while the second process starts; the others shared.
            second = stack.enter_context(aside.Aside(work, first=1))
            chunks = second.share(work.sizes(), here)
        done = 0
        for prepared in chunks:
            _take(report, prepared, organization, run)
            done += prepared.clients
            if progress:
                progress(done, total)
        # Only the holds and stops to lift, and their clients: the decision all of them
        # would give, without reading every client on hold.
        lift = snapshot.holds_snapshot(organization, as_of, to_lift_only=True)
        decision = core.decide(as_of, lift, policies[0])
        lifts = prepare.rows(
            organization, decision, None, as_of, keep_actions=keep_actions, run_id=work.run_id
        )
        _take(report, lifts, organization, run)
        if run is not None:
            settle_agreements(organization)
        if progress:
            progress(total, total)
        if run is not None:
            run.status = Run.Status.DONE
            run.finished_at = timezone.now()
            run.invoices_looked_at = report.invoices_looked_at
            run.actions_recorded = report.recorded_count
            run.save(
                update_fields=["status", "finished_at", "invoices_looked_at", "actions_recorded"]
            )
    return report


BIG_RUN = 10_000
"""Due invoices from which a run on SQLite takes a larger page cache (`tuning.tuned`)."""


def settle_agreements(organization: Organization) -> None:
    """Open promises and active plans whose invoices are all paid are kept or completed."""
    owing = annotate_balance(Invoice.objects.filter(written_off_on=None)).filter(balance__gt=0)
    Promise.objects.filter(organization=organization, status=Promise.Status.OPEN).exclude(
        Exists(owing.filter(promises=OuterRef("pk")))
    ).update(status=Promise.Status.KEPT)
    Plan.objects.filter(organization=organization, status=Plan.Status.ACTIVE).exclude(
        Exists(owing.filter(plans=OuterRef("pk")))
    ).update(status=Plan.Status.COMPLETED)


def _take(
    report: RunReport, prepared: prepare.Prepared, organization: Organization, run: Run | None
) -> None:
    report.invoices_looked_at += prepared.looked_at
    report.recorded_count += prepared.decided
    if report.keep_actions:
        report.recorded.extend(prepared.actions)
    report.problems.extend(prepared.problems)
    if run is not None:
        write.write(organization, run, prepared, report.as_of)


# --- one run at a time --------------------------------------------------------------------


@contextlib.contextmanager
def run_lock(organization: Organization) -> Iterator[None]:
    """Hold the organization's run lock, or raise OwedError if another run holds it."""
    busy = OwedError(
        f"another collections run for {organization.slug} is in progress; "
        "wait for it to finish and run again"
    )
    if connection.vendor == "postgresql":
        key = zlib.crc32(b"owed.run") & 0x7FFFFFFF
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [key, organization.pk])
            if not cursor.fetchone()[0]:
                raise busy
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [key, organization.pk])
        return
    name = str(settings.DATABASES["default"]["NAME"])
    if name.startswith("file:") or name == ":memory:":
        # An in-memory database lives in this process only: so does its lock.
        digest = zlib.crc32(name.encode())
        path = (
            Path(tempfile.gettempdir())
            / f"owed-{digest:x}-{os.getpid()}.run-{organization.pk}.lock"
        )
    else:
        path = Path(f"{name}.run-{organization.pk}.lock")
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy from None
        yield
    finally:
        os.close(handle)
