"""`owed portal link` and `owed portal revoke`, through the real entry point in this process."""

from __future__ import annotations

import pytest

from owed.dunning.models import Interaction
from owed.portal import links
from owed.portal.models import PortalLink
from tests.test_cli_collections import fails

pytestmark = pytest.mark.django_db


def _token(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000/p/").removesuffix("/")


def test_link_prints_the_clients_url_and_makes_it_on_first_use(owed, books, client):
    result = owed("portal", "link", "HOASEN")

    assert result.code == 0, result.stderr
    url = result.stdout.strip()
    assert url == links.portal_url(books.client)
    assert "Made a portal link for HOASEN" in result.stderr
    assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    # The second time it is the same link, not a new one.
    again = owed("portal", "link", "HOASEN")
    assert again.stdout.strip() == url
    assert "Portal link of HOASEN, made" in again.stderr
    assert "last visited" in again.stderr
    assert PortalLink.objects.filter(client=books.client).count() == 1


def test_link_new_replaces_the_link_and_the_old_one_stops_working(owed, books, client):
    old = links.portal_url(books.client)

    result = owed("portal", "link", "HOASEN", "--new")

    assert result.code == 0, result.stderr
    new = result.stdout.strip()
    assert new != old and _token(new)
    assert "the earlier ones no longer work" in result.stderr
    gone = client.get(old.removeprefix("http://127.0.0.1:8000"))
    assert gone.status_code == 404
    assert 'lang="vi"' in gone.text
    assert client.get(new.removeprefix("http://127.0.0.1:8000")).status_code == 200
    note = Interaction.objects.filter(client=books.client).latest("pk")
    assert note.summary.startswith("Made a new portal link")


def test_revoke_makes_the_link_show_the_no_longer_valid_page(owed, books, client):
    path = links.portal_path(links.portal_token(books.client))

    result = owed("portal", "revoke", "HOASEN")

    assert result.code == 0, result.stderr
    assert "Revoked 1 portal link of HOASEN" in result.stdout
    response = client.get(path)
    assert response.status_code == 404
    assert "This link no longer works" in response.text
    assert 'lang="vi"' in response.text
    assert Interaction.objects.filter(
        client=books.client, summary="Revoked the client's portal link."
    ).exists()
    nothing = owed("portal", "revoke", "HOASEN")
    assert nothing.code == 0
    assert "HOASEN has no valid portal link: nothing to revoke." in nothing.stdout


def test_json_output(owed, books):
    made = owed("portal", "link", "HOASEN", "--json").json
    assert made["ok"] and made["client"] == "HOASEN" and made["new"] is True
    assert made["url"].startswith("http://127.0.0.1:8000/p/")
    assert made["expires_at"] > made["created_at"]
    assert made["last_used_at"] is None
    assert owed("portal", "revoke", "HOASEN", "--json").json == {
        "ok": True,
        "client": "HOASEN",
        "revoked": 1,
    }


def test_an_unknown_client_is_a_clear_error(owed, books):
    fails(owed("portal", "link", "NOBODY"), f"no client with id 'NOBODY' in {books.org.slug}")
    fails(owed("portal", "revoke", "NOBODY"), f"no client with id 'NOBODY' in {books.org.slug}")
    answer = owed("portal", "link", "NOBODY", "--json")
    assert answer.code == 1 and answer.json["ok"] is False


def test_several_organizations_need_org(owed, books, their):
    result = owed("portal", "link", "HOASEN")
    assert result.code == 1
    assert "several organizations" in result.stderr and "--org" in result.stderr
    assert "Traceback" not in result.stderr

    chosen = owed("portal", "link", "THISTLE", "--org", their.org.slug)
    assert chosen.code == 0, chosen.stderr
    assert chosen.stdout.strip() == links.portal_url(their.client)
    # Another organization's client is not found under this one.
    fails(
        owed("portal", "revoke", "THISTLE", "--org", books.org.slug),
        f"no client with id 'THISTLE' in {books.org.slug}",
    )
