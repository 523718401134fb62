"""`owed dossier`: a client's claim file for a collection agency, a lawyer or a court (L11,
L12), as one PDF and, if asked, a ZIP of every document and e-mail. Parses, calls
`owed.documents.dossier` and prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from owed.cli import (
    JsonOption,
    OrgOption,
    _check_writable,
    _org_client,
    _parse_day,
    _setup,
    app,
    err,
)
from owed.errors import OwedError


@app.command("dossier")
def dossier(
    client: Annotated[str, typer.Argument(help="The client id.")],
    invoice: Annotated[
        list[str] | None,
        typer.Option(
            "--invoice", help="An invoice to claim (repeat it; default: every overdue one)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="PDF file to write (default: dossier-CLIENT.pdf, unless only --zip is given).",
        ),
    ] = None,
    zip_file: Annotated[
        Path | None,
        typer.Option("--zip", help="Also write a ZIP: the PDF, each document, the e-mails."),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(help="en, vi, fa or th (default: the organization's language)."),
    ] = None,
    on: Annotated[str | None, typer.Option(help="The day of the dossier (default: today).")] = None,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a client's claim file: summary, timeline, invoices, letters, payments."""
    _setup(as_json=as_json)
    from owed.cli_documents import _language
    from owed.documents.dossier import dossier_build, dossier_file_name, dossier_zip

    language = _language(language)
    organization, found = _org_client(org, client)
    day = _parse_day(on, organization.timezone)
    if output is None and zip_file is None:
        output = Path(dossier_file_name(found))
    for path in (output, zip_file):
        if path is not None:
            _check_writable(path)  # before the work, not after it
    built = dossier_build(found, on=day, numbers=invoice or None, language=language)
    written = []
    try:
        if output is not None:
            output.write_bytes(built.pdf)
            written.append(str(output))
        if zip_file is not None:
            zip_file.write_bytes(dossier_zip(built))
            written.append(str(zip_file))
    except OSError as exc:
        raise OwedError(f"cannot write {exc.filename}: {exc.strerror or exc}") from None
    if as_json:
        answer = {
            "ok": True,
            "client": found.code,
            "language": built.language,
            "on": day.isoformat(),
            "invoices": [p.title for p in built.invoices],
            "letters": len(built.letters),
            "emails": len(built.emails),
            "files": written,
        }
        print(json.dumps(answer, ensure_ascii=False))
    else:
        err.print(
            f"Wrote the dossier of {found.code} to {' and '.join(written)}.",
            highlight=False,
            markup=False,
        )
