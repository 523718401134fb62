"""The Templates pages: every step's text in every language, the organization's own
version written, checked as the admin checks it (an unknown placeholder named, with the
known ones listed, before anything is saved), reset to owed's text, and previewed on one
of the organization's real invoices as `owed template preview` composes it."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from owed.core.ladder import STANDARD, Channel, Policy, Step
from owed.core.localize import format_date
from owed.documents.compose import preview_step
from owed.documents.models import StepTemplate
from owed.documents.texts import default_wording
from owed.dunning.services import policy_save
from owed.ledger.models import Membership
from owed.ledger.services import payment_record
from tests.web.conftest import logged_in, make_user

pytestmark = pytest.mark.django_db


def with_step(step: Step) -> Policy:
    """The standard ladder with one step of the organization's own at its end."""
    return replace(STANDARD, steps=(*STANDARD.steps, step))


def text(response) -> str:
    return html.unescape(response.content.decode())


def save(web, step: str, language: str, **fields):
    return web.post(f"/templates/{step}/{language}/", {"form": "text", "save": "1", **fields})


def preview(web, step: str, language: str, **fields):
    return web.post(f"/templates/{step}/{language}/preview/", fields)


# --- the list --------------------------------------------------------------------------------


def test_the_list_has_every_step_in_every_language(web, books, org):
    StepTemplate.objects.create(
        organization=org, step="reminder", language="vi", subject="S", body="B"
    )
    page = web.get("/templates/").content.decode()
    for code in ("pre_due_reminder", "formal_notice", "legal", "broken_promise", "hold_lifted"):
        for language in ("en", "vi", "fa", "th"):
            assert f'href="/templates/{code}/{language}/"' in page
    row = page[page.index('href="/templates/reminder/vi/"') :][:200]
    assert "your own" in row
    assert "your own" not in page[page.index('href="/templates/reminder/en/"') :][:120]


def test_the_list_names_the_steps_of_the_organizations_own_policies(web, books, org):
    policy_save(organization=org, policy=with_step(Step("courtesy_call", 200, (Channel.TASK,))))
    page = web.get("/templates/").content.decode()
    assert 'href="/templates/courtesy_call/fa/"' in page and "none yet" in page


def test_the_list_reads_a_fixed_number_of_queries(web, books, org, django_assert_max_num_queries):
    web.get("/templates/")
    with CaptureQueriesContext(connection) as few:
        web.get("/templates/")
    for step in ("reminder", "call", "legal", "formal_notice"):
        for language in ("en", "vi", "fa", "th"):
            StepTemplate.objects.create(
                organization=org, step=step, language=language, subject="S", body="B"
            )
    with django_assert_max_num_queries(len(few)):
        assert web.get("/templates/").status_code == 200


# --- a step's page ---------------------------------------------------------------------------


def test_the_page_starts_from_the_built_in_text_and_previews_the_most_overdue_invoice(
    web, books, org
):
    page = text(web.get("/templates/reminder/en/"))
    built_in = default_wording("reminder", "en")
    assert built_in.subject in page  # the form starts from owed's text
    assert "owed's built-in text is in use." in page
    # The preview is the CLI's composition for the most overdue open invoice, in English.
    composed = preview_step("reminder", invoice=books.overdue, language="en")
    assert "Filled in for invoice INV-001 of Công ty TNHH Hoa Sen" in page
    assert composed.subject in page
    assert "INV-001" in composed.subject
    assert composed.text.strip().splitlines()[0] in page
    assert 'name="letter_body"' not in page  # a reminder sends no letter


def test_a_letter_step_has_a_letter_text_and_previews_the_letter(web, books):
    page = text(web.get("/templates/formal_notice/en/"))
    assert 'name="letter_body"' in page
    assert "The letter" in page


def test_a_call_step_is_a_script(web, books):
    page = text(web.get("/templates/call/en/"))
    assert "Call script" in page


def test_the_persian_page_previews_right_to_left_with_persian_digits(web, books):
    page = web.get("/templates/reminder/fa/").content.decode()
    shown = page[page.index('id="preview"') :]
    body = re.search(r'<div class="preview-body" lang="fa" dir="rtl">(.*?)</div>', shown, re.S)
    assert body, "no right-to-left preview"
    assert re.search("[۰-۹]", body.group(1))  # amounts and dates in Persian digits
    assert "\u2066INV-001\u2069" in html.unescape(body.group(1))  # the number isolated
    assert re.search(r'<textarea[^>]*lang="fa"[^>]*dir="rtl"|dir="rtl"[^>]*lang="fa"', page)


def test_saving_an_own_text_replaces_the_built_in_one(web, books, org):
    response = save(
        web,
        "reminder",
        "en",
        subject="  Invoice   {invoice_numbers} is late ",
        body="Dear {contact_name},\n\nPlease pay {total_balance}.\n",
    )
    assert response.status_code == 302 and response["Location"] == "/templates/reminder/en/"
    own = StepTemplate.objects.get(organization=org, step="reminder", language="en")
    assert own.subject == "Invoice {invoice_numbers} is late"
    page = text(web.get("/templates/reminder/en/"))
    assert "Your text for Reminder in English is saved" in page
    assert "Your own text is in use." in page
    assert "Invoice INV-001 is late" in page  # the preview uses it
    assert preview_step("reminder", invoice=books.overdue, language="en").subject == (
        "Invoice INV-001 is late"
    )


def test_an_unknown_placeholder_is_refused_naming_it_and_listing_the_known_ones(web, books, org):
    response = save(web, "reminder", "en", subject="Late", body="Hello {client_nam},\n")
    assert response.status_code == 422
    page = text(response)
    errors = re.search(r'id="id_body_error">(.*?)</ul>', page, re.S).group(1)
    assert "Unknown placeholder {client_nam}." in errors
    assert "{client_name}" in errors and "{promise_date}" in errors
    assert 'aria-invalid="true"' in page
    # The preview says so too, instead of composing.
    assert "This draft cannot be used yet" in page
    assert not StepTemplate.objects.exists()


def test_a_stray_brace_in_the_subject_is_refused(web, books):
    response = save(web, "reminder", "en", subject="Late {", body="Hello\n")
    assert response.status_code == 422
    assert "A brace opens or closes no placeholder" in text(response)
    assert not StepTemplate.objects.exists()


def test_an_empty_text_is_refused(web, books):
    response = save(web, "reminder", "en", subject="", body="")
    assert response.status_code == 422
    assert text(response).count("This field is required.") == 2


def test_the_preview_button_shows_the_draft_without_saving(web, books):
    response = web.post(
        "/templates/reminder/en/",
        {"form": "text", "preview": "1", "subject": "Draft for {client_name}", "body": "Hi\n"},
    )
    assert response.status_code == 200
    assert "Draft for Công ty TNHH Hoa Sen" in text(response)
    assert not StepTemplate.objects.exists()


def test_the_live_preview_fills_in_the_draft(web, books):
    response = preview(
        web,
        "reminder",
        "en",
        subject="About {invoice_numbers}",
        body="You owe {total_balance} since {oldest_due_date}.\n",
    )
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment  # the fragment alone
    assert "About INV-001" in fragment
    assert "You owe ₫15,000,000 since" in fragment


def test_the_live_preview_names_an_unknown_placeholder(web, books):
    fragment = text(preview(web, "reminder", "en", subject="Hi", body="{nope}\n"))
    assert "Unknown placeholder {nope}." in fragment and "{client_name}" in fragment


def test_the_preview_uses_the_invoice_picked(web, books):
    fragment = text(
        preview(web, "reminder", "en", subject="{invoice_numbers}", body="x\n", invoice="INV/002")
    )
    assert "Filled in for invoice INV/002" in fragment
    assert "No invoice is numbered NOPE." in text(
        preview(web, "reminder", "en", subject="x", body="x\n", invoice="NOPE")
    )


def test_a_letter_draft_is_previewed_as_the_letter(web, books):
    fragment = text(
        preview(
            web,
            "formal_notice",
            "en",
            subject="Notice",
            body="Mail body\n",
            letter_body="Letter for {client_name}\n",
        )
    )
    assert "Letter for Công ty TNHH Hoa Sen" in fragment
    # A blank letter text keeps owed's letter.
    fragment = text(
        preview(web, "formal_notice", "en", subject="Notice", body="Mail body\n", letter_body="")
    )
    first = default_wording("formal_notice", "en").letter_body.split("{")[0].strip()
    assert first and first[:20] in fragment


def test_resetting_deletes_the_own_text(web, books, org):
    StepTemplate.objects.create(
        organization=org, step="reminder", language="th", subject="S", body="B"
    )
    assert web.post("/templates/reminder/th/", {"form": "reset"}).status_code == 422
    assert StepTemplate.objects.count() == 1
    response = web.post("/templates/reminder/th/", {"form": "reset", "reset-confirm": "on"})
    assert response.status_code == 302
    assert not StepTemplate.objects.exists()
    assert "uses owed's text again" in text(web.get("/templates/reminder/th/"))


def test_there_is_no_reset_without_an_own_text(web, books):
    page = web.get("/templates/reminder/en/").content.decode()
    assert "Reset to the built-in wording" not in page
    assert web.post("/templates/reminder/en/", {"form": "reset"}).status_code == 404


def test_a_step_of_the_organizations_own_gets_a_text(web, books, org):
    policy_save(
        organization=org, policy=with_step(Step("final_word", 200, (Channel.EMAIL, Channel.LETTER)))
    )
    page = text(web.get("/templates/final_word/en/"))
    assert "No text of its own: the step sends the text of “Formal notice”." in page
    assert 'name="letter_body"' in page
    response = save(web, "final_word", "en", subject="Last word", body="Pay now.\n")
    assert response.status_code == 302
    assert StepTemplate.objects.get(step="final_word").subject == "Last word"


@pytest.mark.parametrize(
    "url", ["/templates/nothing/en/", "/templates/reminder/de/", "/templates/reminder/EN/"]
)
def test_an_unknown_step_or_language_is_not_found(web, books, url):
    assert web.get(url).status_code == 404
    assert web.post(url, {"form": "text", "subject": "x", "body": "y"}).status_code == 404
    assert web.post(url + "preview/", {"subject": "x", "body": "y"}).status_code == 404
    assert not StepTemplate.objects.exists()


def test_without_any_invoice_the_preview_says_so(web, org, owner):
    page = text(web.get("/templates/reminder/en/"))
    assert "The preview needs an invoice" in page


# --- who may do what -------------------------------------------------------------------------


def test_a_read_only_member_sees_the_text_and_its_preview_without_forms(web_reader, books, org):
    page = text(web_reader.get("/templates/reminder/en/"))
    assert default_wording("reminder", "en").subject in page
    assert "Filled in for invoice INV-001" in page
    assert 'name="form"' not in page and "hx-post" not in page
    assert save(web_reader, "reminder", "en", subject="S", body="B").status_code == 403
    assert preview(web_reader, "reminder", "en", subject="S", body="B").status_code == 403
    assert not StepTemplate.objects.exists()


def test_another_organizations_texts_and_steps_are_not_ours(web, books, their, org, other_org):
    StepTemplate.objects.create(
        organization=other_org, step="reminder", language="en", subject="THEIRS", body="B"
    )
    policy_save(organization=other_org, policy=with_step(Step("their_step", 200, (Channel.EMAIL,))))
    page = text(web.get("/templates/reminder/en/"))
    assert "THEIRS" not in page and "owed's built-in text is in use." in page
    assert "their_step" not in web.get("/templates/").content.decode()
    assert web.get("/templates/their_step/en/").status_code == 404
    # Their invoice cannot be previewed on.
    fragment = text(preview(web, "reminder", "en", subject="x", body="y\n", invoice="X-INV-001"))
    assert "No invoice is numbered X-INV-001." in fragment
    # Saving and resetting ours leaves theirs alone.
    assert save(web, "reminder", "en", subject="Ours", body="B\n").status_code == 302
    assert (
        web.post("/templates/reminder/en/", {"form": "reset", "reset-confirm": "on"}).status_code
        == 302
    )
    assert list(StepTemplate.objects.values_list("organization_id", "subject")) == [
        (other_org.pk, "THEIRS")
    ]


def test_a_member_of_both_organizations_writes_in_the_one_chosen(books, their, org, other_org):
    user = make_user("both", (org, Membership.Role.MEMBER), (other_org, Membership.Role.MEMBER))
    http = logged_in(user)
    http.post("/organizations/", {"organization": other_org.pk})
    page = text(http.get("/templates/reminder/en/"))
    assert "Filled in for invoice X-INV-001" in page
    assert save(http, "reminder", "en", subject="Theirs now", body="B\n").status_code == 302
    assert StepTemplate.objects.get().organization == other_org


def test_every_step_in_every_language_previews_on_a_real_invoice(web, books):
    from owed.documents.texts import KEYS

    for step in KEYS:
        for language in ("en", "vi", "fa", "th"):
            response = web.get(f"/templates/{step}/{language}/")
            assert response.status_code == 200, (step, language)
            page = text(response)
            shown = page[page.index('id="preview"') :]
            assert "No preview:" not in shown and "preview-subject" in shown, (step, language)
            subject = re.search(r'class="preview-subject"[^>]*>(.*?)</dd>', shown, re.S)
            assert subject and subject.group(1).strip(), (step, language)
            # The invoice has no plan and no promise: what the text needs is made up, and
            # the preview says so.
            if step.startswith("instalment_"):
                assert "the instalment shown is a sample" in shown, (step, language)
            elif step == "broken_promise":
                assert "the promised date shown is a sample" in shown, (step, language)
            else:
                assert "is a sample" not in shown, (step, language)


def test_an_instalment_reminder_previews_with_a_sample_instalment_of_the_balance(web, books):
    # INV-001: 15 000 000 ₫ owed; a third of it, due a day before today (the reminder's
    # timing), as instalment 1.
    shown = text(web.get("/templates/instalment_reminder/en/"))
    shown = shown[shown.index('id="preview"') :]
    assert "Instalment 1 of your payment plan is overdue" in shown
    assert "5,000,000" in shown
    assert "Invoice INV-001 is in no payment plan with an instalment left to pay" in shown


def test_an_instalment_reminder_previews_the_next_unpaid_instalment_of_the_plan(web, books):
    from owed.dunning.services import plan_create

    today = books.today
    plan_create(
        organization=books.org,
        invoices=[books.overdue],
        instalments=3,
        every_days=30,
        on=today - timedelta(days=40),
        first_due=today - timedelta(days=35),
    )
    # The first instalment (5 000 000 ₫) is paid; the second is next.
    payment_record(
        organization=books.org,
        client=books.client,
        date=today - timedelta(days=34),
        amount=Decimal(5_000_000),
        currency=books.org.currency,
        invoices=[books.overdue],
    )
    composed = preview_step("instalment_reminder", invoice=books.overdue, language="en")
    assert composed.subject == "Instalment 2 of your payment plan is overdue"
    assert composed.samples == ()
    shown = text(web.get("/templates/instalment_pre_due_reminder/vi/"))
    shown = shown[shown.index('id="preview"') :]
    assert "is a sample" not in shown and "No preview:" not in shown
    assert "5.000.000" in shown  # the instalment's amount, in Vietnamese


def test_a_broken_promise_previews_the_invoice_s_latest_promise(web, books):
    from owed.dunning.services import promise_record

    today = books.today
    sample = preview_step("broken_promise", invoice=books.overdue, language="en")
    assert sample.samples == ("promise_date",)
    promise_record(
        organization=books.org,
        invoices=[books.overdue],
        on=today - timedelta(days=20),
        until=today - timedelta(days=10),
    )
    composed = preview_step("broken_promise", invoice=books.overdue, language="en")
    promised = format_date(today - timedelta(days=10), "en")
    assert promised in composed.subject and composed.samples == ()
    shown = text(web.get("/templates/broken_promise/fa/"))
    shown = shown[shown.index('id="preview"') :]
    assert "is a sample" not in shown and "No preview:" not in shown
    assert format_date(today - timedelta(days=10), "fa") in shown


def test_the_live_preview_of_a_draft_fills_in_a_sample_promise(web, books):
    fragment = text(
        preview(
            web,
            "broken_promise",
            "en",
            subject="Promised for {promise_date}",
            body="Call about {invoice_numbers}.\n",
        )
    )
    promised = format_date(books.today - timedelta(days=7), "en")
    assert f"Promised for {promised}" in fragment
    assert "Invoice INV-001 has no promise to pay: the promised date shown is a sample" in fragment
