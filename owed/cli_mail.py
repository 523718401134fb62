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
    invoice_number: Annotated[
        str | None,
        typer.Argument(
            metavar="INVOICE",
            help="Send one step of this invoice's ladder now, instead (with --step).",
            show_default=False,
        ),
    ] = None,
    step: Annotated[
        str | None,
        typer.Option(
            "--step",
            metavar="STEP",
            help="With INVOICE: the step to send now (invoice_copy, reminder, formal_notice...).",
        ),
    ] = None,
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
    that is due (exit code 1 if a message or an action failed). With INVOICE --step STEP,
    send that step of the invoice's ladder now instead."""
    _setup(as_json=as_json)
    if invoice_number is not None or step is not None:
        if dry_run or resend_uncertain or retry_failed or limit:
            raise OwedError(
                "INVOICE --step sends one step now; --dry-run, --resend-uncertain, "
                "--retry-failed and --limit are for the outbox as a whole"
            )
        _send_step(invoice_number, step, org, as_json)
        return
    from django.utils import timezone

    from owed.cli_documents import print_composed
    from owed.documents.outbox import actions_due, queue_due
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
    # What an organization that reviews before sending has not approved yet stays planned.
    awaiting = actions_due(organization=organization, now=timezone.now(), awaiting=True).count()
    if dry_run:
        due = list(
            messages_due(organization=organization, now=timezone.now()).select_related(
                "organization"
            )
        )
        _print_due(due, as_json, composed, awaiting)
        return
    with _progress() as bar:
        task = bar.add_task("Sending", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = deliver_due(organization=organization, limit=limit, progress=report)
    ok = not result.failed and not result.partly_refused and not composed.failed
    if as_json:
        answer = {"ok": ok, "composed": composed.as_dict(), **result.as_dict()}
        answer["awaiting_approval"] = awaiting
        print(json.dumps(answer, ensure_ascii=False))
    else:
        print_composed(composed)
        _print_report(result)
        _print_awaiting(awaiting)
    if not ok:
        raise typer.Exit(1)


def _send_step(number: str | None, step: str | None, org: str | None, as_json: bool) -> None:
    """`owed send INVOICE --step STEP`: that step of the invoice's ladder, now."""
    from owed.cli import _org
    from owed.dunning.services import invoice_find
    from owed.dunning.step_now import invoice_step_send

    if not number:
        raise OwedError("--step needs the invoice: owed send INVOICE --step STEP")
    if not step:
        raise OwedError(
            f"name the step of {number} to send now: owed send {number} --step STEP "
            "(invoice_copy, reminder, formal_notice...)"
        )
    organization = _org(org)
    invoice = invoice_find(organization=organization, number=number)
    sent = invoice_step_send(organization=organization, invoice=invoice, step=step)
    message, delivery = sent.message, sent.delivery
    status = delivery.status if delivery is not None else message.status
    error = delivery.error if delivery is not None else ""
    if as_json:
        answer = {
            "ok": status != "failed",
            "invoice": invoice.number,
            "step": sent.action.step,
            "action": sent.action.pk,
            "message": message.pk,
            "subject": message.subject,
            "to": message.to,
            "status": status,
            "waiting": sent.waiting,
            "send_at": sent.send_at.isoformat(timespec="seconds"),
            "error": error,
        }
        print(json.dumps(answer, ensure_ascii=False))
    else:
        what = f"{sent.action.step.replace('_', ' ')} of {invoice.number} (#{message.pk})"
        if sent.waiting == "later":
            console.print(
                f"Queued the {what}: it goes out at {_local(sent.send_at, sent.action.timezone)}"
                ", when the client may be contacted.",
                highlight=False,
            )
        elif sent.waiting == "no_server":
            err.print(
                f"Queued the {what}, but {organization.slug} has no mail server: it goes "
                "once one is set (`owed mail-server set`).",
                highlight=False,
            )
        elif status == "sent":
            console.print(f"Sent the {what} to {escape(message.to)}.", highlight=False)
        elif status == "queued":
            err.print(
                f"Queued the {what}: not delivered yet ({escape(error)}); tried again at "
                f"{_when(message.next_attempt_at)}.",
                highlight=False,
            )
        else:
            err.print(f"[red]failed[/] the {what}: {escape(error)}", highlight=False)
    if status == "failed":
        raise typer.Exit(1)


def _local(moment, zone: str) -> str:
    """A moment in the client's time zone, with the zone's name."""
    from zoneinfo import ZoneInfo

    try:
        return f"{_when(moment.astimezone(ZoneInfo(zone)))} {zone}"
    except (ValueError, KeyError):
        return f"{_when(moment)} UTC"


def _print_awaiting(count: int) -> None:
    if count:
        err.print(
            f"  [yellow]awaiting approval[/] {count} e-mails or letters: approve them on Today "
            "(review before sending is on).",
            highlight=False,
        )


def _print_due(due: list, as_json: bool, composed, awaiting: int = 0) -> None:
    if as_json:
        from owed.mail.selectors import message_row

        rows = [message_row(m) for m in due]
        answer = {"ok": True, "dry_run": True, "composed": composed.as_dict(), "due": rows}
        answer["awaiting_approval"] = awaiting
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
    _print_awaiting(awaiting)


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


messages_app = typer.Typer(
    help="List the e-mail outbox, retry a failed message or settle an uncertain one.",
    invoke_without_command=True,
)
app.add_typer(messages_app, name="messages")


@messages_app.callback(invoke_without_command=True)
def messages(
    ctx: typer.Context,
    status: Annotated[
        MessageStatus | None, typer.Option(help="Only messages in this state.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the e-mail outbox with each message's status, attempts and last error
    (`owed messages retry ID` queues a failed one again; `owed messages settle ID --sent`
    or `--again` settles an uncertain one)."""
    if ctx.invoked_subcommand is not None:
        return
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


def _message_id(text: str) -> int:
    """A message id as `owed messages` (12) or `owed send` (#12) shows it."""
    digits = text.strip().removeprefix("#")
    if not digits.isdigit():
        raise OwedError(f"{text!r} is not a message id (the id column of `owed messages`)")
    return int(digits)


@messages_app.command("retry")
def messages_retry(
    ids: Annotated[
        list[str], typer.Argument(metavar="ID...", help="The failed message's id (12 or #12).")
    ],
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Queue a failed message again, logged on the client's record.

    Its attempts start from zero; a running worker sends it at once, else the next
    `owed send`. Several ids: all or none."""
    _setup(as_json=as_json)
    from owed.cli import _org
    from owed.mail.selectors import message_row
    from owed.mail.services import message_retry

    organization = _org(org)
    wanted = [_message_id(i) for i in ids]
    from django.db import transaction

    with transaction.atomic():  # all or none
        retried = [message_retry(organization=organization, message_id=pk) for pk in wanted]
    if as_json:
        answer = {"ok": True, "messages": [message_row(m) for m in retried]}
        print(json.dumps(answer, ensure_ascii=False))
        return
    for message in retried:
        console.print(
            f"Message #{message.pk} to {escape(message.to)} is queued again: "
            "`owed send` delivers it (a running `owed worker`, at once).",
            highlight=False,
        )


@messages_app.command("settle")
def messages_settle(
    message_id: Annotated[
        str, typer.Argument(metavar="ID", help="The uncertain message's id (12 or #12).")
    ],
    sent: Annotated[
        bool, typer.Option("--sent", help="It arrived: record it sent, never send it again.")
    ] = False,
    again: Annotated[
        bool,
        typer.Option(
            "--again", help="It did not arrive: send it again (if it did, it arrives twice)."
        ),
    ] = False,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Settle a message whose sending was interrupted (`uncertain`), once you have looked
    in the recipient's mailbox or asked: --sent or --again. Logged on the client's
    record."""
    _setup(as_json=as_json)
    from owed.cli import _org
    from owed.mail.delivery import mark_stale
    from owed.mail.selectors import message_row
    from owed.mail.services import message_settle

    if sent == again:
        raise OwedError(
            "say what became of the message: --sent (it arrived) or --again (send it again)"
        )
    organization = _org(org)
    pk = _message_id(message_id)
    mark_stale(organization=organization)  # one left in sending past the stale time
    message = message_settle(organization=organization, message_id=pk, sent=sent)
    if as_json:
        print(json.dumps({"ok": True, "message": message_row(message)}, ensure_ascii=False))
        return
    if sent:
        console.print(
            f"Message #{message.pk} to {escape(message.to)} is recorded as sent; owed will "
            "not send it again.",
            highlight=False,
        )
        return
    console.print(
        f"Message #{message.pk} to {escape(message.to)} is queued again: `owed send` delivers "
        "it (a running `owed worker`, at once). If it had arrived after all, the client gets "
        "it twice.",
        highlight=False,
    )


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
