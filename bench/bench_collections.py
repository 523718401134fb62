"""Benchmark: the daily collections run over a large ledger.

Run: `uv run python bench/bench_collections.py --invoices 1000000 [--database postgres]`.
Generates N/10 clients with N open invoices due over the 180 days before the start day
(a quarter of them partly paid; a few promises, disputes, snoozes, plans and client replies),
written set-based (executemany on SQLite, COPY on PostgreSQL) straight into a scratch
database: a SQLite file in a temporary folder, or a PostgreSQL database created on the
`--server` (default postgres://postgres@127.0.0.1:5432) and dropped at the end. Then it
measures, each step in a fresh process as `owed run` is:

1. the first run: every invoice's next look is empty, so every invoice is read and decided,
   and its whole catch-up history (the step due now, the earlier ones skipped) is recorded;
2. `--days` steady-state daily runs; before each (untimed) a day's churn: N/180 new invoices
   issued, N/180 open invoices paid in full and so looked at again, as the ledger does;
3. `owed.dunning.services.policy_save` of an edited default policy, then the next day's run:
   the full re-evaluation after a policy change (every invoice read again; the steps already
   taken stay taken); then one more daily run.

Before each timed run the disk is synced and, on PostgreSQL, ANALYZE brings the statistics
up to date (as autovacuum would have by the next day). Prints one line per run: wall time of
`collections_run`, invoices looked at, actions recorded, time per invoice looked at, and the
process's peak resident memory (ru_maxrss: the whole process, Django included). The targets
are the issue's, for 1,000,000 invoices, and are checked only at that size (exit status 1
if one is missed); docs/benchmarks.md has the results. `--profile DIR` writes a cProfile file
per step; `--keep` keeps the scratch database; on SQLite, `--save-first DIR` keeps a copy of
the database after the first run and `--from-first DIR` starts from it (the first run at
1,000,000 invoices takes several minutes).

Each line also gives the run's processor time (both processes when a big run decides in a
second one, see owed.dunning.aside), the bytes its process wrote (Linux: the write-ahead
log and the checkpoints into the database file), and the peak resident memory of the run's
process plus that of its second process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

START = date(2026, 11, 23)  # a Monday
SPREAD_DAYS = 180
TARGETS = {  # for 1,000,000 invoices (the issue); checked only at that size and above
    "steady": 5.0,  # seconds, a daily run
    "memory": 500.0,  # MB peak resident, a daily run
    "full": 60.0,  # seconds, every invoice evaluated (first run, re-evaluation)
}
COUNTRIES = (  # (share, country, currency, kind, amount in hundredths: low, high)
    (0.60, "VN", "VND", "business", 1_000_000_00, 500_000_000_00),
    (0.10, "TH", "THB", "business", 1_000_00, 500_000_00),
    (0.10, "TH", "THB", "individual", 500_00, 50_000_00),
    (0.10, "IR", "IRR", "business", 10_000_000_00, 900_000_000_00),
    (0.10, "GB", "GBP", "business", 2_00, 20_000_00),
)


def _own_peak_mb() -> float:
    """This process's peak resident memory: VmHWM where Linux gives it (ru_maxrss counts
    the memory of the process that started this one too), else ru_maxrss."""
    peak = _peak_kb(os.getpid())
    return (peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


# --- the orchestrator (no Django here) ----------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server for --database postgres (a scratch database is made there)",
    )
    parser.add_argument("--days", type=int, default=7, help="steady-state days after the first")
    parser.add_argument("--profile", metavar="DIR", help="write a cProfile file per step here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--save-first",
        metavar="DIR",
        help="SQLite: keep a copy of the database after the first run in DIR",
    )
    parser.add_argument(
        "--from-first",
        metavar="DIR",
        help="SQLite: start from the copy --save-first kept (no generation, no first run)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--day", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args)
    if (args.save_first or args.from_first) and args.database != "sqlite":
        parser.error("--save-first and --from-first are for SQLite")

    work = Path(tempfile.mkdtemp(prefix="owed-bench-collections-"))
    env = dict(os.environ, OWED_DATA_DIR=str(work / "data"), DJANGO_SETTINGS_MODULE="owed.settings")
    env.pop("DATABASE_URL", None)
    # As an installed owed runs: modules compiled once and their bytecode kept, not compiled
    # again in every step's process (some environments set this to keep trees clean).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    scratch = None
    if args.database == "postgres":
        scratch = f"owed_bench_{os.getpid()}"
        _postgres(args.server, f'CREATE DATABASE "{scratch}"')
        env["DATABASE_URL"] = f"{args.server.rstrip('/')}/{scratch}"
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)

    def child(step: str, day: date | None = None) -> dict:
        command = [sys.executable, __file__, "--child", step, "--invoices", str(args.invoices)]
        if day is not None:
            command += ["--day", day.isoformat()]
        if args.profile:
            command += ["--profile", args.profile]
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
            aside = _watch(process)
            out.seek(0)
            err.seek(0)
            done = subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"step {step} {day or ''} failed")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        # The step's own peak, plus that of the processes it started (a big run decides in
        # a second process, see owed.dunning.aside; SQLite checkpoints in a small third one).
        result["peak_mb"] += aside
        return result

    n = args.invoices
    checked = n >= 1_000_000  # the targets are stated for 1,000,000 invoices
    failures = 0
    results: list[dict] = []

    def show(name: str, out: dict, kind: str) -> None:
        """One line per run; `kind` is "full" or "steady" (which target applies)."""
        nonlocal failures
        verdict = ""
        if checked:
            ok = out["seconds"] <= TARGETS[kind]
            if kind == "steady":
                ok = ok and out["peak_mb"] <= TARGETS["memory"]
            failures += not ok
            verdict = "ok" if ok else "MISSED"
        looked = out.get("looked_at", 0)
        per = out["seconds"] / looked * 1e6 if looked else 0.0
        print(
            f"{name:30s} {out['seconds']:8.2f} s  looked at {looked:>9,}  "
            f"recorded {out.get('recorded', 0):>10,}  {per:6.0f} µs/invoice  "
            f"cpu {out.get('cpu_seconds', 0):6.2f} s  written {out.get('written_mb', 0):6.0f} MB  "
            f"peak {out['peak_mb']:5.0f} MB  {verdict}",
            flush=True,
        )
        results.append({"step": name, "kind": kind, **out, "verdict": verdict})

    try:
        print(f"database: {args.database}; {n:,} invoices, {max(1, n // 10):,} clients", flush=True)
        data = work / "data"
        if args.from_first:
            data.mkdir(parents=True)
            for part in Path(args.from_first).glob("owed.sqlite3*"):
                shutil.copy2(part, data / part.name)
            child("migrate")
            print(f"from the database after the first run, in {args.from_first}", flush=True)
        else:
            made = child("generate")
            print(
                f"generated in {made['seconds']:.1f} s: "
                + ", ".join(f"{v:,} {k}" for k, v in made["counts"].items()),
                flush=True,
            )
            show(f"first run {START}", child("run", START), "full")
        if args.save_first:
            keep = Path(args.save_first)
            keep.mkdir(parents=True, exist_ok=True)
            for part in data.glob("owed.sqlite3*"):
                shutil.copy2(part, keep / part.name)
        for d in range(1, args.days + 1):
            day = START + timedelta(days=d)
            child("churn", day)
            show(f"daily run {day} ({day:%a})", child("run", day), "steady")
        policy_day = START + timedelta(days=args.days + 1)
        saved = child("policy", policy_day)
        print(
            f"{'policy_save (edited default)':30s} {saved['seconds']:8.2f} s  "
            f"invoices to look at again: {saved['reset']:,}",
            flush=True,
        )
        show(f"re-evaluation {policy_day}", child("run", policy_day), "full")
        after = policy_day + timedelta(days=1)
        child("churn", after)
        show(f"daily run {after} ({after:%a})", child("run", after), "steady")
        counts = child("count")
        print(
            "stored: " + ", ".join(f"{v:,} {k}" for k, v in counts["counts"].items()),
            flush=True,
        )
    finally:
        if scratch and not args.keep:
            _postgres(args.server, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        if args.keep:
            print(f"kept: {env.get('DATABASE_URL') or work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    steady = [r["seconds"] for r in results if r["kind"] == "steady"]
    if steady:
        print(
            f"steady-state runs: median {sorted(steady)[len(steady) // 2]:.2f} s, max {max(steady):.2f} s"
        )
    print(json.dumps({"invoices": n, "database": args.database, "steps": results}))
    return 1 if failures else 0


def _peak_kb(pid: int) -> int:
    """The peak resident memory of a running process (Linux: VmHWM), 0 if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _watch(process: subprocess.Popen) -> float:
    """Wait for a step's process; the highest sum of its descendants' peak memory seen
    while it ran, in MB (sampled every 50 ms from here, not from the measured process;
    Linux only, 0 elsewhere). Their own peaks are read rather than the step's rusage of its
    children, which counts the step's own memory again for each process it starts."""
    highest = 0
    peaks: dict[int, int] = {}
    while process.poll() is None:
        if Path("/proc/self/status").exists():
            for pid in _descendants(process.pid):
                peaks[pid] = max(peaks.get(pid, 0), _peak_kb(pid))
            highest = max(highest, sum(peaks.values()))
        time.sleep(0.05)
    return highest / 1024


def _postgres(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(sql)


# --- the steps, each in its own process ---------------------------------------------------


def _child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    if args.child in ("generate", "migrate"):
        call_command("migrate", verbosity=0)
    from owed.ledger.models import Organization

    day = date.fromisoformat(args.day) if args.day else None
    if args.child == "generate":
        t0 = time.perf_counter()
        counts = _generate(args.invoices)
        out = {"seconds": time.perf_counter() - t0, "counts": counts}
    elif args.child == "count":
        out = {"seconds": 0.0, "counts": _counts()}
    elif args.child == "migrate":
        out = {"seconds": 0.0}
    else:
        org = Organization.objects.get(slug="bench")
        fn = {"run": _run, "churn": _churn, "policy": _policy}[args.child]
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            out = profiler.runcall(fn, org, day, args.invoices)
            profiler.dump_stats(Path(args.profile) / f"{args.child}-{day}.prof")
        else:
            out = fn(org, day, args.invoices)
    out["peak_mb"] = _own_peak_mb()
    print(json.dumps(out, default=str))
    return 0


def _run(org, day: date, invoices: int) -> dict:
    from django.db import connection

    from owed.cli_collections import _chunk_option  # OWED_RUN_CHUNK, as `owed run` reads it
    from owed.dunning.run import collections_run

    if connection.vendor == "postgresql":
        # As autovacuum would have by the next day: statistics that know the last run's rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    os.sync()  # the churn's writes go to disk now, not during the run's first commit
    io = _io()
    t0, c0 = time.perf_counter(), _cpu()
    report = collections_run(organization=org, as_of=day, keep_actions=False, **_chunk_option())
    seconds = time.perf_counter() - t0
    written = _io().get("wchar", 0) - io.get("wchar", 0)
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu() - c0,
        "written_mb": written / 2**20,
        "looked_at": report.invoices_looked_at,
        "recorded": report.recorded_count,
        "problems": len(report.problems),
    }


def _cpu() -> float:
    """Processor time of this process and of its children that have ended, in seconds."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _io() -> dict[str, int]:
    """The process's input and output so far (Linux: /proc/self/io), in bytes by kind."""
    try:
        text = Path("/proc/self/io").read_text()
    except OSError:
        return {}
    return {k: int(v) for k, v in (line.split(": ") for line in text.splitlines())}


def _policy(org, day: date, invoices: int) -> dict:
    from dataclasses import replace
    from decimal import Decimal

    from owed.core.ladder import STANDARD
    from owed.dunning.services import policy_save
    from owed.ledger.models import Invoice

    retimed = {"invoice_copy": 8, "call": 12}
    edited = replace(
        STANDARD,
        name="house",
        steps=tuple(
            replace(s, offset_days=retimed.get(s.code, s.offset_days)) for s in STANDARD.steps
        ),
        minimum_balances=(("GBP", Decimal(5)),),
    )
    t0 = time.perf_counter()
    policy_save(organization=org, policy=edited)
    seconds = time.perf_counter() - t0
    reset = Invoice.objects.filter(organization=org, next_step_on=None).count()
    return {"seconds": seconds, "reset": reset}


# --- data ---------------------------------------------------------------------------------


class _Writer:
    """Set-based inserts: COPY on PostgreSQL, executemany in one transaction on SQLite.

    Rows give the listed columns; every other column gets its field's default (or now, for
    the creation times)."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.now = datetime.now(UTC).replace(microsecond=0)

    def insert(self, model, columns: list[str], rows, batch: int = 50_000) -> int:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        pk = model._meta.pk.attname  # left to the database unless given
        rest = [name for name in fields if name not in columns and name != pk]
        constants = []
        for name in rest:
            f = fields[name]
            value = (
                self.now
                if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
                else f.get_default()
            )
            constants.append(f.get_db_prep_save(value, self.connection))
        constants = tuple(constants)
        table = model._meta.db_table
        names = ", ".join(
            self.connection.ops.quote_name(fields[c].column) for c in [*columns, *rest]
        )
        count = 0
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + constants)
                        count += 1
                return count
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * (len(columns) + len(rest)))})"
            buffer = []
            for row in rows:
                buffer.append(row + constants)
                if len(buffer) >= batch:
                    cursor.executemany(sql, buffer)
                    count += len(buffer)
                    buffer = []
            if buffer:
                cursor.executemany(sql, buffer)
                count += len(buffer)
        return count

    def day(self, d: date):
        return d if self.postgres else d.isoformat()


def _generate(invoices: int) -> dict[str, int]:
    from django.core.management.color import no_style
    from django.db import transaction

    from owed.dunning.models import (
        Dispute,
        Instalment,
        Interaction,
        Plan,
        Promise,
        Snooze,
    )
    from owed.ledger.models import Allocation, Client, Contract, Invoice, Organization, Payment

    rng = random.Random(7)
    writer = _Writer()
    day = writer.day
    org = Organization.objects.create(
        name="Bench", slug="bench", country="VN", currency="VND", timezone="Asia/Ho_Chi_Minh"
    )
    o = org.pk
    n_clients = max(1, invoices // 10)
    profile = []  # per client: (country, currency, kind, low, high)
    cumulative = []
    total = 0.0
    for share, *rest in COUNTRIES:
        total += share
        cumulative.append((total, tuple(rest)))
    for _ in range(n_clients):
        x = rng.random()
        profile.append(
            next(p for limit, p in cumulative if x < limit or limit == cumulative[-1][0])
        )
    counts: dict[str, int] = {}
    with transaction.atomic():
        counts["clients"] = writer.insert(
            Client,
            ["id", "organization_id", "code", "name", "kind", "country", "language", "currency"],
            (
                (c + 1, o, f"C{c:07d}", f"Client {c}", p[2], p[0], "en", p[1])
                for c, p in enumerate(profile)
            ),
        )
        # One contract per ten clients; half of them with a work-stop clause.
        contract_of = {c: c // 10 + 1 for c in range(0, n_clients, 10)}
        counts["contracts"] = writer.insert(
            Contract,
            [
                "id",
                "organization_id",
                "client_id",
                "code",
                "title",
                "currency",
                "work_stop_grace_days",
                "price",
            ],
            (
                (k, o, c + 1, f"K{k:07d}", f"Contract {k}", profile[c][1], 30 if k % 2 else None, 0)
                for c, k in contract_of.items()
            ),
        )
        invoice_rows: list[tuple[int, int, int]] = []  # (id, client, total) of the partly paid

        def invoice_gen():
            for i in range(invoices):
                c = i % n_clients
                p = profile[c]
                # Ids follow issue dates, as in a ledger that issues its invoices over time:
                # the oldest due first, evenly over the spread.
                rng.randrange(SPREAD_DAYS)  # (the random due date of earlier versions)
                due = START - timedelta(days=SPREAD_DAYS - 1 - i * SPREAD_DAYS // invoices)
                amount = rng.randrange(p[3], p[4]) // 100 * 100
                contract = contract_of.get(c) if rng.random() < 0.5 else None
                if rng.random() < 0.25:
                    invoice_rows.append((i + 1, c + 1, amount))
                yield (
                    i + 1, o, c + 1, contract, f"INV-{i:08d}", day(due - timedelta(days=30)),
                    day(due), p[1], amount,
                )  # fmt: skip

        counts["invoices"] = writer.insert(
            Invoice,
            [
                "id",
                "organization_id",
                "client_id",
                "contract_id",
                "number",
                "issue_date",
                "due_date",
                "currency",
                "total",
            ],
            invoice_gen(),
        )
        paid = [
            (i, c, total * rng.randrange(10, 90) // 100 // 100 * 100)
            for i, c, total in invoice_rows
        ]
        counts["payments"] = writer.insert(
            Payment,
            ["id", "organization_id", "client_id", "key", "date", "amount", "currency"],
            (
                (
                    n + 1,
                    o,
                    c,
                    f"P{n:08d}",
                    day(START - timedelta(days=1)),
                    amount,
                    profile[c - 1][1],
                )
                for n, (_, c, amount) in enumerate(paid)
            ),
        )
        writer.insert(
            Allocation,
            ["id", "organization_id", "payment_id", "invoice_id", "amount"],
            ((n + 1, o, n + 1, i, amount) for n, (i, _, amount) in enumerate(paid)),
        )
        invoice_rows.clear()
        paid.clear()

        # A few of everything else the run reads: promises, disputes, snoozes, plans, replies.
        def some(share: float) -> list[int]:
            return sorted(rng.sample(range(n_clients), max(1, int(n_clients * share))))

        def invoice_of(c: int, k: int = 0) -> int:
            return c + 1 + k * n_clients  # the client's k-th invoice (i % n_clients == c)

        per_client = max(1, invoices // n_clients)
        promised = some(0.005)
        counts["promises"] = writer.insert(
            Promise,
            ["id", "organization_id", "client_id", "made_on", "until"],
            (
                (
                    n + 1,
                    o,
                    c + 1,
                    day(START - timedelta(days=5)),
                    day(START + timedelta(days=n % 10)),
                )
                for n, c in enumerate(promised)
            ),
        )
        writer.insert(
            Promise.invoices.through,
            ["promise_id", "invoice_id"],
            (
                (n + 1, invoice_of(c, k))
                for n, c in enumerate(promised)
                for k in range(min(2, per_client))
            ),
        )
        counts["disputes"] = writer.insert(
            Dispute,
            ["id", "organization_id", "invoice_id", "opened_on", "reason"],
            (
                (n + 1, o, invoice_of(c), day(START - timedelta(days=n % 30)), "amount wrong")
                for n, c in enumerate(some(0.003))
            ),
        )
        counts["snoozes"] = writer.insert(
            Snooze,
            ["id", "organization_id", "client_id", "created_on", "until"],
            (
                (
                    n + 1,
                    o,
                    c + 1,
                    day(START - timedelta(days=3)),
                    day(START + timedelta(days=1 + n % 20)),
                )
                for n, c in enumerate(some(0.003))
            ),
        )
        planned = [c for c in some(0.002) if c not in set(promised)]
        counts["plans"] = writer.insert(
            Plan,
            [
                "id",
                "organization_id",
                "client_id",
                "created_on",
                "currency",
                "total",
                "paid_before",
            ],
            (
                (n + 1, o, c + 1, day(START - timedelta(days=20)), profile[c][1], 0, 0)
                for n, c in enumerate(planned)
            ),
        )
        writer.insert(
            Plan.invoices.through,
            ["plan_id", "invoice_id"],
            ((n + 1, invoice_of(c, 1 if per_client > 1 else 0)) for n, c in enumerate(planned)),
        )
        writer.insert(
            Instalment,
            ["plan_id", "number", "due_date", "amount"],
            (
                (n + 1, k + 1, day(START + timedelta(days=30 * k - 10)), 100_00)
                for n, _ in enumerate(planned)
                for k in range(3)
            ),
        )
        counts["replies"] = writer.insert(
            Interaction,
            [
                "organization_id",
                "client_id",
                "channel",
                "direction",
                "happened_on",
                "summary",
                "is_response",
            ],
            (
                (o, c + 1, "email", "in", day(START - timedelta(days=1 + c % 60)), "reply", True)
                for c in some(0.02)
            ),
        )
    # Totals of plans: what their invoices owe (set-based, one statement).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Plan._meta.db_table} SET total = (SELECT COALESCE(SUM(i.total), 0) FROM "
            f"{Invoice._meta.db_table} i JOIN {Plan.invoices.through._meta.db_table} m "
            f"ON m.invoice_id = i.id WHERE m.plan_id = {Plan._meta.db_table}.id)"
        )
        models = [
            Client,
            Contract,
            Invoice,
            Payment,
            Allocation,
            Promise,
            Dispute,
            Snooze,
            Plan,
            Instalment,
            Interaction,
        ]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return counts


def _churn(org, day: date, invoices: int) -> dict:
    """A day in the ledger: new invoices issued (due in 30 days), some paid in full (their
    next look emptied, as the payment import does)."""
    from django.db import connection, transaction
    from django.db.models import Max

    from owed.ledger.models import Allocation, Client, Invoice, Payment
    from owed.ledger.selectors import annotate_balance

    t0 = time.perf_counter()
    rng = random.Random(day.toordinal())
    per_day = max(1, invoices // SPREAD_DAYS)
    writer = _Writer()
    clients = list(
        Client.objects.filter(organization=org).order_by("id").values_list("id", "currency")
    )
    with transaction.atomic():
        start = (Invoice.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        new = [(start + k, *rng.choice(clients)) for k in range(per_day)]
        writer.insert(
            Invoice,
            [
                "id",
                "organization_id",
                "client_id",
                "number",
                "issue_date",
                "due_date",
                "currency",
                "total",
            ],
            (
                (
                    i,
                    org.pk,
                    c,
                    f"NEW-{i:09d}",
                    writer.day(day),
                    writer.day(day + timedelta(days=30)),
                    cur,
                    1_000_000_00,
                )
                for i, c, cur in new
            ),
        )
        low = rng.randrange(1, max(2, start - 20 * per_day))
        paying = list(
            annotate_balance(
                Invoice.objects.filter(organization=org, id__gte=low, written_off_on=None)
            )
            .filter(balance__gt=0)
            .order_by("id")
            .values_list("id", "client_id", "currency", "balance")[:per_day]
        )
        pay_start = (Payment.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        alloc_start = (Allocation.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        writer.insert(
            Payment,
            ["id", "organization_id", "client_id", "key", "date", "amount", "currency"],
            (
                (pay_start + k, org.pk, c, f"D{day:%Y%m%d}-{k}", writer.day(day), int(b * 100), cur)
                for k, (_, c, cur, b) in enumerate(paying)
            ),
        )
        writer.insert(
            Allocation,
            ["id", "organization_id", "payment_id", "invoice_id", "amount"],
            (
                (alloc_start + k, org.pk, pay_start + k, i, int(b * 100))
                for k, (i, _, _, b) in enumerate(paying)
            ),
        )
        ids = [p[0] for p in paying]
        for s in range(0, len(ids), 5000):
            Invoice.objects.filter(pk__in=ids[s : s + 5000]).update(next_step_on=None)
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Invoice, Payment, Allocation]
                ):
                    cursor.execute(sql)
    return {"seconds": time.perf_counter() - t0, "new": len(new), "paid": len(paying)}


def _counts() -> dict[str, int]:
    from owed.dunning.models import Action, ActionLine, Hold, WorkStop
    from owed.ledger.models import Invoice

    return {
        "invoices": Invoice.objects.count(),
        "actions": Action.objects.count(),
        "action lines": ActionLine.objects.count(),
        "holds": Hold.objects.count(),
        "work stops": WorkStop.objects.count(),
    }


if __name__ == "__main__":
    sys.exit(main())
