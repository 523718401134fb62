"""Users: the members and their roles; an owner adds a user (with a password typed or made
up and shown once), changes a role, removes a member. The last owner can be neither
demoted nor removed; a user of several organizations keeps their account."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as HttpClient

from owed.ledger.models import Membership
from tests.web.conftest import PASSWORD, logged_in, make_user
from tests.web.settings_pages import forms_in, main_of

pytestmark = pytest.mark.django_db
User = get_user_model()


def add(web, **fields):
    data = {"username": "lan", "email": "lan@lotus.vn", "role": "member", "password": ""}
    return web.post("/settings/users/add/", {f"add-{k}": v for k, v in {**data, **fields}.items()})


def can_log_in(username: str, password: str) -> bool:
    return HttpClient().login(username=username, password=password)


def membership(org, user) -> Membership:
    return Membership.objects.get(organization=org, user=user)


def test_the_list_shows_every_member_with_their_role(web, org, owner, member, reader, other_org):
    make_user("stranger", (other_org, Membership.Role.OWNER))
    page = main_of(web.get("/settings/users/").content.decode())
    for name, role in (("mai", "Owner"), ("an", "Member"), ("binh", "Read-only")):
        row = page.split(f"<bdi>{name}</bdi>", 1)[1].split("</tr>", 1)[0]
        assert f"<td>{role}" in row
    assert "stranger" not in page
    assert "(the only owner)" in page


def test_an_owner_adds_a_user_with_a_password_they_typed(web, org):
    response = add(web, password="a good long password", role="read_only")
    assert response.status_code == 200
    page = response.content.decode()
    assert "lan is added." in page and "a good long password" not in page
    user = User.objects.get(username="lan")
    assert user.email == "lan@lotus.vn" and user.is_staff and not user.is_superuser
    assert membership(org, user).role == "read_only"
    assert can_log_in("lan", "a good long password")
    # Read-only everywhere: the admin lets them view, not change.
    assert user.has_perm("ledger.view_invoice") and not user.has_perm("ledger.change_invoice")


def test_a_password_made_up_for_the_user_is_shown_once(web, org):
    response = add(web)
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    [password] = re.findall(r'<code class="password" dir="ltr">([^<]+)</code>', page)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    assert can_log_in("lan", password)
    assert password not in web.get("/settings/users/").content.decode()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"password": "short"}, "This password is too short."),
        ({"password": "password123"}, "This password is too common."),
        ({"username": ""}, "This field is required."),
        ({"username": "lan nguyen"}, "A user name may hold letters, digits"),
        ({"email": "lan at lotus"}, "Enter a valid email address."),
        ({"role": "admin"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_message(web, org, fields, error):
    response = add(web, **fields)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not User.objects.filter(username__in=["lan", "lan nguyen"]).exists()


def test_a_user_name_taken_in_another_organization_is_refused_and_not_shared(web, org, other_org):
    stranger = make_user("lan", (other_org, Membership.Role.OWNER))
    response = add(web, password="a good long password")
    assert response.status_code == 422
    assert "The user name lan is taken on this installation" in response.content.decode()
    assert not Membership.objects.filter(organization=org, user=stranger).exists()
    assert can_log_in("lan", PASSWORD)  # their password is untouched


def test_a_member_added_again_is_refused(web, org, member):
    response = add(web, username="AN")
    assert response.status_code == 422
    assert "AN is a member already" in response.content.decode()


def test_an_owner_changes_a_members_role(web, org, member):
    m = membership(org, member)
    response = web.post(f"/settings/users/{m.pk}/role/", {"role": "owner"})
    assert response.status_code == 302
    assert membership(org, member).role == "owner"
    assert "an is now: Owner." in web.get("/settings/users/").content.decode()


def test_the_last_owner_cannot_be_demoted(web, org, owner):
    m = membership(org, owner)
    response = web.post(f"/settings/users/{m.pk}/role/", {"role": "member"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "mai is the only owner: make another member an owner first" in page
    assert 'role="alert"' in page
    assert membership(org, owner).role == "owner"


def test_an_owner_may_step_down_once_another_is_owner(web, org, owner, member):
    Membership.objects.filter(user=member).update(role="owner")
    m = membership(org, owner)
    assert web.post(f"/settings/users/{m.pk}/role/", {"role": "member"}).status_code == 302
    assert membership(org, owner).role == "member"
    # Now a member: the page is read-only for them.
    assert forms_in(web.get("/settings/users/").content.decode()) == 0
    assert web.post(f"/settings/users/{m.pk}/role/", {"role": "owner"}).status_code == 403


def test_an_unknown_role_is_refused(web, org, member):
    m = membership(org, member)
    response = web.post(f"/settings/users/{m.pk}/role/", {"role": "boss"})
    assert response.status_code == 422
    assert "Choose a role" in response.content.decode()


def test_the_last_owner_cannot_remove_themselves(web, org, owner):
    m = membership(org, owner)
    response = web.post(f"/settings/users/{m.pk}/remove/")
    assert response.status_code == 422
    assert "mai is the only owner and cannot be removed" in response.content.decode()
    assert Membership.objects.filter(pk=m.pk).exists()


def test_an_owner_may_leave_once_another_is_owner(web, org, owner, member):
    Membership.objects.filter(user=member).update(role="owner")
    response = web.post(f"/settings/users/{membership(org, owner).pk}/remove/")
    assert response.status_code == 302 and response["Location"] == "/organizations/"
    assert not Membership.objects.filter(user=owner).exists()


def test_a_member_of_only_this_organization_is_removed_with_their_account(web, org, member):
    response = web.post(f"/settings/users/{membership(org, member).pk}/remove/")
    assert response.status_code == 302
    assert not User.objects.filter(username="an").exists()
    assert "an is no longer a member." in web.get("/settings/users/").content.decode()


def test_a_member_of_several_organizations_keeps_their_account(web, org, other_org):
    both = make_user("lan", (org, Membership.Role.MEMBER), (other_org, Membership.Role.MEMBER))
    web.post(f"/settings/users/{membership(org, both).pk}/remove/")
    assert User.objects.filter(pk=both.pk).exists()
    assert list(Membership.objects.filter(user=both).values_list("organization", flat=True)) == [
        other_org.pk
    ]
    assert can_log_in("lan", PASSWORD)


def test_a_removed_member_can_no_longer_open_the_organization(web, org, other_org):
    both = make_user("lan", (org, Membership.Role.MEMBER), (other_org, Membership.Role.MEMBER))
    theirs = logged_in(both)
    theirs.post("/organizations/", {"organization": org.pk})
    assert theirs.get("/settings/").status_code == 200
    web.post(f"/settings/users/{membership(org, both).pk}/remove/")
    # Their one organization left is the one they work in now.
    page = theirs.get("/settings/").content.decode()
    assert "Other Business" in page and "Lotus Studio" not in page


def test_another_organizations_member_is_not_found(web, org, other_org):
    stranger = make_user("stranger", (other_org, Membership.Role.OWNER))
    m = membership(other_org, stranger)
    assert web.post(f"/settings/users/{m.pk}/role/", {"role": "read_only"}).status_code == 404
    assert web.post(f"/settings/users/{m.pk}/remove/").status_code == 404
    assert membership(other_org, stranger).role == "owner"


@pytest.mark.parametrize("who", ["web_member", "web_reader"])
def test_a_member_or_reader_sees_the_list_and_changes_nothing(request, org, owner, who):
    http = request.getfixturevalue(who)
    page = http.get("/settings/users/").content.decode()
    assert forms_in(page) == 0 and "<bdi>mai</bdi>" in page
    m = membership(org, owner)
    assert add(http, password="a good long password").status_code == 403
    assert http.post(f"/settings/users/{m.pk}/role/", {"role": "member"}).status_code == 403
    assert http.post(f"/settings/users/{m.pk}/remove/").status_code == 403
    assert not User.objects.filter(username="lan").exists()
    assert membership(org, owner).role == "owner"


def test_the_list_takes_as_many_queries_for_many_members_as_for_one(
    web, org, owner, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        web.get("/settings/users/")
    for n in range(10):
        make_user(f"user{n}", (org, Membership.Role.MEMBER))
    with django_assert_max_num_queries(len(one)):
        assert web.get("/settings/users/").status_code == 200
