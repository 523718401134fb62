"""The `owed` command line: a thin shell that parses, calls a service and prints.

Every command sets Django up, applies pending migrations, and turns an `OwedError` (or a
database failure) into a clear `error: ...` message and exit code 1, never a traceback.
Run with `--json`, a command that fails prints `{"ok": false, "message": ..., "problems":
[...]}` on standard output instead.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from owed.errors import OwedError

app = typer.Typer(
    help="owed: keep every receivable in one place and get paid on time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped or captured output is not cut at 80 columns: problem lines and tables stay whole.
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 200)

OrgOption = Annotated[
    str | None,
    typer.Option(
        "--org", envvar="OWED_ORG", help="Organization short name (default: the only one)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

# Whether the running command was asked for JSON, so that `main` answers a failure in JSON.
_json_output = False


class Kind(StrEnum):
    clients = "clients"
    invoices = "invoices"
    payments = "payments"


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def _setup(*, as_json: bool = False) -> None:
    """Set Django up and bring the database schema up to date, quietly.

    `as_json` says the command answers in JSON, failures included (see `main`).
    """
    global _json_output
    _json_output = as_json
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "owed.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        # A bar is for a person watching; piped or captured, it would leave blank lines.
        disable=not err.is_terminal,
    )


def _org(slug: str | None):
    from owed.ledger.services import organization_resolve

    return organization_resolve(slug=slug)


def _org_client(slug: str | None, code: str):
    """The organization and its client with this id; either unknown is a clear error."""
    from owed.dunning.services import client_find

    organization = _org(slug)
    return organization, client_find(organization=organization, code=code)


@app.command()
def init(
    name: Annotated[str, typer.Option(help="The organization's legal name.")],
    country: Annotated[str, typer.Option(help="ISO country code, e.g. VN.")],
    currency: Annotated[str, typer.Option(help="Default currency, e.g. VND.")],
    language: Annotated[str, typer.Option(help="Default language: en, vi, fa or th.")] = "en",
    timezone: Annotated[str, typer.Option(help="Time zone, e.g. Asia/Ho_Chi_Minh.")] = "UTC",
    slug: Annotated[str | None, typer.Option(help="Short name for --org (from the name).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Create an organization in the data folder."""
    _setup(as_json=as_json)
    from owed.ledger.services import organization_create

    org = organization_create(
        name=name,
        country=country,
        currency=currency,
        language=language,
        timezone=timezone,
        slug=slug,
    )
    if as_json:
        print(json.dumps({"slug": org.slug, "name": org.name, "id": org.pk}, ensure_ascii=False))
    else:
        console.print(f"Created organization [bold]{org.name}[/] (--org {org.slug}).")


@app.command("orgs")
def orgs(as_json: JsonOption = False) -> None:
    """List the organizations in this installation."""
    _setup(as_json=as_json)
    from owed.ledger.models import Organization

    rows = list(Organization.objects.values("slug", "name", "country", "currency", "language"))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("org", "name", "country", "currency", "language")
    for row in rows:
        table.add_row(*row.values())
    console.print(table)


@app.command("import")
def import_(
    kind: Annotated[Kind, typer.Argument(help="What the file holds.")],
    file: Annotated[Path, typer.Argument(help="A .csv (UTF-8) or .xlsx file.")],
    org: OrgOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file only.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Import clients, invoices or payments, all or nothing (see docs/import.md)."""
    _setup(as_json=as_json)
    from owed.ledger.imports import ImportRejected, import_file

    organization = _org(org)
    from django.utils import timezone

    started = timezone.now()
    try:
        with _progress() as progress:
            task = progress.add_task(f"Importing {kind.value}", total=None)

            def report(done: int, total: int, phase: str = "checking") -> None:
                progress.update(
                    task,
                    description=f"Importing {kind.value}: {phase}",
                    completed=done,
                    total=total,
                )

            result = import_file(
                organization=organization,
                kind=kind.value,
                path=file,
                dry_run=dry_run,
                progress=report,
            )
    except ImportRejected as exc:
        if as_json:
            answer = {
                "ok": False,
                "message": exc.message,
                "problems": exc.details,
                "warnings": exc.warnings,
            }
            print(json.dumps(answer, ensure_ascii=False))
        else:
            err.print(f"[red]error:[/] {escape(exc.message)}", highlight=False)
            for line in exc.details:
                err.print(f"  {line}", highlight=False, markup=False)
            for warning in exc.warnings:
                err.print(f"  [yellow]warning:[/] {escape(warning)}", highlight=False)
        raise typer.Exit(1) from None
    if kind is Kind.invoices and not dry_run:
        from owed.dunning.selectors import hold_warnings_since

        result.warnings += hold_warnings_since(organization=organization, since=started)
    if as_json:
        print(json.dumps({"ok": True, "dry_run": dry_run, **result.as_dict()}, ensure_ascii=False))
        return
    verb = "would be" if dry_run else "were"
    console.print(
        f"{result.rows} {kind.value} rows read: {result.created} {verb} created, "
        f"{result.updated} updated, {result.unchanged} unchanged."
        + (" Nothing was written (--dry-run)." if dry_run else ""),
        highlight=False,
    )
    for note in result.notes:
        console.print(f"  note: {note}", highlight=False, markup=False)
    for warning in result.warnings:
        err.print(f"  [yellow]warning:[/] {escape(warning)}", highlight=False)


@app.command("export")
def export(
    kind: Annotated[Kind, typer.Argument(help="What to export.")],
    fmt: Annotated[Format, typer.Option("--format", help="csv or xlsx.")] = Format.csv,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: standard output for CSV)."),
    ] = None,
    org: OrgOption = None,
) -> None:
    """Export clients, invoices or payments in the import format."""
    _setup()
    from owed.ledger.exports import export_table

    organization = _org(org)
    if output is None and fmt is Format.xlsx:
        raise OwedError("an XLSX export needs --output FILE")
    if output is not None:
        _check_writable(output)  # before the work, not after it
    with err.status(f"Exporting {kind.value}"):
        data = export_table(organization=organization, kind=kind.value, fmt=fmt.value)
    if output is None:
        sys.stdout.write(data.decode("utf-8-sig"))
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise OwedError(f"cannot write {output}: {exc.strerror or exc}") from None
    err.print(f"Wrote {escape(str(output))}.")


def _check_writable(output: Path) -> None:
    """`OwedError` when `output` clearly cannot be written: a folder, or in a missing one."""
    if output.is_dir():
        raise OwedError(f"cannot write {output}: it is a folder")
    if not output.parent.is_dir():
        raise OwedError(f"cannot write {output}: the folder {output.parent} does not exist")


@app.command()
def invoices(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only invoices past due.")] = False,
    client: Annotated[str | None, typer.Option(help="Only this client id.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day to measure from (default: today).")
    ] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """List invoices with their balance, state and days overdue."""
    _setup(as_json=as_json)
    from owed.ledger.presenters import invoice_rows

    organization = _org(org)
    day = _parse_day(as_of, organization.timezone)
    rows = invoice_rows(organization=organization, as_of=day, overdue=overdue, client_code=client)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(
        "invoice",
        "client",
        "due date",
        "days late",
        "total",
        "balance",
        "currency",
        "state",
        title=f"{'Overdue invoices' if overdue else 'Invoices'} of {organization.name} on {day}",
    )
    for index in (3, 4, 5):
        table.columns[index].justify = "right"
    for row in rows:
        late = row["days_overdue"]
        table.add_row(
            row["invoice_no"],
            row["client_name"],
            row["due_date"],
            str(late) if late > 0 and row["state"] in ("open", "partly_paid") else "",
            _readable(row["total"], row["currency"]),
            _readable(row["balance"], row["currency"]),
            row["currency"],
            row["state"].replace("_", " "),
        )
    console.print(table)
    console.print(f"{len(rows)} invoices.", highlight=False)


def _readable(amount: str, currency: str) -> str:
    from decimal import Decimal

    from owed.ledger.presenters import money

    return money(Decimal(amount), currency, with_code=False)


def _parse_day(text: str | None, tz: str) -> date:
    """The day given, or today in the organization's time zone."""
    if not text:
        import zoneinfo

        from django.utils import timezone

        return timezone.localdate(timezone=zoneinfo.ZoneInfo(tz))
    from owed.core.money import excerpt
    from owed.ledger.imports import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise OwedError(f"{excerpt(text)!r} is not a date (write it as YYYY-MM-DD)") from None


@app.command()
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the application afterwards.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Build the demo as of this day, YYYY-MM-DD (default: today). A day that is "
            "not a working day in every client's country moves to the last one before it.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Build a fresh demo organization with realistic data, then serve it."""
    _setup(as_json=as_json)
    from owed.demo import DEMO_PASSWORD, DEMO_USERNAME, build_demo

    asked = _parse_day(day, "Asia/Ho_Chi_Minh") if day else None

    with _progress() as progress:
        task = progress.add_task("Building the demo", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = build_demo(progress=report, today=asked)
    summary["collections"].update(_demo_counts(summary))
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        _print_summary(summary)
    if serve_after:
        # With --json, standard output holds the JSON and nothing else, and a script
        # reading it gets it now, not when the server stops.
        sys.stdout.flush()
        out = err if as_json else console
        # Stopped with SIGTERM as with Ctrl+C: the local mail server stops with it.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        with _demo_sink(summary.get("mail"), out):
            out.print(
                f"\nServing on http://127.0.0.1:{port}/  "
                f"log in as [bold]{DEMO_USERNAME}[/] / [bold]{DEMO_PASSWORD}[/]  (Ctrl+C stops)"
            )
            _serve("127.0.0.1", port, to_stderr=as_json)


def _demo_counts(summary: dict) -> dict:
    """The demo day's actions counted as Today counts them: to do, and what became of the
    others the day's run decided (`owed.dunning.workload`)."""
    from owed.dunning.workload import OTHERS, day_counts

    organization = _org(summary["slug"])
    counts = day_counts(
        organization=organization, day=date.fromisoformat(summary["collections"]["date"])
    )
    return {
        "to_do": counts.to_do,
        **{name: getattr(counts, name) for name in OTHERS},
        "line": counts.english(today=organization.today()),
    }


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(0)


def _demo_sink(mail: dict | None, out):
    """The demo's local mail server, running again while the demo serves, so that what a
    user sends from the pages (Send now, a step now, a retry) reaches it."""
    import contextlib

    if not mail:
        return contextlib.nullcontext()
    from owed.mail.sink import Sink

    host, _, port = mail["mail_server"].rpartition(":")
    sink = Sink(Path(mail["mail_folder"]), host=host, port=int(port), faults=False)
    try:
        sink.start()
    except (OSError, RuntimeError) as exc:
        out.print(
            f"The local mail server could not start again ({exc}): mail sent from the "
            "pages waits in the outbox.",
            highlight=False,
        )
        return contextlib.nullcontext()
    out.print(
        f"Mail sent from the pages goes to the local mail server at "
        f"{mail['mail_server']} and lands in {mail['mail_folder']}.",
        highlight=False,
    )
    stack = contextlib.ExitStack()
    stack.callback(sink.stop)
    return stack


def _print_summary(summary: dict) -> None:
    console.print(
        f"Demo organization [bold]{summary['organization']}[/] (--org {summary['slug']}): "
        f"{summary['clients']} clients, {summary['contracts']} contracts, "
        f"{summary['invoices']} invoices, {summary['payments']} payments.",
        highlight=False,
    )
    table = Table("currency", "invoices", "billed", "outstanding", "overdue", "overdue invoices")
    for column in table.columns[1:]:
        column.justify = "right"
    for row in summary["by_currency"]:
        table.add_row(
            row["currency"],
            str(row["invoices"]),
            _readable(row["billed"], row["currency"]),
            _readable(row["outstanding"], row["currency"]),
            _readable(row["overdue"], row["currency"]),
            str(row["overdue_count"]),
        )
    console.print(table)
    states = ", ".join(
        f"{count} {state.replace('_', ' ')}" for state, count in summary["states"].items()
    )
    console.print(f"By state: {states}.", highlight=False)
    today = summary["collections"]
    console.print(f"Collections ({today['date']}): {today['line']}.", highlight=False)
    table = Table(
        "step",
        "planned",
        "merged",
        "skipped",
        "clients",
        title=f"What the run decided on {today['date']}, by step",
    )
    for column in table.columns[1:4]:
        column.justify = "right"
    for row in today["by_step"]:
        names = row["clients"]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        table.add_row(
            row["step"].replace("_", " "),
            str(row["planned"]),
            str(row["merged"]),
            str(row["skipped"]),
            shown,
        )
    console.print(table)
    if summary.get("note"):
        console.print(summary["note"], highlight=False)
    again = f" --date {today['date']}" if summary.get("note") else ""
    console.print(
        f"Every action of the day: owed run --org {summary['slug']}{again} "
        "(it records nothing new).",
        highlight=False,
    )
    mail = summary.get("mail")
    if mail:
        languages = ", ".join(
            f"{code} {n['messages']} ({n['letters']} letter{'' if n['letters'] == 1 else 's'})"
            for code, n in mail.get("languages", {}).items()
        )
        console.print(
            f"The day's {mail['messages']} messages went to a local mail server and are in "
            f"{mail['mail_folder']} (.eml); its {mail['letters']} letters are in "
            f"{mail['letters_folder']} (PDF). By language: {languages}.",
            highlight=False,
        )


def _serve(host: str, port: int, *, to_stderr: bool = False) -> None:
    """Run the development server; `to_stderr` sends what it prints to standard error."""
    from django.core.management import call_command

    options = {"stdout": sys.stderr} if to_stderr else {}
    call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True, **options)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the application (for production, run owed.wsgi under a WSGI server)."""
    _setup()
    console.print(f"Serving on http://{host}:{port}/ (the admin at /admin/; Ctrl+C stops)")
    _serve(host, port)


user_app = typer.Typer(help="Manage who can log in.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    username: str,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Password.")
    ],
    role: Annotated[str, typer.Option(help="owner, member or read_only.")] = "owner",
    org: OrgOption = None,
) -> None:
    """Create a user who can log in to the organization (or reset their password)."""
    _setup()
    from owed.ledger.services import user_add as add

    add(organization=_org(org), username=username, password=password, role=role)
    console.print(f"User [bold]{username}[/] can now log in.")


def main() -> None:
    """Entry point: run the app and turn known failures into messages."""
    try:
        app()
    except OwedError as exc:
        _fail(exc.message, exc.details)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`owed export invoices | head`): nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:
        from django.db import Error as DatabaseError

        if isinstance(exc, DatabaseError):
            _fail(_database_problem(exc))
        raise


def _fail(message: str, problems: list[str] | None = None) -> None:
    """Print `error: message` and its problems (or, with --json, the JSON); exit 1."""
    problems = problems or []
    if _json_output:
        answer = {"ok": False, "message": message, "problems": problems}
        print(json.dumps(answer, ensure_ascii=False))
    else:
        err.print(f"[red]error:[/] {escape(message)}", highlight=False)
        for line in problems:
            err.print(f"  {line}", highlight=False, markup=False)
    sys.exit(1)


def _database_problem(exc: Exception) -> str:
    """A database failure as a message; for SQLite it names the file and what to check."""
    from django.db import connection

    text = str(exc).strip()
    if connection.vendor != "sqlite":
        return f"the database failed: {text}"
    path = Path(connection.settings_dict["NAME"])
    hint = ""
    if "readonly" in text or "unable to open" in text:
        hint = f"; the file and its folder {path.parent} must be writable by whoever runs owed"
    return f"cannot use the SQLite database {path}: {text}{hint}"


# The commands of the other modules register themselves on `app`: collections (run,
# promise, dispute, plan, snooze, log, policy), documents (document), money rules
# (interest, factoring, rates) and mail (send, messages, mail-server, mail-sink, worker).
from owed import (  # noqa: E402, F401
    cli_api,
    cli_collections,
    cli_documents,
    cli_dossier,
    cli_law,
    cli_mail,
    cli_portal,
    cli_requests,
)
