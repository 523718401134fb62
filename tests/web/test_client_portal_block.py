"""The "Portal link" block on a client's page: the link to copy, when it was made and last
visited, and the Revoke and New link forms (owners and members; read-only sees no form)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from playwright.sync_api import expect

from owed.dunning.models import Interaction
from owed.portal import links
from owed.portal.models import PortalLink
from tests.browser import chromium
from tests.web.test_browser import ARTEFACTS, Tab

pytestmark = pytest.mark.django_db

PAGE = "/clients/HOASEN/"


def _path(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def test_without_a_link_the_block_says_so_and_offers_to_make_one(web, books):
    text = web.get(PAGE).text

    assert "Portal link" in text
    assert "No valid link at the moment" in text
    assert 'value="portal_new"' in text
    assert 'value="portal_revoke"' not in text
    assert not PortalLink.objects.exists()  # looking makes nothing


def test_the_link_is_shown_read_only_with_when_it_was_made_and_visited(web, books, client):
    url = links.portal_url(books.client)
    assert "Last visited" in web.get(PAGE).text
    assert "not yet" in web.get(PAGE).text
    client.get(_path(url))  # the client opens it

    text = web.get(PAGE).text

    assert f'id="portal-url" value="{url}" readonly' in text
    assert "not yet" not in text
    assert 'value="portal_revoke"' in text and 'value="portal_new"' in text
    assert "web/copy.js" in text
    assert "<script>" not in text and "style=" not in text


def test_revoke_stops_the_link_and_logs_it(web, books, client):
    url = links.portal_url(books.client)

    response = web.post(PAGE, {"form": "portal_revoke"})

    assert response.status_code == 302
    followed = web.get(response["Location"]).text
    assert "Portal link revoked" in followed
    assert "No valid link at the moment" in followed
    gone = client.get(_path(url))
    assert gone.status_code == 404 and "This link no longer works" in gone.text
    assert Interaction.objects.filter(summary="Revoked the client's portal link.").exists()


def test_new_link_replaces_the_old_one(web_member, books, client):
    old = links.portal_url(books.client)

    response = web_member.post(PAGE, {"form": "portal_new"})

    assert response.status_code == 302
    text = web_member.get(PAGE).text
    assert "New portal link made" in text
    new = links.portal_url(books.client)
    assert new != old and f'value="{new}"' in text
    assert client.get(_path(old)).status_code == 404
    assert client.get(_path(new)).status_code == 200


def test_read_only_sees_the_link_without_forms_and_cannot_post(web_reader, books):
    url = links.portal_url(books.client)

    text = web_reader.get(PAGE).text

    assert f'value="{url}"' in text
    assert 'value="portal_revoke"' not in text and 'value="portal_new"' not in text
    assert web_reader.post(PAGE, {"form": "portal_revoke"}).status_code == 403
    assert links.current(books.client) is not None


def test_another_organizations_client_and_an_unknown_form(web, books, their):
    theirs = links.portal_url(their.client)

    assert web.post("/clients/THISTLE/", {"form": "portal_revoke"}).status_code == 404
    assert links.portal_url(their.client) == theirs
    assert web.post(PAGE, {"form": "nonsense"}).status_code == 400


def test_the_block_reads_in_persian(web, books, owner):
    from owed.web.models import Profile

    Profile.objects.update_or_create(user=owner, defaults={"language": "fa"})
    links.portal_url(books.client)

    text = web.get(PAGE).text

    assert '<html lang="fa" dir="rtl">' in text
    assert 'id="portal-url"' in text and 'dir="ltr"' in text


def test_csrf_is_enforced(owner, books):
    strict = HttpClient(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post(PAGE, {"form": "portal_new"}).status_code == 403
    assert not PortalLink.objects.exists()


@pytest.fixture(scope="module")
def browser():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as opened:
        yield opened


def test_make_and_copy_the_link_in_a_browser_from_a_phone(browser, live_server, books, owner):
    tab = Tab(browser, live_server.url, width=390, height=844)
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    try:
        tab.log_in()
        page = tab.open(PAGE)
        block = page.locator(".portal-link")
        expect(block).to_contain_text("No valid link at the moment")
        page.evaluate("window.stillTheSamePage = true")
        block.get_by_text("New link", exact=True).click()
        block.get_by_role("button", name="Make a new link").click()

        expect(page.locator(".messages")).to_contain_text("Portal link made.")
        assert page.evaluate("window.stillTheSamePage") is True  # htmx swapped the content
        field = page.locator("#portal-url")
        url = links.current(books.client)[0]
        expect(field).to_have_attribute("readonly", "")
        value = field.input_value()
        assert value.startswith("http://127.0.0.1:8000/p/")
        copy = block.get_by_role("button", name="Copy")
        expect(copy).to_be_visible()
        copy.click()
        expect(block.locator(".copy-status")).to_have_text("Copied.")
        assert page.evaluate("navigator.clipboard.readText()") == value
        assert url is not None
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        tab.shot("client-portal-link-390")
        assert tab.problems == []
    finally:
        tab.close()
