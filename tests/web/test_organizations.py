"""A user in several organizations chooses one; the choice is kept in the session."""

from __future__ import annotations

import pytest

from owed.ledger.models import Membership
from tests.web.conftest import logged_in, make_user

pytestmark = pytest.mark.django_db


def test_a_user_in_one_organization_works_in_it_at_once(web, books):
    response = web.get("/")
    assert response.status_code == 200
    assert "Lotus Studio" in response.content.decode()
    assert "Switch organization" not in response.content.decode()


def test_a_user_in_two_organizations_chooses_and_can_switch(org, other_org, books, their):
    user = make_user("lan", (org, Membership.Role.OWNER), (other_org, Membership.Role.MEMBER))
    http = logged_in(user)
    response = http.get("/receivables/")
    assert response.status_code == 302 and response["Location"] == "/organizations/"
    page = http.get("/organizations/").content.decode()
    assert "Lotus Studio" in page and "Other Business" in page
    response = http.post("/organizations/", {"organization": other_org.pk, "next": "/receivables/"})
    assert response.status_code == 302 and response["Location"] == "/receivables/"
    page = http.get("/receivables/").content.decode()
    assert "X-INV-001" in page and "Switch organization" in page
    http.post("/organizations/", {"organization": org.pk})
    page = http.get("/receivables/").content.decode()
    assert "INV-001" in page and "X-INV-001" not in page


def test_a_user_cannot_choose_an_organization_it_is_not_in(org, other_org, web, books):
    response = web.post("/organizations/", {"organization": other_org.pk})
    assert response.status_code == 422
    assert "Choose one of your organizations." in response.content.decode()
    assert web.post("/organizations/", {"organization": "abc"}).status_code == 422
    page = web.get("/").content.decode()
    assert "Lotus Studio" in page


def test_a_user_in_no_organization_is_told_so(db):
    http = logged_in(make_user("nobody"))
    response = http.get("/")
    assert response.status_code == 302
    response = http.get("/organizations/")
    assert response.status_code == 403
    assert "not a member of any organization" in response.content.decode()


def test_an_unsafe_next_address_is_not_followed(org, other_org):
    user = make_user("lan", (org, Membership.Role.OWNER), (other_org, Membership.Role.OWNER))
    http = logged_in(user)
    response = http.post(
        "/organizations/", {"organization": org.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
