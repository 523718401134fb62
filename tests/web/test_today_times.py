"""A planned time is said where the client is, its time zone named: on Today, on the call
script, on the client's timeline and on the invoice page ("08:00 (United Kingdom Time,
UTC; 15:00 your time)"), in the reader's language and digits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone, translation

from owed.dunning.models import Action
from owed.web import zones

pytestmark = pytest.mark.django_db

# 08:00 in London in winter is 15:00 in Ho Chi Minh City (the organization's time zone).
LONDON_EIGHT = datetime(2026, 1, 14, 8, 0, tzinfo=UTC)


def _in_london(action: Action) -> Action:
    Action.objects.filter(pk=action.pk).update(timezone="Europe/London", scheduled_for=LONDON_EIGHT)
    action.refresh_from_db()
    return action


def _clean(html: str) -> str:
    for mark in "\u2066\u2067\u2068\u2069":
        html = html.replace(mark, "")
    return html


def test_today_says_the_time_where_the_client_is_and_the_readers_own(web, books):
    _in_london(books.call)

    html = web.get("/").content.decode()

    call = html.split(f'id="action-{books.call.pk}"', 1)[1]
    assert "Scheduled for 14 Jan 2026, 08:00 (United Kingdom Time, UTC; 15:00 your time)" in (call)


def test_a_client_in_the_organizations_time_zone_has_its_zone_named_only(web, books):
    # 09:30 in Ho Chi Minh City, the organization's time zone too.
    moment = datetime(2026, 1, 14, 2, 30, tzinfo=UTC)
    Action.objects.filter(pk=books.reminder.pk).update(
        timezone="Asia/Ho_Chi_Minh", scheduled_for=moment
    )

    html = web.get("/").content.decode()

    reminder = html.split(f'id="action-{books.reminder.pk}"', 1)[1]
    assert "09:30 (Vietnam Time, UTC+7)" in reminder
    assert "your time" not in reminder.split("</p>", 1)[0]


def test_in_persian_the_time_and_the_zone_are_persian(web, books):
    _in_london(books.call)
    web.post("/language/", {"language": "fa"})

    html = _clean(web.get("/").content.decode())

    assert "۰۸:۰۰ (وقت بریتانیا، UTC؛ ۱۵:۰۰" in html


def test_the_call_script_page_says_when_the_call_is_planned(web, books):
    _in_london(books.call)

    html = web.get(f"/actions/{books.call.pk}/script/").content.decode()

    assert "Scheduled for 14 Jan 2026, 08:00 (United Kingdom Time, UTC; 15:00 your time)" in html


def test_the_timeline_and_the_invoice_page_say_the_planned_time(web, books):
    _in_london(books.call)

    timeline = web.get(f"/clients/{books.client.code}/").content.decode()
    invoice = web.get(f"/invoices/{books.overdue.number}/").content.decode()

    said = "08:00 (United Kingdom Time, UTC; 15:00 your time)"
    assert f"Scheduled for 14 Jan 2026, {said}" in timeline
    assert said in invoice


@pytest.mark.parametrize(
    ("zone", "language", "expected"),
    [
        ("Asia/Tehran", "en", "08:00 (Iran Time, UTC+3:30; 11:30 your time)"),
        ("America/New_York", "en", "08:00 (United States (New York) Time, UTC-5; 20:00 your time)"),
        ("Asia/Bangkok", "th", "08:00 (เวลาไทย, UTC+7)"),
        ("Asia/Tehran", "fa", "۰۸:۰۰ (وقت ایران، UTC+۳:۳۰؛ ۱۱:۳۰ به وقت شما)"),
        ("UTC", "en", "08:00 (UTC; 15:00 your time)"),
        ("Not/AZone", "en", "08:00 (Vietnam Time, UTC+7)"),
    ],
)
def test_zones_are_named_in_the_readers_language(zone, language, expected):
    local = datetime(2026, 1, 14, 8, 0, tzinfo=zones.zone_of(zone))
    if zone == "Not/AZone":
        local = datetime(2026, 1, 14, 8, 0, tzinfo=zones.zone_of("Asia/Ho_Chi_Minh"))
    with timezone.override("Asia/Ho_Chi_Minh"), translation.override(language):
        said = zones.zone_clock(local, zone, language)
    assert _clean(said) == expected
