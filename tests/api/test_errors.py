"""Every failure answers JSON `{"code", "message", "details"}`, never a page or a traceback."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from owed.api.routers import clients

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "details"}


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == code
    assert body["message"]
    return body


def test_a_schema_error_is_422_with_each_field_named(api, ledger):
    response = api.post(
        "/invoices",
        {
            "client_id": "first",
            "number": "",
            "issue_date": "22/11/2026",
            "due_date": "2026-12-01",
            "lines": [{"description": "Work", "unit_price": "1,5"}],
        },
    )

    body = _error(response, 422, "schema")
    assert {d["field"] for d in body["details"]} == {
        "client_id",
        "number",
        "issue_date",
        "lines.0.unit_price",
    }


def test_a_query_parameter_of_the_wrong_type_is_422(api):
    body = _error(api.get("/invoices", overdue="perhaps", due_from="soon"), 422, "schema")

    assert {d["field"] for d in body["details"]} == {"overdue", "due_from"}


def test_a_date_beyond_the_years_owed_takes_is_422(api, ledger):
    body = _error(
        api.post("/promises", {"invoice_ids": [ledger.overdue.pk], "until": "9999-12-31"}),
        422,
        "schema",
    )

    assert body["details"][0]["field"] == "until"


def test_text_with_a_nul_character_is_422(api, ledger):
    body = _error(
        api.post("/interactions/notes", {"client_id": ledger.client.pk, "note": "a\x00b"}),
        422,
        "schema",
    )

    assert body["details"][0]["field"] == "note"


def test_a_body_that_is_not_json_is_400(api):
    response = api.http.post(
        "/api/clients",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )

    _error(response, 400, "malformed")


def test_a_refusal_by_the_model_is_400_with_field_details(api, ledger):
    response = api.patch(f"/clients/{ledger.client.pk}", {"tax_id": "123"})

    body = _error(response, 400, "invalid")
    assert body["details"] == [{"field": "tax_id", "message": "This is not a valid tax id for VN."}]


def test_a_refusal_by_a_service_is_400(api, ledger):
    body = _error(
        api.post(
            "/interactions/calls",
            {"client_id": ledger.client.pk, "reached": False, "promised_for": "2026-12-01"},
        ),
        400,
        "invalid",
    )

    assert body["message"] == "a promise needs a call that reached the client"


def test_an_unknown_url_under_the_api_is_a_json_404(api):
    _error(api.get("/nothing/here"), 404, "not_found")
    _error(api.get("/clients/not-a-number"), 404, "not_found")


def test_a_method_the_url_does_not_take_is_a_json_405(api, ledger):
    response = api.http.delete(
        f"/api/clients/{ledger.client.pk}", headers={"Authorization": f"Bearer {api.token}"}
    )

    _error(response, 405, "method_not_allowed")
    assert "PATCH" in response["Allow"]


def test_a_bug_is_a_json_500_without_details(api, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(clients, "page", broken)

    body = _error(api.get("/clients"), 500, "server_error")

    assert "secret" not in str(body)
    assert body["details"] == []
    assert "secret internals" in caplog.text


def test_messages_follow_the_accept_language_header(api):
    response = HttpClient(headers={"Accept-Language": "vi"}).get("/api/clients")

    body = _error(response, 401, "unauthorized")
    assert body["message"] != "Give a valid API token: Authorization: Bearer <token>."


def test_the_docs_page_runs_no_inline_script_and_serves_its_own_files(anonymous):
    page = anonymous.get("/docs")
    bundle = anonymous.get("/docs/swagger-ui-bundle.js")

    html = page.content.decode()
    assert page.status_code == 200
    assert "cdn." not in html
    assert '<script type="application/json" id="swagger-settings">' in html.replace(
        'id="swagger-settings" type="application/json"',
        'type="application/json" id="swagger-settings"',
    )
    assert all("src=" in tag for tag in html.split("<script")[2:])
    assert bundle.status_code == 200
    assert bundle["Content-Type"] == "text/javascript"
    _error(anonymous.get("/docs/secrets.py"), 404, "not_found")
