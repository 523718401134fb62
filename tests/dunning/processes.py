"""Running owed in real processes, against a file SQLite database in a data folder.

`Shell` runs `owed` (or Python code) with OWED_DATA_DIR set and DATABASE_URL removed, so a
subprocess never touches the suite's PostgreSQL server; `build` makes a data folder with an
organization ("Crash Test", GB) and as many clients as asked, each with one invoice.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

RUN_DAY = "2026-04-02"

# Builds an organization with N clients (GB and VN, one invoice each, due between 12 days
# before RUN_DAY and 3 days after it) straight into the data folder's SQLite database.
BUILD = """
import os, sys
from datetime import date, timedelta
from decimal import Decimal
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "owed.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from owed.ledger.models import Client, Invoice
from owed.ledger.services import organization_create
org = organization_create(
    name="Crash Test", country="GB", currency="GBP", timezone="Europe/London"
)
run_day = date.fromisoformat(sys.argv[2])
clients = Client.objects.bulk_create(
    Client(
        organization=org, code=f"C{n:05d}", name=f"Client {n}",
        country="GB" if n % 2 else "VN", currency="GBP" if n % 2 else "VND",
    )
    for n in range(int(sys.argv[1]))
)
Invoice.objects.bulk_create(
    Invoice(
        organization=org, client=client, number=f"INV-{n:06d}",
        issue_date=run_day - timedelta(days=60), due_date=run_day - timedelta(days=n % 16 - 3),
        currency=client.currency, total=Decimal(1000 if n % 2 else 1000000),
    )
    for n, client in enumerate(clients)
)
"""

# Holds the organization's run lock until its standard input closes (or it is killed).
HOLD_THE_LOCK = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "owed.settings")
import django
django.setup()
from owed.dunning.run import run_lock
from owed.ledger.models import Organization
with run_lock(Organization.objects.get()):
    print("locked", flush=True)
    sys.stdin.read()
"""


def owed_command() -> list[str]:
    script = Path(sys.executable).with_name("owed")
    return [str(script)] if script.exists() else [sys.executable, "-m", "owed"]


@dataclass
class Shell:
    pycache: Path

    def environment(self, data_dir: Path, **extra: str) -> dict[str, str]:
        environment = dict(os.environ)
        # The data folder's SQLite database, never the suite's PostgreSQL server.
        for name in ("DATABASE_URL", "OWED_ORG", "OWED_SECRET_KEY", "PYTHONDONTWRITEBYTECODE"):
            environment.pop(name, None)
        environment["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        environment["OWED_DATA_DIR"] = str(data_dir)
        environment.update(extra)
        return environment

    def python(self, data_dir: Path, code: str, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=self.environment(data_dir),
            cwd=data_dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    def owed(self, data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*owed_command(), *args],
            env=self.environment(data_dir, **extra),
            cwd=data_dir,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=180,
        )

    def start(self, data_dir: Path, *args: str, **extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            [*owed_command(), *args],
            env=self.environment(data_dir, **extra),
            cwd=data_dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )


def build(shell: Shell, folder: Path, clients: int) -> Path:
    """A data folder with the organization "Crash Test" and `clients` clients."""
    folder.mkdir()
    shell.python(folder, BUILD, str(clients), RUN_DAY)
    return folder


def copy(template: Path, to: Path) -> Path:
    shutil.copytree(template, to)
    return to


def query(data_dir: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / "owed.sqlite3", timeout=30)) as db:
        return db.execute(sql).fetchall()


def outcome(data_dir: Path) -> dict[str, list[tuple]]:
    """What the runs recorded, without what differs between two runs (ids, run, times)."""
    return {
        "actions": query(
            data_dir,
            "SELECT a.key, a.kind, a.step, a.status, a.decided_on, a.scheduled_for, "
            "a.timezone, a.reason, m.key FROM dunning_action a "
            "LEFT JOIN dunning_action m ON m.id = a.merged_into_id ORDER BY a.key",
        ),
        "lines": query(
            data_dir,
            "SELECT a.key, l.invoice_id, l.days_overdue, l.balance FROM dunning_actionline l "
            "JOIN dunning_action a ON a.id = l.action_id ORDER BY a.key, l.invoice_id",
        ),
        "next_looks": query(data_dir, "SELECT id, next_step_on FROM ledger_invoice ORDER BY id"),
        "steps_taken": query(
            data_dir, "SELECT id, ladder_steps, ladder_actions FROM ledger_invoice ORDER BY id"
        ),
        "holds": query(data_dir, "SELECT client_id, since, lifted_on FROM dunning_hold"),
    }
