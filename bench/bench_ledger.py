"""Benchmark: importing, listing and exporting a large ledger.

Run: `uv run python bench/bench_ledger.py [--invoices 20000] [--database-url URL]`.
Builds a scratch organization in a temporary SQLite database (or the PostgreSQL database
named by --database-url), imports clients, invoices and payments from generated CSV files
through the same code as `owed import`, then lists overdue invoices and exports them.
Prints one line per step with wall time and the process's peak memory; the targets are in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TARGETS = {  # seconds for the default size
    "import clients": 5.0,
    "import invoices": 15.0,
    "import payments": 15.0,
    "re-import invoices (no change)": 10.0,
    "list overdue invoices": 3.0,
    "export invoices (xlsx)": 15.0,
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_files(folder: Path, invoices: int) -> dict[str, Path]:
    rng = random.Random(7)
    clients = max(1, invoices // 10)
    paths = {k: folder / f"{k}.csv" for k in ("clients", "invoices", "payments")}
    with paths["clients"].open("w", encoding="utf-8") as f:
        f.write("client_id,name,country,language,currency,email,billing_email\n")
        for c in range(clients):
            f.write(f"C{c},Công ty số {c},VN,vi,VND,c{c}@example.vn,ap{c}@example.vn\n")
    start = date(2025, 1, 1)
    with (
        paths["invoices"].open("w", encoding="utf-8") as f,
        paths["payments"].open("w", encoding="utf-8") as p,
    ):
        f.write("invoice_no,client_id,issue_date,due_date,currency,amount,description\n")
        p.write("invoice_no,date,amount,currency,reference\n")
        for i in range(invoices):
            issued = start + timedelta(days=rng.randrange(600))
            due = issued + timedelta(days=30)
            amount = rng.randrange(1, 500) * 100_000
            f.write(f"INV-{i:07d},C{i % clients},{issued},{due},VND,{amount},Dịch vụ {i}\n")
            if rng.random() < 0.6:
                paid = amount if rng.random() < 0.7 else amount // 2
                p.write(
                    f"INV-{i:07d},{due + timedelta(days=rng.randrange(60))},{paid},VND,ref{i}\n"
                )
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="owed-bench-"))
    os.environ["OWED_DATA_DIR"] = str(work / "data")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "owed.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from owed.ledger.exports import export_table
    from owed.ledger.imports import import_file
    from owed.ledger.models import Organization
    from owed.ledger.presenters import invoice_rows
    from owed.ledger.services import organization_create

    Organization.objects.filter(slug="bench").delete() if not args.database_url else None
    org = organization_create(name=f"Bench {time.time_ns()}", country="VN", currency="VND")
    files = _write_files(work, args.invoices)
    print(f"database: {connection.vendor}; {args.invoices} invoices", flush=True)

    failures = 0

    def step(name: str, fn) -> object:
        nonlocal failures
        t0 = time.perf_counter()
        out = fn()
        elapsed = time.perf_counter() - t0
        target = TARGETS[name] * args.invoices / 20_000
        ok = elapsed <= target
        failures += not ok
        print(
            f"{name:34s} {elapsed:7.2f} s  (target {target:5.1f} s) "
            f"peak {_peak_mb():6.0f} MB  {'ok' if ok else 'SLOW'}",
            flush=True,
        )
        return out

    step(
        "import clients",
        lambda: import_file(organization=org, kind="clients", path=files["clients"]),
    )
    step(
        "import invoices",
        lambda: import_file(organization=org, kind="invoices", path=files["invoices"]),
    )
    step(
        "import payments",
        lambda: import_file(organization=org, kind="payments", path=files["payments"]),
    )
    result = step(
        "re-import invoices (no change)",
        lambda: import_file(organization=org, kind="invoices", path=files["invoices"]),
    )
    assert result.created == result.updated == 0, result
    rows = step(
        "list overdue invoices",
        lambda: invoice_rows(organization=org, as_of=date(2026, 11, 22), overdue=True),
    )
    step(
        "export invoices (xlsx)",
        lambda: export_table(organization=org, kind="invoices", fmt="xlsx"),
    )
    print(f"overdue invoices: {len(rows)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
