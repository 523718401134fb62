"""The `owed` commands of the e-mail outbox: send, messages, mail-server, mail-sink, worker.
Like every command, they parse, call a service and print (see docs/mail.md)."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from owed.cli import JsonOption, OrgOption, _progress, _setup, app, console, err
from owed.errors import OwedError


class MessageStatus(StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    uncertain = "uncertain"


class Security(StrEnum):
    none = "none"
    starttls = "starttls"
    ssl = "ssl"


def _org_or_all(slug: str | None):
    """The organization named, or None (all of them) when none is."""
    if not slug:
        return None
    from owed.cli import _org

    return _org(slug)


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


@app.command()
def send(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what is due now; send nothing.")
    ] = False,
    resend_uncertain: Annotated[
        list[int] | None,
        typer.Option(
            "--resend-uncertain",
            metavar="ID",
            help="Queue this uncertain message again and send it (it may arrive twice).",
        ),
    ] = None,
    retry_failed: Annotated[
        list[int] | None,
        typer.Option("--retry-failed", metavar="ID", help="Queue this failed message again."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Send at most this many messages.")
    ] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compose the e-mails and letters of the actions due now, then deliver the e-mail
    that is due (exit code 1 if a message or an action failed)."""
    _setup(as_json=as_json)
    from django.utils import timezone

    from owed.cli_documents import print_composed
    from owed.documents.outbox import queue_due
    from owed.mail.delivery import deliver_due, messages_due
    from owed.mail.models import Message
    from owed.mail.services import message_requeue

    organization = _org_or_all(org)
    if dry_run and (resend_uncertain or retry_failed):
        raise OwedError("--dry-run sends nothing, so it cannot be used to send a message again")
    if resend_uncertain:
        message_requeue(
            organization=organization, ids=resend_uncertain, status=Message.Status.UNCERTAIN
        )
    if retry_failed:
        message_requeue(organization=organization, ids=retry_failed, status=Message.Status.FAILED)
    # The due actions become messages first (with --dry-run: composed, nothing written).
    composed = queue_due(organization=organization, now=timezone.now(), dry_run=dry_run)
    if dry_run:
        due = list(
            messages_due(organization=organization, now=timezone.now()).select_related(
                "organization"
            )
        )
        _print_due(due, as_json, composed)
        return
    with _progress() as bar:
        task = bar.add_task("Sending", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = deliver_due(organization=organization, limit=limit, progress=report)
    ok = not result.failed and not result.partly_refused and not composed.failed
    if as_json:
        answer = {"ok": ok, "composed": composed.as_dict(), **result.as_dict()}
        print(json.dumps(answer, ensure_ascii=False))
    else:
        print_composed(composed)
        _print_report(result)
    if not ok:
        raise typer.Exit(1)


def _print_due(due: list, as_json: bool, composed) -> None:
    if as_json:
        from owed.mail.selectors import message_row

        rows = [message_row(m) for m in due]
        answer = {"ok": True, "dry_run": True, "composed": composed.as_dict(), "due": rows}
        print(json.dumps(answer, ensure_ascii=False))
        return
    from owed.cli_documents import print_composed

    print_composed(composed)
    table = Table("id", "org", "to", "subject", "attempts", title="Due now")
    for m in due:
        table.add_row(str(m.pk), m.organization.slug, m.to, m.subject, str(m.attempts))
    if due:
        console.print(table)
    console.print(f"{len(due)} messages would be sent now. Nothing was sent (--dry-run).")


def _print_report(result) -> None:
    console.print(
        f"Sent {len(result.sent)}, retrying {len(result.retrying)}, failed {len(result.failed)}.",
        highlight=False,
    )
    for outcome in result.retrying:
        console.print(
            f"  retrying #{outcome.message} to {escape(outcome.to)} at "
            f"{_when(outcome.next_attempt_at)} (attempt {outcome.attempts}): "
            f"{escape(outcome.error)}",
            highlight=False,
        )
    for outcome in result.failed:
        err.print(
            f"  [red]failed[/] #{outcome.message} to {escape(outcome.to)}: {escape(outcome.error)}",
            highlight=False,
        )
    for outcome in result.partly_refused:
        err.print(
            f"  [yellow]partly refused[/] #{outcome.message}: {escape(outcome.error)}",
            highlight=False,
        )
    for pk in result.uncertain:
        err.print(
            f"  [yellow]uncertain[/] #{pk}: its sending was interrupted and it may have "
            f"arrived; look, then `owed send --resend-uncertain {pk}` to send it again.",
            highlight=False,
        )
    for slug, count in result.waiting.items():
        err.print(
            f"  [yellow]waiting[/] {count} messages of {slug}: no mail server; "
            f"set one with `owed mail-server set --org {slug} ...`.",
            highlight=False,
        )


@app.command()
def messages(
    status: Annotated[
        MessageStatus | None, typer.Option(help="Only messages in this state.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the e-mail outbox with each message's status, attempts and last error."""
    _setup(as_json=as_json)
    from owed.mail.delivery import mark_stale
    from owed.mail.selectors import message_rows

    organization = _org_or_all(org)
    mark_stale(organization=organization)  # a message abandoned in sending shows as uncertain
    rows = message_rows(
        organization=organization, status=status.value if status else None, limit=limit
    )
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "status", "attempts", "to", "subject", "when", "last error")
    for row in rows:
        when = row["sent_at"] or row["next_attempt_at"] or row["created_at"] or ""
        table.add_row(
            str(row["id"]),
            row["status"],
            str(row["attempts"]),
            row["to"],
            row["subject"],
            when[:16].replace("T", " "),
            row["last_error"],
        )
    console.print(table)
    console.print(f"{len(rows)} messages.", highlight=False)


server_app = typer.Typer(
    help="Show or set the SMTP server e-mail goes through.", no_args_is_help=True
)
app.add_typer(server_app, name="mail-server")


@server_app.command("set")
def mail_server_set(
    host: Annotated[str | None, typer.Option(help="SMTP host, e.g. smtp.example.com.")] = None,
    port: Annotated[
        int | None, typer.Option(help="Port (default: 587 starttls, 465 ssl, 25 none).")
    ] = None,
    security: Annotated[Security | None, typer.Option(help="none, starttls or ssl.")] = None,
    username: Annotated[
        str | None, typer.Option(help="Login name (an empty one: no login).")
    ] = None,
    password_env: Annotated[
        str | None,
        typer.Option(
            "--password-env",
            metavar="VAR",
            help="The environment variable that holds the password (never on the command line).",
        ),
    ] = None,
    from_address: Annotated[
        str | None, typer.Option("--from", help="The address e-mail is sent from.")
    ] = None,
    from_name: Annotated[str | None, typer.Option(help="The name shown as the sender.")] = None,
    reply_to: Annotated[str | None, typer.Option(help="Where replies go (if elsewhere).")] = None,
    timeout: Annotated[int | None, typer.Option(help="Seconds to wait for each answer.")] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set the organization's mail server (what is not given stays as it is)."""
    _setup(as_json=as_json)
    from owed.cli import _org
    from owed.mail.selectors import mail_server_row
    from owed.mail.services import mail_server_set as set_server

    organization = _org(org)
    password = None
    if password_env is not None:
        password = os.environ.get(password_env)
        if password is None:
            raise OwedError(f"the environment variable {password_env} is not set")
        if not password:
            raise OwedError(f"the environment variable {password_env} is empty")
    server = set_server(
        organization=organization,
        host=host,
        port=port,
        security=security.value if security else None,
        username=username,
        password=password,
        from_address=from_address,
        from_name=from_name,
        reply_to=reply_to,
        timeout=timeout,
    )
    if as_json:
        print(json.dumps({"ok": True, **mail_server_row(server)}, ensure_ascii=False))
        return
    console.print(
        f"E-mail of {organization.name} goes through {server.host}:{server.port} "
        f"({server.security}) from {server.from_address}.",
        highlight=False,
    )


@server_app.command("show")
def mail_server_show(org: OrgOption = None, as_json: JsonOption = False) -> None:
    """Show the organization's mail server (never its password)."""
    _setup(as_json=as_json)
    from owed.cli import _org
    from owed.mail.models import MailServer
    from owed.mail.selectors import mail_server_row

    organization = _org(org)
    server = MailServer.objects.filter(organization=organization).first()
    if server is None:
        raise OwedError(
            f"{organization.slug} has no mail server yet: "
            "`owed mail-server set --host HOST --from ADDRESS` sets one"
        )
    row = mail_server_row(server)
    if as_json:
        print(json.dumps(row, ensure_ascii=False))
        return
    table = Table("setting", "value", title=f"Mail server of {organization.name}")
    for name, value in row.items():
        if name == "password_set":
            name, value = "password", "set" if value else "none"
        table.add_row(name.replace("_", " "), str(value))
    console.print(table)


@app.command("mail-sink")
def mail_sink(
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder to keep the messages in, as .eml files.")
    ],
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8025,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    faults: Annotated[
        bool,
        typer.Option(
            "--faults/--no-faults",
            help="Answer recipients fail421@, fail451@, fail550@, fail554@, drop@, slow@ "
            "with that fault.",
        ),
    ] = True,
) -> None:
    """Run a local mail server that keeps every message it gets (for trying owed out)."""
    from owed.mail.sink import serve

    if directory.exists() and not directory.is_dir():
        raise OwedError(f"{directory} is a file, not a folder")

    def ready(actual: int) -> None:
        console.print(
            f"Keeping every message sent to {host}:{actual} in {escape(str(directory))} "
            "(Ctrl+C stops).",
            highlight=False,
        )

    try:
        serve(directory, port=port, host=host, faults=faults, ready=ready)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise OwedError(f"cannot listen on {host}:{port}: {reason}") from None


@app.command()
def worker(
    batch: Annotated[
        bool, typer.Option("--batch", help="Run what is queued, then stop (for cron).")
    ] = False,
    interval: Annotated[
        float, typer.Option(min=0.1, help="Seconds between looks at an empty queue.")
    ] = 1.0,
) -> None:
    """Run background tasks (e-mail delivery) until stopped; several may run at once."""
    _setup()
    from django.core.management import call_command

    from owed.mail.tasks import deliver_due

    # Whatever is due, or was left by a lost task, goes first.
    deliver_due.enqueue()
    err.print("Worker started (Ctrl+C stops after the task at hand).", highlight=False)
    call_command(
        "db_worker",
        queue_name="default",
        interval=interval,
        batch=batch,
        reload=False,
        startup_delay=False,
        verbosity=1,
    )
