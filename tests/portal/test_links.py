"""Portal links: valid, expired, revoked, tampered, unknown; reuse; no personal data."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from owed.portal import links
from owed.portal.models import PortalLink

from .conftest import path_for


def test_a_valid_link_opens_the_clients_page(client, books):
    response = client.get(path_for(books.client))
    assert response.status_code == 200
    assert "Công ty TNHH Hoa Sen" in response.text
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    link = PortalLink.objects.get(client=books.client)
    assert link.last_used_at is not None


def test_only_the_hash_is_stored_and_the_url_has_no_personal_data(books):
    token = links.portal_token(books.client)
    link = PortalLink.objects.get(client=books.client)
    assert token not in (link.seed, link.token_hash)
    assert link.token_hash == links.token_hash(token)
    url = links.portal_url(books.client)
    assert url == f"http://127.0.0.1:8000/p/{token}/"
    assert url.removeprefix("http://127.0.0.1:8000/p/").removesuffix("/") == token
    assert len(token) >= 43
    assert link.expires_at - link.created_at >= timedelta(days=89)


def test_a_valid_link_is_reused_and_a_fresh_one_made_near_its_end(books):
    first = links.portal_token(books.client)
    assert links.portal_token(books.client) == first
    PortalLink.objects.update(expires_at=timezone.now() + timedelta(days=5))
    second = links.portal_token(books.client)
    assert second != first
    assert PortalLink.objects.filter(client=books.client).count() == 2


def test_the_base_url_comes_from_the_setting(books, settings):
    settings.OWED_BASE_URL = "https://pay.example.com/"
    assert links.portal_url(books.client).startswith("https://pay.example.com/p/")


def test_an_expired_link_is_a_polite_404_in_english_and_the_clients_language(client, books):
    path = path_for(books.client)
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path)
    assert response.status_code == 404
    assert "This link no longer works" in response.text
    assert 'lang="vi"' in response.text
    assert "Công ty" not in response.text


def test_a_revoked_link_is_refused(client, books):
    path = path_for(books.client)
    assert links.revoke(books.client) == 1
    assert client.get(path).status_code == 404
    # A new link works again.
    assert client.get(path_for(books.client)).status_code == 200


def test_a_tampered_or_unknown_token_is_refused(client, books):
    token = links.portal_token(books.client)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (f"/p/{tampered}/", "/p/nothing/", f"/p/{'x' * 300}/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "This link no longer works" in response.text


def test_a_changed_secret_key_invalidates_links(client, books, settings):
    path = path_for(books.client)
    settings.SECRET_KEY = "another secret key, long enough to be a key for sure"
    assert client.get(path).status_code == 404
    assert client.get(path_for(books.client)).status_code == 200


def test_the_messages_portal_link_placeholder_is_the_clients_url(books):
    from owed.documents.compose import action_draft  # noqa: F401
    from owed.documents.values import _portal_link

    url = _portal_link(books.client)
    assert url.startswith("http://127.0.0.1:8000/p/")
    assert url == links.portal_url(books.client)
