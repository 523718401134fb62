"""The `owed` commands of the collections engine: run, promise, dispute, plan, snooze, log,
policy. Like every command, they parse, call a service and print."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from owed.cli import (
    JsonOption,
    OrgOption,
    _org,
    _org_client,
    _parse_day,
    _progress,
    _setup,
    app,
    console,
)
from owed.core.calls import Reason
from owed.errors import OwedError

OnOption = Annotated[
    str | None,
    typer.Option("--on", help="The day it happened, YYYY-MM-DD (default: today)."),
]


def _day(text: str | None, organization) -> date:
    return _parse_day(text, organization.timezone)


def _required_day(text: str, organization, option: str) -> date:
    if not text:
        raise OwedError(f"{option} needs a date (YYYY-MM-DD)")
    return _parse_day(text, organization.timezone)


@app.command("run")
def run_(
    day: Annotated[
        str | None, typer.Option("--date", help="The day to run for (default: today).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be decided; record nothing.")
    ] = False,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """The daily run: decide which step is due for every open invoice, and record it."""
    _setup(as_json=as_json)
    from owed.dunning.presenters import day_rows, decided_rows, sort_rows
    from owed.dunning.run import collections_run
    from owed.dunning.workload import day_counts, end_of_day

    organization = _org(org)
    as_of = _day(day, organization)
    with _progress() as bar:
        task = bar.add_task("Deciding", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = collections_run(
            organization=organization,
            as_of=as_of,
            dry_run=dry_run,
            progress=report,
            keep_actions=dry_run,
            **_chunk_option(),
        )
    rows = day_rows(organization=organization, as_of=as_of)
    if dry_run:
        known = {r["key"] for r in rows}
        unknown = [a for a in result.recorded if a.key not in known]
        rows = sort_rows(rows + decided_rows(organization=organization, actions=unknown))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    print_actions(rows, title=f"Collections for {organization.name} on {as_of}")
    verb = "would record" if dry_run else "recorded"
    console.print(
        f"Looked at {result.invoices_looked_at} invoices; {verb} {result.recorded_count} "
        "new actions.",
        highlight=False,
    )
    counts = day_counts(organization=organization, day=as_of)
    if dry_run:
        counts = counts.with_decided(unknown, end_of_day(organization, as_of))
    said = counts.english(today=organization.today())
    console.print(f"If recorded: {said}." if dry_run else f"{said}.", highlight=False)
    for problem in result.problems:
        console.print(f"[yellow]warning:[/] {problem.subject}: {problem.message}", highlight=False)


def _chunk_option() -> dict:
    """`OWED_RUN_CHUNK`: clients per transaction of a run (a tuning knob; tests use it)."""
    import os

    text = os.environ.get("OWED_RUN_CHUNK", "").strip()
    if not text:
        return {}
    if not text.isdigit() or int(text) < 1:
        raise OwedError(f"OWED_RUN_CHUNK must be a positive whole number, not {text!r}")
    return {"chunk_clients": int(text)}


def print_actions(rows: list[dict], *, title: str) -> None:
    """A Rich table of actions, grouped by step."""
    table = Table(
        "step", "status", "client", "invoices (days late)", "when", "channel", title=title
    )
    previous = None
    for row in rows:
        if previous is not None and row["step"] != previous:
            table.add_section()
        previous = row["step"]
        invoices = ", ".join(f"{x['invoice']} ({x['days_overdue']})" for x in row["lines"])
        table.add_row(
            row["step"].replace("_", " "),
            row["status"],
            f"{row['client_name']} [{row['client_id']}]",
            invoices,
            row["scheduled_for"][:16].replace("T", " "),
            row["channel"],
        )
    console.print(table)


@app.command()
def promise(
    invoice_numbers: Annotated[list[str], typer.Argument(help="Invoice number(s).")],
    until: Annotated[str, typer.Option("--date", help="The promised payment date.")] = "",
    note: Annotated[str, typer.Option(help="What was said.")] = "",
    on: OnOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a promise to pay: the invoices are not chased until that date."""
    _setup(as_json=as_json)
    from owed.dunning.services import invoice_find, promise_record

    organization = _org(org)
    invoices = [invoice_find(organization=organization, number=n) for n in invoice_numbers]
    made = promise_record(
        organization=organization,
        invoices=invoices,
        until=_required_day(until, organization, "--date"),
        on=_day(on, organization),
        note=note,
    )
    _done(
        as_json,
        {"promise": made.pk, "until": str(made.until)},
        f"Promise recorded: pay by {made.until}.",
    )


@app.command()
def dispute(
    invoice_number: Annotated[str, typer.Argument(help="Invoice number.")],
    reason: Annotated[str, typer.Option(help="What the client disputes.")] = "",
    resolve: Annotated[bool, typer.Option("--resolve", help="Close the open dispute.")] = False,
    note: Annotated[str, typer.Option(help="How it was resolved.")] = "",
    on: OnOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open a dispute on an invoice (its ladder pauses), or --resolve it (it resumes)."""
    _setup(as_json=as_json)
    from owed.dunning.services import dispute_open, dispute_resolve, invoice_find

    organization = _org(org)
    invoice = invoice_find(organization=organization, number=invoice_number)
    day = _day(on, organization)
    if resolve:
        if reason:
            raise OwedError("--reason opens a dispute; to resolve one, use --resolve [--note]")
        found = dispute_resolve(organization=organization, invoice=invoice, on=day, resolution=note)
        _done(
            as_json,
            {"dispute": found.pk, "resolved_on": str(day)},
            f"Dispute on {invoice.number} resolved: the ladder resumes.",
        )
        return
    found = dispute_open(organization=organization, invoice=invoice, reason=reason, on=day)
    _done(
        as_json,
        {"dispute": found.pk, "opened_on": str(day)},
        f"Dispute on {invoice.number} opened: its reminders are paused.",
    )


@app.command()
def plan(
    invoice_numbers: Annotated[list[str], typer.Argument(help="Invoice number(s).")],
    instalments: Annotated[int, typer.Option(help="How many instalments.")] = 0,
    every: Annotated[int, typer.Option(help="Days between instalments.")] = 30,
    first: Annotated[
        str | None, typer.Option(help="Due date of the first instalment (default: --on + --every).")
    ] = None,
    grace: Annotated[int, typer.Option(help="Days an instalment may be late.")] = 7,
    on: OnOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Agree a payment plan: the balance in equal instalments."""
    _setup(as_json=as_json)
    from owed.dunning.services import invoice_find, plan_create

    organization = _org(org)
    invoices = [invoice_find(organization=organization, number=n) for n in invoice_numbers]
    made = plan_create(
        organization=organization,
        invoices=invoices,
        instalments=instalments,
        every_days=every,
        on=_day(on, organization),
        first_due=_parse_day(first, organization.timezone) if first else None,
        grace_days=grace,
    )
    rows = [
        {"number": i.number, "due_date": str(i.due_date), "amount": str(i.amount)}
        for i in made.instalments.order_by("number")
    ]
    if as_json:
        print(json.dumps({"ok": True, "plan": made.pk, "instalments": rows}))
        return
    table = Table("#", "due date", "amount", title=f"Payment plan ({made.currency})")
    for r in rows:
        table.add_row(str(r["number"]), r["due_date"], r["amount"])
    console.print(table)


@app.command()
def snooze(
    invoice_number: Annotated[str | None, typer.Argument(help="Invoice number.")] = None,
    client: Annotated[str | None, typer.Option("--client", help="Snooze a whole client.")] = None,
    until: Annotated[str, typer.Option(help="The last day of quiet is the day before this.")] = "",
    note: Annotated[str, typer.Option(help="Why.")] = "",
    on: OnOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Chase nothing for an invoice (or a whole client) until a date."""
    _setup(as_json=as_json)
    from owed.dunning.services import client_find, invoice_find, snooze_create

    organization = _org(org)
    if (invoice_number is None) == (client is None):
        raise OwedError("name either an invoice number or --client ID")
    made = snooze_create(
        organization=organization,
        until=_required_day(until, organization, "--until"),
        on=_day(on, organization),
        invoice=invoice_find(organization=organization, number=invoice_number)
        if invoice_number
        else None,
        client=client_find(organization=organization, code=client) if client else None,
        note=note,
    )
    _done(as_json, {"snooze": made.pk, "until": str(made.until)}, f"Snoozed until {made.until}.")


class LogReason(StrEnum):
    forgot = "forgot"
    invoice_lost = "invoice_lost"
    dissatisfied = "dissatisfied"
    cash_flow = "cash_flow"
    deliberate = "deliberate"
    other = "other"


@app.command("log")
def log_(
    client_code: Annotated[str, typer.Argument(help="The client's id.")],
    call: Annotated[bool, typer.Option("--call", help="A call you made.")] = False,
    not_reached: Annotated[
        bool, typer.Option("--not-reached", help="The call did not reach the client.")
    ] = False,
    reply: Annotated[bool, typer.Option("--reply", help="The client answered.")] = False,
    reason: Annotated[LogReason | None, typer.Option(help="Why the client has not paid.")] = None,
    promise_date: Annotated[
        str | None, typer.Option("--promise", help="The payment date the client promised.")
    ] = None,
    note: Annotated[str, typer.Option(help="What was said.")] = "",
    on: OnOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Log a call (--call), a reply from the client (--reply) or a note."""
    _setup(as_json=as_json)
    from owed.dunning.services import call_log, note_log, reply_log

    organization, found = _org_client(org, client_code)
    day = _day(on, organization)
    if call and reply:
        raise OwedError("log a call or a reply, not both")
    if (reason or promise_date or not_reached) and not call:
        raise OwedError("--reason, --promise and --not-reached describe a call: add --call")
    if call:
        made = call_log(
            organization=organization,
            client=found,
            on=day,
            reached=not not_reached,
            reason=Reason(reason.value) if reason else None,
            promised_for=_parse_day(promise_date, organization.timezone) if promise_date else None,
            note=note,
        )
    elif reply:
        made = reply_log(organization=organization, client=found, on=day, note=note)
    else:
        made = note_log(organization=organization, client=found, on=day, note=note)
    _done(as_json, {"interaction": made.pk}, f"Logged: {made.summary}.")


@app.command("done")
def done_(
    action: Annotated[
        str,
        typer.Argument(
            help="The action's id (shown by owed tasks; GET /api/actions) or key (owed run --json)."
        ),
    ],
    note: Annotated[str, typer.Option(help="What was done.")] = "",
    on: OnOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mark a planned task done (a call, a hand-off to an agency, legal action, a payment
    plan to propose, a dispute to resolve...): the ladder goes on from it and the client's
    timeline says so, with the note."""
    _setup(as_json=as_json)
    from owed.dunning.actions import action_done
    from owed.dunning.models import Action

    organization = _org(org)
    text = action.strip()
    found = Action.objects.filter(organization=organization).select_related("client")
    if text.isdigit():
        target = found.filter(pk=int(text)).first() if len(text) <= 18 else None
    else:
        target = found.filter(key=text).first() if 0 < len(text) <= 120 else None
    if target is None:
        raise OwedError(
            f"no action {text!r} in {organization.slug}: give an action's id or key "
            "(owed tasks, owed run --json)"
        )
    made = action_done(
        organization=organization, action=target, on=_day(on, organization), note=note
    )
    step = made.step.replace("_", " ")
    _done(
        as_json,
        {
            "action": made.pk,
            "key": made.key,
            "step": made.step,
            "status": made.status,
            "client_id": made.client.code,
        },
        f"Done: {step} for {made.client.name} ({made.client.code}).",
    )


policy_app = typer.Typer(help="Show or change the escalation ladder.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")


@policy_app.command("show")
def policy_show(
    name: Annotated[str | None, typer.Option(help="Another policy than the default.")] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the policy's steps (--json gives the file `owed policy edit` reads)."""
    _setup(as_json=as_json)
    from owed.dunning.services import policy_current, policy_segment, policy_to_data

    organization = _org(org)
    data = policy_to_data(policy_current(organization=organization, name=name))
    segment = policy_segment(organization=organization, name=data["name"])
    if segment:
        data["segment"] = segment
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("step", "day", "channels", "to", "conditions", title=f"Policy {data['name']}")
    for s in data["steps"]:
        table.add_row(
            s["code"],
            f"{s['offset_days']:+d}",
            "+".join(s["channels"]),
            s["recipient"],
            ", ".join(s["conditions"]),
        )
    console.print(table)
    for currency, amount in data["minimum_balances"].items():
        console.print(f"Not chased below {amount} {currency}.", highlight=False)
    if segment:
        where = ", ".join(segment.get("countries", [])) or "any country"
        console.print(
            f"For clients in {where}, {segment.get('kind', 'any kind')}, without their own.",
            highlight=False,
        )


@policy_app.command("edit")
def policy_edit(
    path: Annotated[
        Path, typer.Argument(help="A JSON file as printed by `owed policy show --json`.")
    ],
    default: Annotated[
        bool, typer.Option("--default/--not-default", help="Make it the default policy.")
    ] = True,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Save a policy from a JSON file; every invoice it chases is planned again."""
    _setup(as_json=as_json)
    from owed.dunning.services import policy_from_data, policy_save, segment_from_data

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OwedError(f"no file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OwedError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise OwedError(
            f"{path} is not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    policy = policy_from_data(data)
    segment = segment_from_data(data)
    saved = policy_save(
        organization=_org(org),
        policy=policy,
        make_default=default and not any(segment),
        segment=segment,
    )
    _done(
        as_json,
        {"policy": saved.name},
        f"Policy {saved.name} saved; the next run plans every invoice again.",
    )


@policy_app.command("assign")
def policy_assign_(
    client_code: Annotated[str, typer.Argument(help="The client's id.")],
    name: Annotated[
        str | None, typer.Argument(help="A stored policy's name; leave out for the default.")
    ] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Chase one client with another policy (or, without a name, the default one again)."""
    _setup(as_json=as_json)
    from owed.dunning.services import policy_assign

    organization, client = _org_client(org, client_code)
    policy_assign(organization=organization, client=client, name=name)
    _done(
        as_json,
        {"client_id": client.code, "policy": name},
        f"{client.name} is now chased with the {name or 'default'} policy.",
    )


def _done(as_json: bool, data: dict, message: str) -> None:
    if as_json:
        print(json.dumps({"ok": True, **data}, ensure_ascii=False))
    else:
        console.print(message, highlight=False)
