"""The `owed` command line: in-process with CliRunner, and as a user runs it, in a subprocess.

The subprocess tests run the installed `owed` entry point against an SQLite database in a
temporary data folder. They test the command-line shell (exit codes, messages, JSON), not
the database, so they drop DATABASE_URL and never touch a PostgreSQL server.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from owed.cli import app
from owed.errors import OwedError
from owed.ledger.exports import export_table
from owed.ledger.models import Client, Invoice, Payment
from owed.ledger.tables import read_table

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"

CLIENTS = (
    "client_id,name,country,language,currency,email\n"
    "SEN,Công ty TNHH Sen Vàng,VN,vi,VND,ketoan@senvang.vn\n"
    "ACME,Acme Ltd,GB,en,GBP,ap@acme.co.uk\n"
)
INVOICES = (
    "invoice_no,client_id,issue_date,due_date,currency,amount\n"
    "INV-001,SEN,2024-01-05,2024-02-04,VND,15000000\n"
    "INV-002,ACME,2024-01-10,2024-02-09,GBP,1200.50\n"
    "INV-003,ACME,2024-03-01,2024-03-31,GBP,800\n"
)
BAD_INVOICES = (
    "invoice_no,client_id,issue_date,due_date,currency,amount\n"
    "INV-101,NOBODY,2024-01-05,2024-02-04,VND,15000000\n"
    "INV-102,SEN,2024-01-10,2024-02-09,VND,-5\n"
)
BAD_LINES = [
    "line 2, column client_id: unknown client 'NOBODY' (import it first)",
    "line 3, column amount: amount -5 is negative",
]

# ---------------------------------------------------------------- in-process, CliRunner

in_process = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owed():
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return run


@pytest.fixture
def imported(org, owed, write_csv):
    for kind, text in (("clients", CLIENTS), ("invoices", INVOICES)):
        assert owed("import", kind, write_csv(text, f"{kind}.csv")).exit_code == 0
    return org


@in_process
def test_an_import_says_how_many_rows_were_created_then_that_they_are_unchanged(
    org, owed, write_csv
):
    path = write_csv(CLIENTS)

    first = owed("import", "clients", path)
    again = owed("import", "clients", path)

    assert first.exit_code == 0, first.output
    assert "2 clients rows read: 2 were created, 0 updated, 0 unchanged." in first.stdout
    assert "2 clients rows read: 0 were created, 0 updated, 2 unchanged." in again.stdout
    assert Client.objects.filter(organization=org).count() == 2


@in_process
def test_a_dry_run_import_says_what_would_happen_and_writes_nothing(org, owed, write_csv):
    result = owed("import", "clients", write_csv(CLIENTS), "--dry-run")

    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())  # rich wraps at 80 columns when not on a terminal
    assert "2 would be created" in said
    assert "Nothing was written (--dry-run)." in said
    assert not Client.objects.exists()


@in_process
def test_a_rejected_import_exits_1_and_lists_every_problem_on_stderr(imported, owed, write_csv):
    result = owed("import", "invoices", write_csv(BAD_INVOICES, "bad.csv"))

    assert result.exit_code == 1
    assert "bad.csv cannot be imported: 2 problem(s), nothing written" in result.stderr
    assert [line.strip() for line in result.stderr.splitlines()[-2:]] == BAD_LINES
    assert result.stdout.strip() == ""
    assert Invoice.objects.count() == 3


@in_process
def test_a_rejected_import_as_json_gives_the_problems_as_a_list(imported, owed, write_csv):
    result = owed("import", "invoices", write_csv(BAD_INVOICES, "bad.csv"), "--json")

    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer["ok"] is False
    assert answer["problems"] == BAD_LINES


@in_process
def test_an_import_as_json_gives_counts_notes_and_warnings(imported, owed, write_csv):
    path = write_csv(
        "invoice_no,date,amount,currency,bank\nINV-003,2024-03-05,1000,GBP,HSBC\n", "p.csv"
    )

    result = owed("import", "payments", path, "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "ok": True,
        "dry_run": False,
        "kind": "payments",
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "warnings": ["column 'bank' is not used"],
        "notes": ["line 2: 200.00 GBP more than the invoice balance, kept as client credit"],
    }
    assert Payment.objects.get().amount == 1000


@in_process
def test_an_import_prints_notes_on_stdout_and_warnings_on_stderr(imported, owed, write_csv):
    path = write_csv(
        "invoice_no,date,amount,currency,bank\nINV-003,2024-03-05,1000,GBP,HSBC\n", "p.csv"
    )

    result = owed("import", "payments", path)

    assert "note: line 2: 200.00 GBP more than the invoice balance" in result.stdout
    assert "warning: column 'bank' is not used" in result.stderr


@in_process
def test_a_csv_export_goes_to_standard_output_without_a_byte_order_mark(imported, owed):
    result = owed("export", "invoices")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("invoice_no,client_id,")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["invoice_no"], r["amount"], r["state"]) for r in rows] == [
        ("INV-001", "15000000", "open"),
        ("INV-002", "1200.50", "open"),
        ("INV-003", "800.00", "open"),
    ]


@in_process
def test_an_export_to_a_file_writes_what_export_table_makes(imported, owed, tmp_path):
    path = tmp_path / "clients.xlsx"
    expected = tmp_path / "expected.xlsx"
    expected.write_bytes(export_table(organization=imported, kind="clients", fmt="xlsx"))

    result = owed("export", "clients", "--format", "xlsx", "-o", path)

    assert result.exit_code == 0, result.output
    assert f"Wrote {path}." in result.stderr.replace("\n", "")
    assert [row.cells["client_id"] for row in read_table(path).rows] == ["ACME", "SEN"]
    assert read_table(path) == read_table(expected)


@in_process
def test_an_xlsx_export_needs_an_output_file(imported, owed):
    result = owed("export", "clients", "--format", "xlsx")

    assert isinstance(result.exception, OwedError)
    assert result.exception.message == "an XLSX export needs --output FILE"
    assert result.stdout == ""


@in_process
def test_overdue_invoices_as_json_are_those_past_due_with_a_balance(imported, owed):
    result = owed("invoices", "--overdue", "--as-of", "2024-03-10", "--json")

    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["invoice_no"], r["days_overdue"], r["balance"]) for r in rows] == [
        ("INV-001", 35, "15000000"),
        ("INV-002", 30, "1200.50"),
    ]
    assert rows[0]["client_name"] == "Công ty TNHH Sen Vàng"


@in_process
def test_only_invoices_still_owed_and_past_due_count_days_late(imported, owed, write_csv):
    path = write_csv("invoice_no,date,amount,currency\nINV-002,2024-02-01,1200.50,GBP\n", "p.csv")
    assert owed("import", "payments", path).exit_code == 0

    result = owed("invoices", "--as-of", "2024-03-10", "--json")

    late = {row["invoice_no"]: row["days_overdue"] for row in json.loads(result.stdout)}
    assert late == {"INV-001": 35, "INV-002": 0, "INV-003": 0}


@in_process
def test_a_day_that_is_not_a_date_is_refused(imported, owed):
    result = owed("invoices", "--as-of", "10/03/2024")

    assert isinstance(result.exception, OwedError)
    assert result.exception.message == "'10/03/2024' is not a date (write it as YYYY-MM-DD)"


@in_process
def test_with_two_organizations_the_org_option_chooses_one(org, other_org, owed, write_csv):
    path = write_csv(CLIENTS)

    without = owed("import", "clients", path)
    chosen = owed("import", "clients", path, "--org", other_org.slug)

    assert isinstance(without.exception, OwedError)
    assert "several organizations" in without.exception.message
    assert chosen.exit_code == 0, chosen.output
    assert Client.objects.filter(organization=other_org).count() == 2
    assert not Client.objects.filter(organization=org).exists()


# ---------------------------------------------------------------- as a user runs it


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def _owed_command() -> list[str]:
    script = Path(sys.executable).with_name("owed")
    return [str(script)] if script.exists() else [sys.executable, "-m", "owed"]


@pytest.fixture(scope="module")
def shell(request, tmp_path_factory):
    """Run `owed` in a subprocess with its own data folder, as a user would."""
    # Compiled modules are kept between runs (the environment may disable them), which
    # makes each run about a second instead of three.
    pycache = request.config.cache.mkdir("owed-cli-pycache")
    command = _owed_command()

    def run(
        data_dir: Path,
        *args: str | Path,
        env: dict[str, str] | None = None,
        prefix: list[str] | None = None,
    ) -> Run:
        """`env` adds to the environment; `prefix` runs the command through another one."""
        environment = dict(os.environ)
        # Always the data folder's SQLite, never a server, unless `env` says otherwise.
        environment.pop("DATABASE_URL", None)
        environment.pop("OWED_ORG", None)
        environment.pop("OWED_SECRET_KEY", None)
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        environment["PYTHONPYCACHEPREFIX"] = str(pycache)
        environment["OWED_DATA_DIR"] = str(data_dir)
        environment.update(env or {})
        done = subprocess.run(
            [*(prefix or []), *command, *map(str, args)],
            env=environment,
            cwd=data_dir if data_dir.is_dir() else tmp_path_factory.getbasetemp(),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run


@dataclass
class Installation:
    data_dir: Path
    first_run: Run
    init: Run

    def run(self, shell, *args: str | Path) -> Run:
        return shell(self.data_dir, *args)


@pytest.fixture(scope="module")
def installation(shell, tmp_path_factory) -> Installation:
    """A data folder in which `owed` first ran with no organization, then was set up."""
    data_dir = tmp_path_factory.mktemp("owed-data")
    first_run = shell(data_dir, "invoices")
    init = shell(
        data_dir,
        "init",
        "--name",
        "Lotus Studio",
        "--country",
        "VN",
        "--currency",
        "VND",
        "--json",
    )
    for kind in ("clients", "invoices", "payments"):
        done = shell(data_dir, "import", kind, EXAMPLES / f"{kind}.csv")
        assert done.code == 0, done.stderr
    return Installation(data_dir, first_run, init)


def test_owed_without_any_organization_says_to_run_init_first(installation):
    first = installation.first_run

    assert first.code == 1
    assert "no organization yet: run `owed init` (or `owed demo`) first" in first.stderr
    assert "Traceback" not in first.stderr


def test_owed_init_creates_an_organization_that_owed_orgs_lists(installation, shell):
    assert installation.init.code == 0, installation.init.stderr
    assert json.loads(installation.init.stdout)["slug"] == "lotus-studio"

    orgs = installation.run(shell, "orgs", "--json")

    assert json.loads(orgs.stdout) == [
        {
            "slug": "lotus-studio",
            "name": "Lotus Studio",
            "country": "VN",
            "currency": "VND",
            "language": "en",
        }
    ]


def test_a_bad_import_exits_1_and_prints_each_bad_line_without_a_traceback(
    installation, shell, tmp_path
):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_INVOICES.replace("SEN", "C-001"), encoding="utf-8")

    done = installation.run(shell, "import", "invoices", bad)

    assert done.code == 1
    assert "bad.csv cannot be imported: 2 problem(s), nothing written" in done.stderr
    printed = [line.strip() for line in done.stderr.splitlines()]
    assert printed[-2:] == BAD_LINES
    assert "Traceback" not in done.stderr + done.stdout


def test_overdue_invoices_as_json_can_be_read_by_a_script(installation, shell):
    done = installation.run(shell, "invoices", "--overdue", "--as-of", "2026-11-01", "--json")

    assert done.code == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["invoice_no"], r["balance"], r["state"], r["days_overdue"]) for r in rows] == [
        ("INV-2026-001", "25000000", "partly_paid", 62),
        ("INV-2026-002", "850000000", "open", 32),
        ("INV-2026-003", "120000.00", "open", 1),
    ]


def test_an_xlsx_export_written_to_a_file_holds_the_ledger(installation, shell, tmp_path):
    path = tmp_path / "invoices.xlsx"

    done = installation.run(shell, "export", "invoices", "--format", "xlsx", "-o", path)

    assert done.code == 0, done.stderr
    rows = {row.cells["invoice_no"]: row.cells for row in read_table(path).rows}
    assert sorted(rows) == [f"INV-2026-00{n}" for n in range(1, 6)]
    assert (rows["INV-2026-004"]["amount"], rows["INV-2026-004"]["state"]) == ("2400.00", "paid")
    assert rows["INV-2026-001"]["description"] == "Thiết kế website - giai đoạn 1"


def test_an_unknown_org_is_a_clear_error(installation, shell):
    done = installation.run(shell, "invoices", "--org", "nope")

    assert done.code == 1
    assert "error: no organization 'nope' (known: lotus-studio)" in done.stderr
    assert "Traceback" not in done.stderr


def test_importing_a_folder_is_a_clear_error(installation, shell, tmp_path):
    done = installation.run(shell, "import", "invoices", tmp_path)

    assert done.code == 1
    assert [line.strip() for line in done.stderr.splitlines()] == [
        f"error: {tmp_path.name} cannot be imported",
        f"line 1, column -: {tmp_path} is a folder, not a file",
    ]
    assert "Traceback" not in done.stderr


def test_an_export_into_a_folder_that_does_not_exist_is_a_clear_error(
    installation, shell, tmp_path
):
    target = tmp_path / "nowhere" / "invoices.csv"

    done = installation.run(shell, "export", "invoices", "-o", target)

    assert done.code == 1
    assert done.stderr.strip() == (
        f"error: cannot write {target}: the folder {target.parent} does not exist"
    )
    assert not target.parent.exists()


def test_any_error_of_a_command_run_with_json_is_a_json_answer(installation, shell):
    done = installation.run(shell, "invoices", "--org", "nope", "--json")

    assert done.code == 1
    assert json.loads(done.stdout) == {
        "ok": False,
        "message": "no organization 'nope' (known: lotus-studio)",
        "problems": [],
    }
    assert "Traceback" not in done.stderr


def test_a_refused_import_with_json_answers_with_its_problems_and_warnings(
    installation, shell, tmp_path
):
    bad = tmp_path / "payments.csv"
    bad.write_text("invoice_no,date,ammount,currency\nINV-2026-001,2026-01-01,5,VND\n")

    done = installation.run(shell, "import", "payments", bad, "--json")

    assert done.code == 1
    assert json.loads(done.stdout) == {
        "ok": False,
        "message": "payments.csv cannot be imported",
        "problems": ["line 1, column amount: missing column (the file has 'ammount': is that it?)"],
        "warnings": ["column 'ammount' is not used (did you mean amount?)"],
    }


@pytest.mark.parametrize(
    ("url", "named"),
    [("mysql://owed:s3cret@db.example/owed", "names the database 'mysql'"), ("garbage", "is not")],
)
def test_a_database_url_owed_does_not_support_is_a_clear_error(shell, tmp_path, url, named):
    done = shell(tmp_path, "orgs", env={"DATABASE_URL": url})

    assert done.code == 1
    assert done.stderr.startswith(f"error: DATABASE_URL {named}")
    assert "postgres://" in done.stderr
    assert "sqlite://" in done.stderr
    assert "s3cret" not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_data_folder_that_cannot_be_created_is_a_clear_error(shell, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    done = shell(blocker / "data", "orgs")

    assert done.code == 1
    assert done.stderr.strip() == (
        f"error: cannot create the data folder {blocker / 'data'} (OWED_DATA_DIR): Not a directory"
    )


def test_with_a_database_url_and_a_secret_key_the_data_folder_is_not_needed(shell, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    database = tmp_path / "elsewhere.sqlite3"

    done = shell(
        blocker / "data",
        "orgs",
        "--json",
        env={"DATABASE_URL": f"sqlite:///{database}", "OWED_SECRET_KEY": "for-this-test"},
    )

    assert (done.code, done.stdout.strip()) == (0, "[]"), done.stderr
    assert database.exists()


@pytest.fixture
def without_root_privilege() -> list[str]:
    """A command prefix under which file permissions apply, even to root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root ignores file permissions, and setpriv is not here to drop that")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


@pytest.fixture
def read_only(tmp_path):
    """Make folders read-only for the test, and writable again afterwards."""
    folders = []

    def make(folder: Path) -> Path:
        folders.append(folder)
        folder.chmod(0o555)
        return folder

    yield make
    for folder in folders:
        folder.chmod(0o755)


def test_a_data_folder_that_cannot_be_written_is_a_clear_error(
    shell, tmp_path, read_only, without_root_privilege
):
    folder = tmp_path / "data"
    folder.mkdir()
    read_only(folder)

    no_key = shell(folder, "orgs", prefix=without_root_privilege)
    with_key = shell(
        folder, "orgs", prefix=without_root_privilege, env={"OWED_SECRET_KEY": "for-this-test"}
    )

    assert no_key.code == 1
    assert no_key.stderr.strip() == (
        f"error: cannot write the secret key to {folder / 'secret_key'}: Permission denied; "
        "make the data folder writable, or set OWED_SECRET_KEY"
    )
    assert with_key.code == 1
    assert with_key.stderr.strip() == (
        f"error: cannot use the SQLite database {folder / 'owed.sqlite3'}: unable to open "
        f"database file; the file and its folder {folder} must be writable by whoever runs owed"
    )


def test_a_read_only_data_folder_with_a_database_names_the_database(
    shell, tmp_path, read_only, without_root_privilege
):
    folder = tmp_path / "data"
    folder.mkdir()
    made = shell(folder, "init", "--name", "Lotus Studio", "--country", "VN", "--currency", "VND")
    assert made.code == 0, made.stderr
    read_only(folder)

    done = shell(folder, "invoices", prefix=without_root_privilege)

    assert done.code == 1
    assert done.stderr.strip() == (
        f"error: cannot use the SQLite database {folder / 'owed.sqlite3'}: attempt to write a "
        f"readonly database; the file and its folder {folder} must be writable by whoever "
        "runs owed"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_demo_with_json_prints_only_json_on_stdout_while_it_serves(shell, tmp_path):
    command = _owed_command()
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OWED_ORG")}
    environment["OWED_DATA_DIR"] = str(tmp_path)
    with subprocess.Popen(
        [*command, "demo", "--json", "--port", str(_free_port())],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    ) as server:
        # Should the server never say it is up, stop it: its stderr then ends.
        watchdog = threading.Timer(120, server.kill)
        watchdog.start()
        try:
            said = []
            while not any("Quit the server" in line for line in said):
                line = server.stderr.readline()
                assert line, "".join(said)  # the server stopped before it was up
                said.append(line)
        finally:
            watchdog.cancel()
            server.terminate()
        stdout, _ = server.communicate(timeout=30)

    assert json.loads(stdout)["slug"] == "demo"
    assert any(line.startswith("Serving on http://127.0.0.1:") for line in said)
    # The demo's local mail server, running while it served, stopped with it.
    assert any("Mail sent from the pages goes to the local mail server" in line for line in said)
    left = subprocess.run(["pgrep", "-f", f"owed.mail.sink .*{tmp_path}"], capture_output=True)
    assert left.returncode == 1, left.stdout
