"""Logging in and out, log-in throttling, and CSRF on every form."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from owed.web import throttle
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(http: HttpClient, password: str, username: str = "mai", address: str = "10.0.0.1"):
    return http.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_logging_in_leads_to_today(client, owner, books):
    response = log_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_logging_in_returns_to_the_page_asked_for(client, owner, books):
    response = client.post(
        "/login/?next=/receivables/",
        {"username": "mai", "password": PASSWORD, "next": "/receivables/"},
    )
    assert response["Location"] == "/receivables/"


def test_a_wrong_password_says_so(client, owner):
    response = log_in(client, "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()


def test_five_failures_block_the_user_name_from_that_address_for_15_minutes(client, owner):
    for _ in range(throttle.LIMIT - 1):
        assert "Too many failed log-ins" not in log_in(client, "wrong").content.decode()
    page = log_in(client, "wrong").content.decode()
    assert "Too many failed log-ins for this user name. Try again in 15 minutes." in page
    # Even the right password is refused now, from that address...
    response = log_in(client, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed log-ins" in response.content.decode()
    assert client.get("/").status_code == 302
    # ...but not from another address, nor for another user name.
    assert log_in(HttpClient(), PASSWORD, address="10.0.0.2").status_code == 302
    page = log_in(HttpClient(), "wrong", username="someone-else").content.decode()
    assert "Too many failed log-ins" not in page


def test_the_block_ends_when_the_window_has_passed(client, owner, monkeypatch):
    for _ in range(throttle.LIMIT):
        log_in(client, "wrong")
    assert throttle.blocked_for("mai", "10.0.0.1") > 0
    real = throttle.time.time
    monkeypatch.setattr(throttle.time, "time", lambda: real() + throttle.WINDOW + 1)
    assert throttle.blocked_for("mai", "10.0.0.1") == 0
    assert log_in(client, PASSWORD).status_code == 302


def test_the_user_name_is_counted_whatever_its_case(client, owner):
    for _ in range(throttle.LIMIT):
        log_in(client, "wrong", username="MAI")
    assert "Too many failed log-ins" in log_in(client, PASSWORD).content.decode()


def test_a_successful_log_in_clears_the_count(client, owner):
    for _ in range(throttle.LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    assert throttle.blocked_for("mai", "10.0.0.1") == 0
    assert throttle._failures(throttle._key("mai", "10.0.0.1")) == []


def test_logging_out_takes_a_post_and_ends_the_session(web, books):
    assert web.get("/logout/").status_code == 405
    response = web.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert web.get("/").status_code == 302


def test_forms_without_the_csrf_token_are_refused(owner, books):
    http = HttpClient(enforce_csrf_checks=True)
    assert http.post("/login/", {"username": "mai", "password": PASSWORD}).status_code == 403
    http.force_login(owner)
    assert (
        http.post(
            f"/actions/{books.reminder.pk}/skip/", {f"skip-{books.reminder.pk}-reason": "x"}
        ).status_code
        == 403
    )
    assert (
        http.post("/invoices/INV-001/", {"form": "dispute", "dispute-reason": "x"}).status_code
        == 403
    )
    assert http.post("/language/", {"language": "fa"}).status_code == 403
    assert http.post("/logout/").status_code == 403


def test_every_page_form_carries_the_csrf_token(web, books):
    for url in ("/", "/clients/HOASEN/", "/invoices/INV-001/", "/receivables/"):
        page = web.get(url).content.decode()
        posts = page.count('method="post"')
        assert posts and page.count('name="csrfmiddlewaretoken"') == posts, url
