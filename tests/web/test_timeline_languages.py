"""The client's timeline writes owed's own summaries in the reader's language (steps by
name, days in the reader's calendar), keeps what a user typed as it was typed, shows
older rows as stored, and the API keeps its English `summary`."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from owed.api.tokens import token_create
from owed.core.localize import format_amount, format_date
from owed.dunning.actions import action_skip, action_snooze, write_off_record
from owed.dunning.models import Interaction
from owed.dunning.services import (
    call_log,
    dispute_open,
    dispute_resolve,
    note_log,
    plan_create,
    promise_record,
    reply_log,
    snooze_create,
)
from owed.dunning.summaries import (
    message_edited,
    message_reset,
    note_shown,
    portal_paid,
    summary_text,
)
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db

ISOLATES = re.compile("[\u2066-\u2069]")


def timeline_text(web, code: str = "HOASEN") -> str:
    page = web.get(f"/clients/{code}/").content.decode()
    timeline = page.split('<ol class="timeline"', 1)[1].split("</ol>", 1)[0]
    words = re.sub(r"<[^>]+>", " ", timeline)  # the words a reader sees, no markup
    return ISOLATES.sub("", re.sub(r"\s+", " ", words))


@pytest.fixture
def story(books):
    """A skip, a write-off, a promise, a dispute (resolved), a snooze, a plan and a call,
    each through the service the pages call."""
    org, today = books.org, books.today
    action_skip(organization=org, action=books.reminder, reason="Client on holiday", on=today)
    write_off_record(organization=org, invoice=books.recent, on=today, note="Company closed")
    promise_record(
        organization=org,
        invoices=[books.overdue],
        until=today + timedelta(days=10),
        on=today,
        note="CFO said so",
    )
    dispute_open(organization=org, invoice=books.overdue, reason="Hours billed twice", on=today)
    dispute_resolve(organization=org, invoice=books.overdue, on=today, resolution="Credit note")
    snooze_create(
        organization=org, invoice=books.overdue, until=today + timedelta(days=5), on=today
    )
    plan_create(organization=org, invoices=[books.overdue], instalments=3, every_days=30, on=today)
    call_log(organization=org, client=books.client, on=today, reached=False, note="Voicemail")
    return books


def test_a_persian_reader_sees_persian_summaries(web, story):
    web.post("/language/", {"language": "fa"})
    text = timeline_text(web)
    until = format_date(story.today + timedelta(days=10), "fa")
    snoozed = format_date(story.today + timedelta(days=5), "fa")
    first = format_date(story.today + timedelta(days=30), "fa")
    assert "از «یادآوری» صرف‌نظر شد: Client on holiday" in text
    assert "صورت‌حساب INV/002 سوخت شد: Company closed" in text
    assert f"تعهد پرداخت INV-001 تا {until}" in text
    assert "اعتراض به INV-001: Hours billed twice" in text
    assert "به اعتراض دربارهٔ INV-001 رسیدگی شد: Credit note" in text
    assert f"پیگیری INV-001 تا {snoozed} به تعویق افتاد" in text
    assert f"برنامهٔ پرداخت اقساطی برای INV-001: ۳ قسط، هر ۳۰ روز، از {first}" in text
    # What the user typed stays as typed, once.
    assert text.count("CFO said so") == 1
    assert text.count("Voicemail") == 1
    for english in ("Skipped", "Wrote off", "Promise to pay", "Dispute on", "Snoozed", "2026-"):
        assert english not in text


def test_why_an_action_was_skipped_is_in_the_readers_language_when_owed_wrote_it(web, books):
    until = books.today + timedelta(days=5)
    action_snooze(organization=books.org, action=books.call, until=until, on=books.today)
    action_skip(
        organization=books.org, action=books.reminder, reason="Sent by hand", on=books.today
    )
    web.post("/language/", {"language": "fa"})
    text = timeline_text(web)
    assert f"پیگیری تا {format_date(until, 'fa')} به تعویق افتاد" in text
    assert "snoozed until" not in text
    assert "Sent by hand" in text  # a user's reason, as typed


def test_each_language_writes_the_days_in_its_own_calendar(web, story):
    until = story.today + timedelta(days=10)
    for language, shown in [
        ("en", f"Promised to pay INV-001 by {format_date(until, 'en')}"),
        ("vi", f"Cam kết thanh toán INV-001 trước ngày {format_date(until, 'vi')}"),
        ("th", f"ให้คำมั่นว่าจะชำระ INV-001 ภายใน {format_date(until, 'th')}"),
    ]:
        web.post("/language/", {"language": language})
        assert shown in timeline_text(web)


def test_a_summary_without_a_code_is_shown_as_stored(web, books):
    note_log(organization=books.org, client=books.client, on=books.today, note="Sent flowers")
    Interaction.objects.create(
        organization=books.org,
        client=books.client,
        channel="note",
        direction="internal",
        happened_on=books.today,
        summary="Skipped reminder: an old row",
    )
    web.post("/language/", {"language": "fa"})
    text = timeline_text(web)
    assert "Sent flowers" in text and text.count("Sent flowers") == 1
    assert "Skipped reminder: an old row" in text


def test_details_this_version_cannot_read_fall_back_to_the_stored_summary(books):
    row = Interaction.objects.create(
        organization=books.org,
        client=books.client,
        channel="note",
        direction="in",
        happened_on=books.today,
        summary="Promise to pay INV-001 by 2026-12-01",
        code="promise",
        params={"invoices": ["INV-001"], "until": "not a day"},
    )
    assert summary_text(row, "fa") == "Promise to pay INV-001 by 2026-12-01"
    row.code = "a code from a later version"
    assert summary_text(row, "fa") == "Promise to pay INV-001 by 2026-12-01"


def test_the_stored_summary_stays_english_with_iso_days(story):
    summaries = set(Interaction.objects.values_list("code", "summary"))
    until = story.today + timedelta(days=10)
    assert ("skipped", "Skipped reminder: Client on holiday") in summaries
    assert ("written_off", "Wrote off INV/002: Company closed") in summaries
    assert ("promise", f"Promise to pay INV-001 by {until.isoformat()}") in summaries
    assert ("dispute", "Dispute on INV-001: Hours billed twice") in summaries
    assert ("call", "Call: not reached") in summaries


def test_a_portal_payment_is_written_with_the_readers_amount_and_date(books):
    said = portal_paid(
        invoices=[books.overdue],
        paid_on=books.today,
        amount=Decimal(1_500_000),
        currency="VND",
        reference="VCB 123",
    )
    reply = reply_log(
        organization=books.org,
        client=books.client,
        on=books.today,
        note=said.english,
        said=said,
        via="portal",
    )
    assert reply.channel == "portal"
    with translation.override("fa"):
        text = summary_text(reply)
    assert format_amount(Decimal(1_500_000), "VND", "fa") in text
    assert format_date(books.today, "fa") in text
    assert "VCB 123" in text


def test_the_api_still_returns_the_english_summary_and_the_code(org, owner, story):
    api = Api(token_create(username=owner.username, organization=org, name="t")[1])
    rows = api.get("/interactions", client_id=story.client.pk).json()["items"]
    by_code = {row["code"]: row for row in rows}
    assert by_code["written_off"]["summary"] == "Wrote off INV/002: Company closed"
    assert by_code["promise"]["params"]["invoices"] == ["INV-001"]


def test_the_timeline_reads_a_fixed_number_of_queries(web, story, django_assert_max_num_queries):
    web.post("/language/", {"language": "fa"})
    with django_assert_max_num_queries(40) as counted:
        web.get("/clients/HOASEN/")
    before = len(counted.captured_queries)
    for n in range(20):
        note_log(organization=story.org, client=story.client, on=story.today, note=f"n{n}")
        reply_log(organization=story.org, client=story.client, on=story.today)
    with django_assert_max_num_queries(before):
        web.get("/clients/HOASEN/")


@pytest.mark.parametrize(
    ("said", "english", "persian"),
    [
        (
            message_edited(step="formal_notice", subject="Final reminder"),
            "Edited the formal notice message: Final reminder",
            "متن پیام «اخطار رسمی» تغییر کرد: Final reminder",
        ),
        (
            message_reset(step="formal_notice"),
            "Put the formal notice message back to the step's text",
            "پیام «اخطار رسمی» دوباره همان متن مرحله است",
        ),
    ],
)
def test_a_reworded_message_is_noted_in_english_and_read_in_persian(said, english, persian):
    row = Interaction(
        summary=said.english, note=said.english, code=said.code.value, params=said.params
    )
    assert said.english == english
    assert summary_text(row, "fa") == persian
    assert note_shown(row) == ""
