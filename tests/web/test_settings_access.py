"""Who may do what on the settings pages: every member sees them, only an owner changes
anything (403 for anyone else, whatever the form), a visitor logs in first; the pages
keep the strict Content-Security-Policy, and the header leads to them."""

from __future__ import annotations

import pytest

from owed.ledger.models import Membership, PaymentAccount
from owed.ledger.services import payment_account_add
from tests.web.settings_pages import forms_in
from tests.web.test_csp import check

pytestmark = pytest.mark.django_db

PAGES = (
    "/settings/",
    "/settings/payment/",
    "/settings/payment/add/",
    "/settings/mail/",
    "/settings/users/",
)


@pytest.fixture
def account(org) -> PaymentAccount:
    return payment_account_add(
        organization=org, kind="vn_bank", holder="Lotus", bank_bin="970436", account_number="1"
    )


def posts(org, account, member) -> list[tuple[str, dict]]:
    m = Membership.objects.get(organization=org, user=member)
    return [
        ("/settings/", {"name": "Taken over", "country": "VN", "currency": "VND"}),
        ("/settings/payment/add/", {"kind": "other", "holder": "X", "account_number": "1"}),
        (f"/settings/payment/{account.pk}/", {"kind": "other", "holder": "X"}),
        (f"/settings/payment/{account.pk}/delete/", {}),
        ("/settings/mail/", {"host": "smtp.example.com", "port": "25", "security": "none"}),
        ("/settings/mail/test/", {"test-to": "x@example.com"}),
        ("/settings/users/add/", {"add-username": "x", "add-role": "owner"}),
        (f"/settings/users/{m.pk}/role/", {"role": "owner"}),
        (f"/settings/users/{m.pk}/remove/", {}),
    ]


def test_every_member_sees_every_settings_page(web, web_member, web_reader, account):
    for http in (web, web_member, web_reader):
        for url in (*PAGES, f"/settings/payment/{account.pk}/"):
            assert http.get(url).status_code == 200, url


def test_only_an_owner_gets_forms(web, web_member, web_reader, account):
    for url in (*PAGES, f"/settings/payment/{account.pk}/"):
        if url != "/settings/payment/":  # a list, with a link to the form
            assert forms_in(web.get(url).content.decode()) > 0, url
        for http in (web_member, web_reader):
            assert forms_in(http.get(url).content.decode()) == 0, url


@pytest.mark.parametrize("who", ["web_member", "web_reader"])
def test_every_post_from_a_non_owner_is_refused(request, org, account, member, who):
    http = request.getfixturevalue(who)
    for url, data in posts(org, account, member):
        assert http.post(url, data).status_code == 403, url
    org.refresh_from_db()
    assert org.name == "Lotus Studio"
    assert PaymentAccount.objects.get().holder == "Lotus"
    assert Membership.objects.get(user=member).role == "member"


def test_a_visitor_is_sent_to_the_log_in_page(client, org):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_header_leads_to_the_settings(web, books):
    page = web.get("/").content.decode()
    assert '<a href="/settings/">Settings</a>' in page
    settings = web.get("/settings/payment/").content.decode()
    assert '<a href="/settings/" aria-current="page">Settings</a>' in settings
    assert '<a href="/settings/payment/" aria-current="page">Payment details</a>' in settings


def test_no_settings_page_needs_inline_script_or_style(web, web_member, account):
    pages = [web.get(url).content.decode() for url in (*PAGES, f"/settings/payment/{account.pk}/")]
    pages += [web_member.get(url).content.decode() for url in PAGES]
    # Pages shown again with mistakes, and a new user's password.
    pages.append(web.post("/settings/", {"name": ""}).content.decode())
    pages.append(web.post("/settings/payment/add/", {"kind": "iban"}).content.decode())
    pages.append(web.post("/settings/mail/", {"host": "smtp://"}).content.decode())
    pages.append(
        web.post(
            "/settings/users/add/", {"add-username": "lan", "add-role": "member"}
        ).content.decode()
    )
    for page in pages:
        assert check(page).problems == []
    svg = web.get(f"/settings/payment/{account.pk}/qr.svg").content.decode()
    assert "<script" not in svg and "style=" not in svg


def test_unknown_ids_are_not_found(web, org):
    assert web.get("/settings/payment/999/").status_code == 404
    assert web.get("/settings/payment/999/qr.svg").status_code == 404
    assert web.post("/settings/users/999/role/", {"role": "owner"}).status_code == 404
