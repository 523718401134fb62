"""The call script on Today: a call task opens what to say, point by point, in the
client's language (the same script as `owed tasks`); nothing else has one."""

from __future__ import annotations

import pytest

from owed.documents.compose import call_script

pytestmark = pytest.mark.django_db


def test_a_call_task_offers_its_script_on_today(web, books):
    html = web.get("/").content.decode()

    assert f'hx-get="/actions/{books.call.pk}/script/"' in html
    assert f'hx-get="/actions/{books.reminder.pk}/script/"' not in html


def test_the_script_is_the_call_script_in_the_clients_language(web, books):
    points = call_script(books.call)
    language = books.client.language or books.org.language

    fragment = web.get(f"/actions/{books.call.pk}/script/", headers={"HX-Request": "true"})
    page = web.get(f"/actions/{books.call.pk}/script/")

    assert fragment.status_code == 200 and page.status_code == 200
    html = fragment.content.decode()
    assert f'lang="{language}"' in html
    assert html.count("<li>") == len(points) > 2
    assert "<html" not in html
    assert "<html" in page.content.decode()


def test_the_script_of_a_persian_client_reads_right_to_left(web, books):
    books.client.language = "fa"
    books.client.save(update_fields=["language"])

    html = web.get(f"/actions/{books.call.pk}/script/", headers={"HX-Request": "true"})

    text = html.content.decode()
    assert 'lang="fa" dir="rtl"' in text
    assert any("\u0600" <= c <= "\u06ff" for c in text)


def test_a_message_or_another_organizations_call_has_no_script(web, books, their):
    assert web.get(f"/actions/{books.reminder.pk}/script/").status_code == 404
    assert web.get(f"/actions/{their.call.pk}/script/").status_code == 404
    assert web.get("/actions/999999/script/").status_code == 404


def test_a_read_only_member_reads_the_script_too(web_reader, books):
    assert web_reader.get(f"/actions/{books.call.pk}/script/").status_code == 200
