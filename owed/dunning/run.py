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
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from owed.core import decide as core
from owed.dunning import snapshot
from owed.dunning.models import Action, ActionLine, Hold, Plan, Promise, Run, WorkStop
from owed.errors import OwedError
from owed.ledger.fields import to_hundredths
from owed.ledger.models import Invoice, Organization
from owed.ledger.selectors import annotate_balance

CHUNK_CLIENTS = 2000
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
        default, by_name = snapshot.policies(organization)
        # The due invoices, by client: each chunk then reads just those, not every invoice
        # of its clients (`snapshot.build` for the clients `snapshot.due_clients` lists).
        due = snapshot._due(organization, as_of)
        stack.enter_context(_tuned(big=sum(map(len, due.values())) >= BIG_RUN))
        clients = sorted(due)
        total = len(clients) + 1
        for start in range(0, len(clients), chunk_clients):
            chunk = clients[start : start + chunk_clients]
            invoice_ids = [i for c in chunk for i in due.pop(c)]
            snap = snapshot._build(organization, as_of, chunk, by_name, invoice_ids)
            decision = core.decide(as_of, snap, default)
            report.invoices_looked_at += len(snap.invoices)
            _take(report, decision, snap, organization, run)
            if progress:
                progress(start + len(chunk), total)
        # Only the holds and stops to lift, and their clients: the decision
        # `snapshot.holds_snapshot` would give, without reading every client on hold.
        lift = snapshot._holds_snapshot(organization, as_of, to_lift_only=True)
        decision = core.decide(as_of, lift, default)
        _take(report, decision, None, organization, run)
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


SQLITE_CACHE_KIB = 64 * 1024
BIG_RUN = 10_000
"""Due invoices from which a run on SQLite takes a larger page cache (`_tuned`)."""


@contextlib.contextmanager
def _tuned(*, big: bool) -> Iterator[None]:
    """The connection tuned for the run, then as it was.

    PostgreSQL: no JIT compilation. The run's queries are many and short; their estimated
    costs (correlated subqueries over large tables) pass `jit_above_cost`, and compiling
    took longer than running them (0.8 s instead of 0.1 s for the holds query at 100,000
    invoices, whatever the number of invoices due that day).
    SQLite, for a `big` run: a 64 MiB page cache (the default is 2 MiB): a large run
    inserts into indexes of millions of rows, and with the small cache every insert reads
    its path of index pages from the operating system again.
    """
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
    report: RunReport,
    decision: core.Decision,
    snap: core.Snapshot | None,
    organization: Organization,
    run: Run | None,
) -> None:
    report.recorded_count += len(decision.actions)
    if report.keep_actions:
        report.recorded.extend(decision.actions)
    report.problems.extend(decision.problems)
    if run is None:
        return
    with transaction.atomic():
        record(organization, run, decision.actions, snap, report.as_of)
        _next_looks(decision.next_step_on)


def record(
    organization: Organization,
    run: Run | None,
    actions: tuple[core.Action, ...] | list[core.Action],
    snap: core.Snapshot | None,
    as_of: date,
) -> dict[str, int]:
    """Write the actions (heads first, then those merged into them) and their effects.

    Returns the ids of the actions written, by key. An action whose key is already taken
    is left as it was (an insert that ignores conflicts): the unique key is the last guard
    against recording a step twice.

    Rows are written with plain multi-row inserts (no model instances: a first run writes
    several actions per invoice); each distinct moment and day is converted once.
    """
    if not actions:
        return {}
    zones = {c.id: c.tz for c in snap.clients.values()} if snap else {}
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    decided_on = ops.adapt_datefield_value(as_of)
    moments: dict[datetime, object] = {}
    channel_text: dict[tuple[core.Channel, ...], str] = {}
    run_id = run.pk if run is not None else None
    ladder = core.Kind.LADDER
    ids: dict[str, int] = {}
    last = None
    heads = [a for a in actions if a.merged_into is None]
    merged = [a for a in actions if a.merged_into is not None]
    for batch in (heads, merged):
        if not batch:
            continue
        rows = []
        for a in batch:
            at = a.scheduled_for
            moment = moments.get(at)
            if moment is None:
                moment = moments[at] = ops.adapt_datetimefield_value(at)
            channels = channel_text.get(a.channels)
            if channels is None:
                channels = channel_text[a.channels] = ",".join(c.value for c in a.channels)
            rows.append(
                (
                    organization.pk,
                    run_id,
                    a.key,
                    a.kind.value,
                    a.client_id,
                    a.subject_id if a.kind is ladder else None,
                    a.subject_id,
                    a.step,
                    channels,
                    a.status.value,
                    decided_on,
                    moment,
                    zones.get(a.client_id) or str(at.tzinfo),
                    ids.get(a.merged_into) if a.merged_into else None,
                    a.reason[:200],
                    "",
                    now,
                    now,
                )
            )
        found, last = _insert_actions(rows, run_id, {a.key for a in batch}, last)
        ids.update(found)
    _insert(
        ActionLine,
        ("action_id", "invoice_id", "days_overdue", "balance"),
        [
            (ids[a.key], line.invoice_id, line.days_overdue, to_hundredths(line.balance))
            for a in actions
            if a.key in ids
            for line in a.lines
        ],
    )
    _effects(organization, [a for a in actions if a.key in ids], snap, as_of)
    return ids


_ACTION_COLUMNS = (
    "organization_id",
    "run_id",
    "key",
    "kind",
    "client_id",
    "invoice_id",
    "subject_id",
    "step",
    "channels",
    "status",
    "decided_on",
    "scheduled_for",
    "timezone",
    "merged_into_id",
    "reason",
    "note",
    "created_at",
    "updated_at",
)


def _insert_actions(
    rows: list[tuple], run_id: int | None, keys: set[str], last: int | None
) -> tuple[dict[str, int], int | None]:
    """Insert action rows, skipping any whose key is taken: the ids of those inserted, and
    (SQLite) the highest id seen, the `last` of the next batch.

    PostgreSQL returns the rows it inserted (`RETURNING`). On SQLite the new rows are the
    ones above `last`, the highest id before the insert, that belong to this run and carry
    one of `keys` (a concurrent writer's rows, if any, are told apart by their run and
    key): a range read of the primary key, not a lookup per key."""
    if connection.vendor == "postgresql":
        returned = _insert(Action, _ACTION_COLUMNS, rows, ignore_conflicts=True, returning=True)
        return dict(returned), last
    quote = connection.ops.quote_name
    table = quote(Action._meta.db_table)
    with connection.cursor() as cursor:
        if last is None:
            cursor.execute(f"SELECT MAX({quote('id')}) FROM {table}")
            last = cursor.fetchone()[0] or 0
        _insert(Action, _ACTION_COLUMNS, rows, ignore_conflicts=True)
        cursor.execute(
            f"SELECT {quote('key')}, {quote('id')}, {quote('run_id')} FROM {table} "
            f"WHERE {quote('id')} > %s",
            [last],
        )
        found = {}
        for key, pk, row_run in cursor.fetchall():
            last = max(last, pk)
            if row_run == run_id and key in keys:
                found[key] = pk
        return found, last


def _insert(
    model,
    columns: tuple[str, ...],
    rows: list[tuple],
    ignore_conflicts: bool = False,
    returning: bool = False,
) -> list[tuple]:
    """Insert plain rows (columns by attname; the others are NULL), 10,000 at a time.

    SQLite: one prepared INSERT run for every row (`executemany`, a loop in C).
    PostgreSQL: one INSERT ... SELECT FROM unnest(one array per column) per batch, instead
    of a statement per row; with `returning`, the (key, id) of the rows inserted."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = ", ".join(quote(fields[c].column) for c in columns)
    table = quote(model._meta.db_table)
    postgres = connection.vendor == "postgresql"
    if postgres:
        arrays = ", ".join(f"%s::{fields[c].db_type(connection)}[]" for c in columns)
        sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})"
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        if returning:
            sql += f" RETURNING {quote('key')}, {quote('id')}"
    else:
        marks = ", ".join(["%s"] * len(columns))
        verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
        sql = f"{verb} INTO {table} ({names}) VALUES ({marks})"
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            batch = rows[start : start + 10_000]
            if postgres:
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
                if returning:
                    found += cursor.fetchall()
            else:
                cursor.executemany(sql, batch)
    return found


def _effects(
    organization: Organization,
    actions: list[core.Action],
    snap: core.Snapshot | None,
    as_of: date,
) -> None:
    """Holds, work stops, broken promises and plans, lifted holds: what the actions mean."""
    happening = [a for a in actions if a.status in (core.Status.PLANNED, core.Status.MERGED)]
    since = connection.ops.adapt_datefield_value(as_of)
    hold_clients = {a.client_id for a in happening if a.step == core.CREDIT_HOLD}
    if hold_clients:
        held = set(
            Hold.objects.filter(
                snapshot.among("client_id", hold_clients), lifted_on=None
            ).values_list("client_id", flat=True)
        )
        _insert(
            Hold,
            ("organization_id", "client_id", "since"),
            [(organization.pk, c, since) for c in sorted(hold_clients - held)],
        )
    stop_invoices = {a.subject_id for a in happening if a.step == core.WORK_STOP}
    if stop_invoices:
        contracts = set(
            Invoice.objects.filter(pk__in=stop_invoices, contract__isnull=False).values_list(
                "contract_id", flat=True
            )
        )
        stopped = set(
            WorkStop.objects.filter(contract_id__in=contracts, lifted_on=None).values_list(
                "contract_id", flat=True
            )
        )
        _insert(
            WorkStop,
            ("organization_id", "contract_id", "since"),
            [(organization.pk, c, since) for c in sorted(contracts - stopped)],
        )
    by_kind: dict[core.Kind, list[int]] = defaultdict(list)
    for a in happening:
        by_kind[a.kind].append(a.subject_id)
    if by_kind[core.Kind.BROKEN_PROMISE]:
        Promise.objects.filter(pk__in=by_kind[core.Kind.BROKEN_PROMISE]).update(
            status=Promise.Status.BROKEN
        )
    if by_kind[core.Kind.PLAN_BROKEN] and snap is not None:
        plans = {p.id: p for p in snap.plans}
        broken: dict[date, list[int]] = defaultdict(list)
        for plan_id in by_kind[core.Kind.PLAN_BROKEN]:
            day = core.plan_break_day(plans[plan_id]) if plan_id in plans else as_of
            broken[day].append(plan_id)
        for day, plan_ids in broken.items():
            Plan.objects.filter(pk__in=plan_ids).update(status=Plan.Status.BROKEN, broken_on=day)
    if by_kind[core.Kind.HOLD_LIFTED]:
        Hold.objects.filter(pk__in=by_kind[core.Kind.HOLD_LIFTED]).update(lifted_on=as_of)
    if by_kind[core.Kind.WORK_RESUMED]:
        WorkStop.objects.filter(pk__in=by_kind[core.Kind.WORK_RESUMED]).update(lifted_on=as_of)


def _next_looks(next_step_on: dict[int, date]) -> None:
    """Store each invoice's next look, one UPDATE per distinct day."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for invoice_id, day in next_step_on.items():
        by_day[day].append(invoice_id)
    for day, invoice_ids in by_day.items():
        invoice_ids.sort()
        Invoice.objects.filter(snapshot.among("pk", invoice_ids)).update(next_step_on=day)


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
