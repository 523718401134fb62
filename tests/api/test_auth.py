"""Who may use the API: a valid token reads; only an owner's or member's token writes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from owed.api.models import ApiToken
from owed.api.tokens import token_revoke
from owed.ledger.models import Client, Membership
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db

NEW_CLIENT = {"code": "NEW", "name": "New Client", "country": "VN", "currency": "VND"}


def _unauthorized(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthorized"
    assert set(response.json()) == {"code", "message", "details"}


def test_a_request_without_a_token_is_refused_with_401(anonymous):
    _unauthorized(anonymous.get("/clients"))


def test_an_unknown_token_is_refused_like_a_missing_one(api):
    _unauthorized(Api("owed_" + "x" * 40).get("/clients"))
    _unauthorized(Api("not-even-owed").get("/clients"))


def test_a_header_that_is_not_bearer_is_refused(api):
    response = api.get("/clients", headers={"Authorization": f"Token {api.token}"})
    _unauthorized(response)


def test_a_revoked_token_no_longer_works(api):
    assert api.get("/clients").status_code == 200
    token_revoke(token_id=ApiToken.objects.get().pk)

    _unauthorized(api.get("/clients"))


def test_a_token_stops_working_when_its_user_leaves_the_organization(api, org):
    Membership.objects.filter(organization=org).delete()

    _unauthorized(api.get("/clients"))


def test_a_token_of_an_inactive_user_does_not_work(api):
    get_user_model().objects.filter(username="owner").update(is_active=False)

    _unauthorized(api.get("/clients"))


def test_a_read_only_member_can_read(reader_api, ledger):
    response = reader_api.get("/invoices")

    assert response.status_code == 200
    assert response.json()["count"] == 5


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/clients", NEW_CLIENT),
        ("patch", "/clients/{client}", {"name": "Renamed"}),
        ("post", "/interactions/notes", {"client_id": "{client}", "note": "hi"}),
        ("post", "/disputes/{dispute}/resolve", {}),
    ],
)
def test_a_read_only_member_cannot_write(reader_api, ledger, method, path, data):
    ids = {"client": ledger.client.pk, "dispute": ledger.dispute.pk}
    data = {k: int(v.format(**ids)) if v == "{client}" else v for k, v in data.items()}

    response = getattr(reader_api, method)(path.format(**ids), data)

    assert response.status_code == 403
    assert response.json()["code"] == "read_only"
    assert Client.objects.get(pk=ledger.client.pk).name == "Sen Vang Co."
    assert not Client.objects.filter(code="NEW").exists()


def test_a_member_can_write(member_api, org):
    response = member_api.post("/clients", NEW_CLIENT)

    assert response.status_code == 201, response.json()
    assert Client.objects.get(organization=org, code="NEW").name == "New Client"


def test_using_a_token_records_when_it_was_last_used(api):
    before = timezone.now()
    api.get("/clients")

    token = ApiToken.objects.get()
    assert token.last_used_at is not None and token.last_used_at >= before


def test_the_openapi_schema_and_its_pages_need_no_token(anonymous):
    schema = anonymous.get("/openapi.json")
    docs = anonymous.get("/docs")

    assert schema.status_code == 200
    assert schema.json()["info"] == {
        "title": "owed API",
        "version": "1",
        "description": schema.json()["info"]["description"],
    }
    assert schema.json()["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert docs.status_code == 200
