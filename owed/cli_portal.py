"""The `owed portal` commands: show, replace or revoke a client's portal link (see
docs/portal.md). Like every command, they parse, call a service and print."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from owed.cli import JsonOption, OrgOption, _org_client, _setup, app, console, err

portal_app = typer.Typer(help="Client portal links: show, replace, revoke.", no_args_is_help=True)
app.add_typer(portal_app, name="portal")

ClientArgument = Annotated[str, typer.Argument(metavar="CLIENT", help="The client id.")]


def _local(value: datetime | None, zone: str) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone or "UTC")).strftime("%Y-%m-%d %H:%M")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@portal_app.command("link")
def portal_link(
    client: ClientArgument,
    new: Annotated[
        bool,
        typer.Option("--new", help="Make a fresh link; the client's earlier links stop working."),
    ] = False,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the client's portal link (made if it has none), the one messages carry."""
    _setup(as_json=as_json)
    from owed.portal.services import link_get, link_renew

    organization, found = _org_client(org, client)
    if new:
        shown = link_renew(organization=organization, client=found)
    else:
        shown = link_get(organization=organization, client=found)
    if as_json:
        answer = {
            "ok": True,
            "client": found.code,
            "url": shown.url,
            "new": shown.made_now,
            "created_at": _iso(shown.created_at),
            "expires_at": _iso(shown.expires_at),
            "last_used_at": _iso(shown.last_used_at),
        }
        print(json.dumps(answer, ensure_ascii=False))
        return
    print(shown.url)
    zone = organization.timezone
    if new and shown.replaced:
        said = f"New portal link for {found.code}: the earlier ones no longer work."
    elif new:
        said = f"New portal link for {found.code}."
    elif shown.made_now:
        said = f"Made a portal link for {found.code}."
    else:
        said = f"Portal link of {found.code}, made {_local(shown.created_at, zone)}."
    said += f" It works until {_local(shown.expires_at, zone)}"
    if shown.last_used_at:
        said += f"; last visited {_local(shown.last_used_at, zone)}"
    err.print(said + ".", highlight=False, markup=False)


@portal_app.command("revoke")
def portal_revoke(
    client: ClientArgument,
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke the client's portal links: they show "This link no longer works" from now on.
    The next message (or `owed portal link`) makes a new one."""
    _setup(as_json=as_json)
    from owed.portal.services import link_revoke

    organization, found = _org_client(org, client)
    revoked = link_revoke(organization=organization, client=found)
    if as_json:
        print(json.dumps({"ok": True, "client": found.code, "revoked": revoked}))
        return
    if revoked:
        links = "link" if revoked == 1 else "links"
        console.print(
            f"Revoked {revoked} portal {links} of {found.code}. The next message, or "
            f"`owed portal link {found.code}`, makes a new one.",
            highlight=False,
            markup=False,
        )
    else:
        console.print(
            f"{found.code} has no valid portal link: nothing to revoke.",
            highlight=False,
            markup=False,
        )
