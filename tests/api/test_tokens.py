"""API tokens: created for a member, stored hashed, shown once, listed and revoked."""

from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

from owed.api.models import ApiToken
from owed.api.tokens import token_access, token_create, token_revoke
from owed.cli import app
from owed.errors import OwedError
from owed.ledger.models import Membership
from tests.api.conftest import Api, _user


@pytest.mark.django_db
def test_a_token_is_stored_as_its_hash_with_a_visible_prefix(org):
    _user(org, "lan", Membership.Role.MEMBER)

    token, key = token_create(username="lan", organization=org, name="sync")

    assert key.startswith("owed_") and len(key) == 45
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:12]
    assert key not in str(ApiToken.objects.values().get())
    assert token_access(key).role == Membership.Role.MEMBER


@pytest.mark.django_db
def test_a_token_acts_in_one_organization_where_the_user_is_a_member(org, other_org):
    _user(org, "lan", Membership.Role.OWNER)

    with pytest.raises(OwedError, match="not a member of other-business"):
        token_create(username="lan", organization=other_org)
    with pytest.raises(OwedError, match="no user 'nobody'"):
        token_create(username="nobody", organization=org)


@pytest.mark.django_db
def test_a_token_of_a_user_in_two_organizations_sees_only_its_own(org, other_org):
    user = _user(org, "lan", Membership.Role.OWNER)
    Membership.objects.create(organization=other_org, user=user, role=Membership.Role.OWNER)
    mine = Api(token_create(username="lan", organization=org)[1])
    theirs = Api(token_create(username="lan", organization=other_org)[1])
    data = {"code": "C", "name": "C", "country": "VN", "currency": "VND"}

    assert mine.post("/clients", data).status_code == 201
    assert mine.get("/clients").json()["count"] == 1
    assert theirs.get("/clients").json()["count"] == 0


@pytest.mark.django_db
def test_a_token_cannot_be_revoked_twice(org):
    _user(org, "lan", Membership.Role.OWNER)
    token, _ = token_create(username="lan", organization=org)
    token_revoke(token_id=token.pk)

    with pytest.raises(OwedError, match="already revoked"):
        token_revoke(token_id=token.pk)
    with pytest.raises(OwedError, match="no API token 999"):
        token_revoke(token_id=999)


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def owed():
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return run


@pytest.mark.django_db
def test_owed_token_create_prints_the_token_once_and_it_works(org, owed):
    _user(org, "lan", Membership.Role.MEMBER)

    result = owed("token", "create", "lan", "--name", "accounting")

    assert result.exit_code == 0, result.output
    key = next(line for line in result.stdout.splitlines() if line.startswith("owed_"))
    assert "cannot show it again" in result.stderr
    assert Api(key).get("/clients").status_code == 200
    assert ApiToken.objects.get().name == "accounting"


@pytest.mark.django_db
def test_owed_token_list_and_revoke(org, owed):
    _user(org, "lan", Membership.Role.MEMBER)
    created = json.loads(owed("token", "create", "lan", "--json").stdout)

    listed = json.loads(owed("token", "list", "--json").stdout)
    revoked = owed("token", "revoke", created["id"])
    again = owed("token", "revoke", created["id"])

    assert [(t["id"], t["user"], t["org"], t["revoked_at"]) for t in listed] == [
        (created["id"], "lan", "lotus-studio", "")
    ]
    assert created["token"] not in json.dumps(listed)
    assert revoked.exit_code == 0 and "is revoked" in revoked.stdout
    # CliRunner calls the app, not `main`, which would print the OwedError's message.
    assert isinstance(again.exception, OwedError)
    assert "already revoked" in again.exception.message
    assert Api(created["token"]).get("/clients").status_code == 401


@pytest.mark.django_db
def test_owed_token_create_for_a_non_member_fails_with_a_message(org, owed):
    result = owed("token", "create", "nobody")

    assert isinstance(result.exception, OwedError)
    assert "no user 'nobody'" in result.exception.message


@pytest.mark.django_db
def test_the_token_model_has_its_migration():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "api", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
