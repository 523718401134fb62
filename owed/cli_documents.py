"""The `owed` commands of documents and step texts: `document invoice` (a PDF),
`template show|preview` (the text of a step, and what it says about a real invoice) and
`tasks` (today's calls with their scripts). `owed send` composes the due messages with
`print_composed` here before it delivers them. Like every command, they parse, call a
service and print."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from owed.cli import (
    JsonOption,
    OrgOption,
    _check_writable,
    _org,
    _parse_day,
    _setup,
    app,
    console,
    err,
)
from owed.errors import OwedError

document_app = typer.Typer(
    help="Documents as PDF files: invoices, contracts, plan agreements, receipts, statements.",
    no_args_is_help=True,
)
app.add_typer(document_app, name="document")


LanguageOption = Annotated[
    str | None, typer.Option(help="en, vi, fa or th (default: the client's language).")
]


def _language(language: str | None) -> str | None:
    """`language` as owed's code (``fa`` for ``fa-IR``), None when not given."""
    from owed.core.localize import LanguageError, check_language

    if language is None:
        return None
    try:
        return check_language(language)
    except LanguageError as exc:
        raise OwedError(str(exc)) from None


def _begin(*, as_json: bool, language: str | None, org: str | None):
    """What every `owed document` command starts with: Django set up, the language
    checked (None: the client's), the organization found."""
    _setup(as_json=as_json)
    return _language(language), _org(org)


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="File to write, or - for standard output (default: ID.pdf here)."
    ),
]


def _write_pdf(
    make, *, output: Path | None, default: str, what: str, language, as_json: bool, **more
) -> None:
    """Check `output`, make the PDF with `make()` and write it (or to standard output)."""
    from owed.documents.pdf import safe_name

    to_stdout = output is not None and str(output) == "-"
    if output is None:
        output = Path(f"{safe_name(default, 'invoice')}.pdf")
    if not to_stdout:
        _check_writable(output)  # before the work, not after it
    pdf = make()
    if to_stdout:
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(pdf)
    except OSError as exc:
        raise OwedError(f"cannot write {output}: {exc.strerror or exc}") from None
    if as_json:
        answer = {"ok": True, **more, "language": language, "file": str(output), "bytes": len(pdf)}
        print(json.dumps(answer, ensure_ascii=False))
    else:
        err.print(f"Wrote {what} to {output}.", highlight=False, markup=False)


@document_app.command("invoice")
def invoice(
    number: Annotated[str, typer.Argument(help="The invoice number.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write, or - for standard output (default: NUMBER.pdf)."
        ),
    ] = None,
    language: LanguageOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write an invoice as a PDF, in the client's language or the one given."""
    code, organization = _begin(as_json=as_json, language=language, org=org)
    from owed.documents.services import invoice_pdf
    from owed.dunning.services import invoice_find

    found = invoice_find(organization=organization, number=number)
    _write_pdf(
        lambda: invoice_pdf(found, code),
        output=output,
        default=found.number,
        what=f"invoice {found.number}",
        language=code or found.client.language,
        as_json=as_json,
        invoice=found.number,
    )


@document_app.command("contract")
def contract(
    code: Annotated[str, typer.Argument(help="The contract id.")],
    output: OutputOption = None,
    language: LanguageOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a contract as a PDF: parties, scope, price and schedule, clauses, signatures."""
    code_, organization = _begin(as_json=as_json, language=language, org=org)
    from owed.documents.papers import contract_pdf
    from owed.ledger.models import Contract

    found = (
        Contract.objects.select_related("client", "organization")
        .filter(organization=organization, code=code)
        .first()
    )
    if found is None:
        raise OwedError(f"no contract {code!r}")
    _write_pdf(
        lambda: contract_pdf(found, code_),
        output=output,
        default=found.code,
        what=f"contract {found.code}",
        language=code_ or found.client.language,
        as_json=as_json,
        contract=found.code,
    )


@document_app.command("plan")
def plan(
    plan_id: Annotated[str, typer.Argument(metavar="ID", help="The payment plan's id.")],
    output: OutputOption = None,
    language: LanguageOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a payment plan agreement as a PDF letter: the instalments, grace, signatures."""
    code, organization = _begin(as_json=as_json, language=language, org=org)
    from owed.documents.papers import plan_agreement_pdf
    from owed.dunning.models import Plan

    if not plan_id.isdigit():
        raise OwedError(f"no payment plan {plan_id!r}: a plan's id is a number")
    found = (
        Plan.objects.select_related("client", "organization")
        .filter(organization=organization, pk=int(plan_id))
        .first()
    )
    if found is None:
        raise OwedError(f"no payment plan {plan_id}")
    _write_pdf(
        lambda: plan_agreement_pdf(found, code),
        output=output,
        default=f"plan-{found.pk}",
        what=f"payment plan {found.pk}",
        language=code or found.client.language,
        as_json=as_json,
        plan=found.pk,
    )


@document_app.command("receipt")
def receipt(
    payment: Annotated[
        str, typer.Argument(metavar="PAYMENT", help="The payment's id (its key, or number).")
    ],
    output: OutputOption = None,
    language: LanguageOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the receipt of a payment as a PDF: amount, date, invoices paid, what remains."""
    code, organization = _begin(as_json=as_json, language=language, org=org)
    from owed.documents.papers import receipt_pdf
    from owed.ledger.models import Payment

    payments = Payment.objects.select_related("client", "organization").filter(
        organization=organization
    )
    found = payments.filter(key=payment).first()
    if found is None and payment.isdigit():
        found = payments.filter(pk=int(payment)).first()
    if found is None:
        raise OwedError(f"no payment {payment!r}")
    _write_pdf(
        lambda: receipt_pdf(found, code),
        output=output,
        default=f"receipt-{found.key or found.pk}",
        what=f"the receipt of payment {found.key or found.pk}",
        language=code or found.client.language,
        as_json=as_json,
        payment=found.key or found.pk,
    )


@document_app.command("statement")
def statement(
    client: Annotated[str, typer.Argument(metavar="CLIENT_CODE", help="The client id.")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The statement's day, YYYY-MM-DD (default: today)."),
    ] = None,
    output: OutputOption = None,
    language: LanguageOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a client's statement of account as a PDF: open invoices, totals, payments."""
    code, organization = _begin(as_json=as_json, language=language, org=org)
    from owed.documents.papers import statement_pdf
    from owed.dunning.services import client_find

    day = _parse_day(as_of, organization.timezone)
    found = client_find(organization=organization, code=client)
    _write_pdf(
        lambda: statement_pdf(found, day, code),
        output=output,
        default=f"statement-{found.code}-{day.isoformat()}",
        what=f"the statement of {found.code}",
        language=code or found.language,
        as_json=as_json,
        client=found.code,
        as_of=day.isoformat(),
    )


# --- owed template ------------------------------------------------------------------------

template_app = typer.Typer(
    help="The texts of the collection steps: show them, and try them on an invoice.",
    no_args_is_help=True,
)
app.add_typer(template_app, name="template")


@template_app.command("show")
def template_show(
    step: Annotated[str, typer.Argument(help="The step, e.g. reminder or formal_notice.")],
    language: Annotated[
        str | None,
        typer.Option(help="en, vi, fa or th (default: the organization's language)."),
    ] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the text a step sends: the organization's own, else owed's default."""
    _setup(as_json=as_json)
    from owed.documents import texts

    organization = _org(org)
    code = _language(language) or _language(organization.language) or "en"
    try:
        wording = texts.wording_for(organization=organization, key=step, language=code)
    except KeyError:
        raise OwedError(
            f"no text for the step {step!r}; the steps are: {', '.join(texts.KEYS)}"
        ) from None
    if as_json:
        answer = {
            "step": step,
            "language": code,
            "source": wording.source,
            "subject": wording.subject,
            "body": wording.body,
            "letter_body": wording.letter_body,
            "placeholders": texts.placeholders_in(
                wording.subject + wording.body + wording.letter_body
            ),
        }
        print(json.dumps(answer, ensure_ascii=False))
        return
    whose = "the organization's own" if wording.source == "organization" else "owed's default"
    err.print(f"{step} in {code} ({whose} text)", highlight=False, markup=False)
    console.print(f"Subject: {wording.subject}\n", highlight=False, markup=False)
    console.print(wording.body.rstrip("\n"), highlight=False, markup=False)
    if wording.letter_body:
        console.print("\n--- the letter ---\n", highlight=False, markup=False)
        console.print(wording.letter_body.rstrip("\n"), highlight=False, markup=False)


@template_app.command("preview")
def template_preview(
    step: Annotated[str, typer.Argument(help="The step, e.g. reminder or formal_notice.")],
    invoice: Annotated[str, typer.Option("--invoice", help="The invoice number to use.")],
    language: LanguageOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what a step would send today about one invoice (nothing is sent or recorded).

    An instalment reminder uses the next unpaid instalment of the invoice's payment plan
    and a broken-promise call its latest promise; without one, a sample (said in a note).
    """
    _setup(as_json=as_json)
    from owed.documents import texts
    from owed.documents.compose import preview_step
    from owed.dunning.services import invoice_find

    organization = _org(org)
    code = _language(language)
    found = invoice_find(organization=organization, number=invoice)
    if step not in texts.KEYS and not _is_own_step(organization, step):
        raise OwedError(f"no step {step!r}; the steps are: {', '.join(texts.KEYS)}")
    composed = preview_step(step, invoice=found, language=code)
    if as_json:
        answer = {
            "step": step,
            "invoice": found.number,
            "language": composed.language,
            "source": composed.source,
            "to": list(composed.to),
            "cc": list(composed.cc),
            "subject": composed.subject,
            "text": composed.text,
            "letter_text": composed.letter_text,
            "notes": list(composed.notes),
            "samples": list(composed.samples),
        }
        print(json.dumps(answer, ensure_ascii=False))
        return
    if composed.to:
        err.print(f"To: {', '.join(composed.to)}", highlight=False, markup=False)
    if composed.cc:
        err.print(f"Cc: {', '.join(composed.cc)}", highlight=False, markup=False)
    console.print(f"Subject: {composed.subject}\n", highlight=False, markup=False)
    console.print(composed.text.rstrip("\n"), highlight=False, markup=False)
    if composed.letter_text:
        console.print("\n--- the letter ---\n", highlight=False, markup=False)
        console.print(composed.letter_text, highlight=False, markup=False)
    for note in composed.notes:
        err.print(f"note: {note}", highlight=False, markup=False)


def _is_own_step(organization, step: str) -> bool:
    from owed.dunning.models import PolicyStep

    return PolicyStep.objects.filter(policy__organization=organization, code=step).exists()


# --- owed tasks ---------------------------------------------------------------------------


@app.command("tasks")
def tasks(
    day: Annotated[
        str | None, typer.Option("--date", help="The day, YYYY-MM-DD (default: today).")
    ] = None,
    language: LanguageOption = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the calls to make on a day (and those still open from earlier), each with its
    script: ask about the work, state the facts, ask why, agree a date."""
    _setup(as_json=as_json)
    from django.db.models import Prefetch

    from owed.core.facts import CALL_TASKS
    from owed.documents.compose import call_script
    from owed.dunning.models import Action
    from owed.ledger.models import Contact

    organization = _org(org)
    code = _language(language)
    on = _parse_day(day, organization.timezone)
    with_phone = Contact.objects.exclude(phone="").order_by("role", "id")
    planned = (
        Action.objects.filter(
            organization=organization,
            status=Action.Status.PLANNED,
            step__in=sorted(CALL_TASKS),
            decided_on__lte=on,
        )
        .select_related("client", "organization")
        .prefetch_related("lines", Prefetch("client__contacts", with_phone, to_attr="phones"))
        .order_by("scheduled_for", "id")
    )
    rows = []
    for action in planned:
        rows.append(
            {
                "action": action.pk,
                "client": action.client.code,
                "client_name": action.client.name,
                "step": action.step,
                "since": action.decided_on.isoformat(),
                "phones": [{"name": c.name, "phone": c.phone} for c in action.client.phones],
                "script": call_script(action, code, today=on),
            }
        )
    if as_json:
        print(json.dumps({"date": on.isoformat(), "tasks": rows}, ensure_ascii=False))
        return
    for row in rows:
        since = "" if row["since"] == on.isoformat() else f", open since {row['since']}"
        who = "; ".join(f"{p['name'] or '-'} {p['phone']}" for p in row["phones"]) or "no phone"
        console.print(
            f"[bold]{escape(row['client_name'])}[/] ({escape(row['client'])}), "
            f"{row['step'].replace('_', ' ')}{since}: {escape(who)} [dim](task {row['action']})[/]",
            highlight=False,
        )
        for number, point in enumerate(row["script"], start=1):
            shown = escape(point).replace("\n", "\n     ")  # a list's lines under its point
            console.print(f"  {number}. {shown}", highlight=False)
        console.print()
    console.print(f"{len(rows)} calls for {on.isoformat()}.", highlight=False)
    if rows:
        console.print("Once a call is made: owed log CLIENT --call ..., or owed done TASK.")


# --- composing before `owed send` delivers ------------------------------------------------


def print_composed(report) -> None:
    """What `owed send` composed (or, with --dry-run, would compose) from the due actions."""
    if not report.outcomes:
        return
    verb = "Would compose" if report.dry_run else "Composed"
    console.print(
        f"{verb} {len(report.queued)} messages from due actions; "
        f"{len(report.failed)} failed, {len(report.skipped)} skipped.",
        highlight=False,
    )
    for outcome in report.outcomes:
        if outcome.status in ("queued", "would_queue"):
            line = f"  {outcome.client} {outcome.step}: {escape(outcome.subject)}"
            console.print(line, highlight=False)
            for note in outcome.notes:
                console.print(f"    note: {escape(note)}", highlight=False)
            continue
        colour = "red" if "fail" in outcome.status else "yellow"
        reason = "; ".join(outcome.notes)
        err.print(
            f"  [{colour}]{outcome.status.replace('_', ' ')}[/] action {outcome.action} "
            f"({outcome.client} {outcome.step}): {escape(reason)}",
            highlight=False,
        )
