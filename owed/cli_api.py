"""The `owed token` commands: create, list and revoke API tokens (see docs/api.md).
Like every command, they parse, call a service and print."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from owed.cli import JsonOption, OrgOption, _org, _setup, app, console, err

token_app = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. accounting-sync.")] = "",
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API token for a member of the organization; it is shown only this once."""
    _setup(as_json=as_json)
    from owed.api.tokens import token_create as create

    organization = _org(org)
    token, key = create(username=username, organization=organization, name=name)
    if as_json:
        answer = {"id": token.pk, "token": key, "prefix": token.prefix, "org": organization.slug}
        print(json.dumps(answer, ensure_ascii=False))
        return
    console.print(
        f"API token {token.pk} for [bold]{escape(username)}[/] in {escape(organization.slug)}:",
        highlight=False,
    )
    print(key)
    err.print(
        "Keep it now: owed stores only its hash and cannot show it again. "
        "Send it as `Authorization: Bearer <token>`.",
        highlight=False,
    )


@token_app.command("list")
def token_list(org: OrgOption = None, as_json: JsonOption = False) -> None:
    """List the API tokens (of one organization with --org), newest first."""
    _setup(as_json=as_json)
    from owed.api.tokens import token_list as tokens

    rows = [
        {
            "id": t.pk,
            "prefix": t.prefix,
            "name": t.name,
            "user": t.user.get_username(),
            "org": t.organization.slug,
            "created_at": _when(t.created_at),
            "last_used_at": _when(t.last_used_at),
            "revoked_at": _when(t.revoked_at),
        }
        for t in tokens(organization=_org(org) if org else None)
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "token", "name", "user", "org", "created", "last used", "revoked")
    for row in rows:
        table.add_row(
            str(row["id"]),
            f"{row['prefix']}…",
            *(escape(row[k]) for k in ("name", "user", "org")),
            row["created_at"],
            row["last_used_at"],
            row["revoked_at"],
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The id `owed token list` shows.")],
    as_json: JsonOption = False,
) -> None:
    """Revoke an API token for good: requests with it are refused from now on."""
    _setup(as_json=as_json)
    from owed.api.tokens import token_revoke as revoke

    token = revoke(token_id=token_id)
    if as_json:
        print(json.dumps({"id": token.pk, "revoked_at": token.revoked_at.isoformat()}))
        return
    console.print(f"API token {token.pk} ({escape(token.prefix)}…) is revoked.", highlight=False)
