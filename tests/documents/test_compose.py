"""Composing a planned action into the message a client gets: in the client's language,
to the right person, with the invoices as they stand, the charges the law allows, and the
invoice or the letter attached."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from owed.core.localize import LRI, PDI, format_amount
from owed.documents.compose import (
    CompositionError,
    NothingOwed,
    call_script,
    compose,
    preview_step,
)
from owed.documents.models import StepTemplate
from owed.dunning.models import Action, Interaction
from owed.dunning.services import plan_create, promise_record
from owed.law.services import invoice_charges, rate_add
from owed.ledger.models import Client, Contact, Contract
from owed.ledger.services import LineInput, invoice_create, payment_record
from tests.documents.conftest import CASES, DUE, TODAY
from tests.documents.pdfs import pdf_text

pytestmark = pytest.mark.django_db

DUE_IN = {  # the invoices' due date in each language's calendar, written out
    "en": "November 22, 2026",
    "vi": "22 tháng 11, 2026",
    "fa": "۱ آذر ۱۴۰۵",
    "th": "22 พฤศจิกายน 2569",
}


def _gb_invoice(studio, number: str = "GB-1", *, due: date = date(2026, 8, 1)):
    """An invoice of a UK business under a contract with a fixed late fee."""
    client, _ = Client.objects.get_or_create(
        organization=studio,
        code="THAMES",
        defaults={
            "name": "Thames Widgets Ltd",
            "country": "GB",
            "currency": "GBP",
            "language": "en",
            "address": "1 High Street\nLondon",
        },
    )
    contract, _ = Contract.objects.get_or_create(
        organization=studio,
        client=client,
        code="K-9",
        defaults={
            "title": "Website build",
            "price": Decimal(5000),
            "currency": "GBP",
            "late_fee": Decimal(40),
            "jurisdiction": "GB",
        },
    )
    return invoice_create(
        organization=studio,
        client=client,
        number=number,
        issue_date=due - timedelta(days=30),
        due_date=due,
        currency="GBP",
        lines=[LineInput("Build", Decimal(1), Decimal("1000.00"))],
        contract=contract,
    )


# --- language -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "vi", "fa", "th"])
def test_a_reminder_is_written_in_the_client_s_language(
    invoice_for, reachable, action_for, language
):
    invoice = invoice_for(language)
    reachable(invoice)

    composed = compose(action_for(invoice, "reminder"), today=TODAY)

    number = f"{LRI}{invoice.number}{PDI}" if language == "fa" else invoice.number
    case = CASES[language]
    assert composed.language == language
    assert number in composed.subject
    assert number in composed.text
    assert case.balance in composed.text
    assert DUE_IN[language] in composed.text
    assert composed.to == (f'"{case.contact}" <boss@client.example>',)
    assert f'lang="{language}"' in composed.html
    assert case.balance in composed.html
    assert composed.attachments == () and composed.notes == ()


def test_in_persian_left_to_right_runs_are_isolated_and_the_html_is_right_to_left(
    invoice_for, reachable, action_for
):
    invoice = invoice_for("fa")
    reachable(invoice)

    composed = compose(action_for(invoice, "reminder"), today=TODAY)

    assert composed.subject == f"یادآوری: سررسید صورت‌حساب {LRI}INV-77-FA{PDI} گذشته است"
    assert f"{LRI}billing@lotus.example{PDI}" in composed.text
    assert f"{LRI}IR06 2960 0000 0010 0324 2000 01{PDI}" in composed.text
    assert "INV-77-FA" not in composed.text.replace(f"{LRI}INV-77-FA{PDI}", "")
    assert '<html lang="fa" dir="rtl">' in composed.html
    assert "text-align:right" in composed.html
    assert "۱۱ روز تأخیر" in composed.text


def test_the_html_part_escapes_every_value_and_the_text_itself(
    studio, invoice_for, reachable, action_for
):
    invoice = invoice_for("en")
    client = reachable(invoice, main="<b>Sam</b>")
    client.name = "<script>alert('owed')</script> & Co"
    client.save()
    StepTemplate.objects.create(
        organization=studio,
        step="invoice_copy",
        language="en",
        subject="Copy for {client_name}",
        body="Dear {contact_name}, <i>see</i> {invoice_numbers} for {client_name}.",
    )

    composed = compose(action_for(invoice, "invoice_copy"), today=TODAY)

    assert "<script>" not in composed.html and "<b>" not in composed.html
    assert "<i>" not in composed.html
    assert "&lt;script&gt;alert(&#x27;owed&#x27;)&lt;/script&gt; &amp; Co" in composed.html
    assert "Dear &lt;b&gt;Sam&lt;/b&gt;, &lt;i&gt;see&lt;/i&gt; INV-77-EN" in composed.html
    assert "<title>Copy for &lt;script&gt;" in composed.html
    # The plain part is plain text: shown as written.
    assert "for <script>alert('owed')</script> & Co." in composed.text
    assert composed.source == "organization"


# --- charges ------------------------------------------------------------------------------


def test_a_formal_notice_to_a_uk_client_states_the_interest_and_its_legal_basis(
    studio, reachable, action_for
):
    invoice = _gb_invoice(studio)
    reachable(invoice)
    # The shipped Bank of England table stops before the invoice's dates: a user adds a row.
    rate_add(table="boe", valid_from=date(2026, 5, 1), rate=Decimal("3.5"), source="BoE")
    action = action_for(invoice, "formal_notice", channels="email,letter")

    composed = compose(action, today=TODAY)

    charges = invoice_charges(invoice, until=TODAY)
    assert charges.interest.interest > 0
    interest = format_amount(charges.interest.interest, "GBP", "en")
    claimed = format_amount(charges.total_due, "GBP", "en")
    assert f"Interest to December 3, 2026: {interest}" in composed.text
    assert "Compensation for recovery costs: £" in composed.text
    assert "Late-payment fees under the contract: £40.00" in composed.text
    assert f"Total now due, including the above: {claimed}" in composed.text
    assert "Legal basis: Statutory interest under the Late Payment of Commercial Debts" in (
        composed.text
    )
    assert "Please pay the full amount by December 17, 2026." in composed.text
    # The rate rows behind the figure are kept with the action, to reproduce it later.
    [kept] = composed.notes
    assert kept.startswith(f"GB-1: GB interest {charges.interest.interest} GBP to 2026-12-03")
    assert "rates used: boe 3.5 from 2026-05-01 (BoE)" in kept
    [letter] = composed.attachments
    assert letter.filename == "letter-GB-1.pdf"
    shown = pdf_text(letter.content)
    assert "Late Payment of Commercial" in shown and interest in shown
    assert composed.letter_text.startswith("Dear Sarah Lee,")


def test_without_the_rate_the_notice_goes_without_interest_and_says_why(
    studio, reachable, action_for
):
    invoice = _gb_invoice(studio)
    reachable(invoice)

    composed = compose(action_for(invoice, "formal_notice", channels="email,letter"), today=TODAY)

    assert "Interest" not in composed.text and "Legal basis" not in composed.text
    assert "The amount owed is £1,000.00" in composed.text
    assert "Please pay the full amount by December 17, 2026." in composed.text
    [note] = composed.notes
    assert note.startswith("sent without interest and fees: for GB-1,")
    assert "Bank of England Bank Rate in force on June 30, 2026 is not known" in note
    assert [a.filename for a in composed.attachments] == ["letter-GB-1.pdf"]


# --- recipients, attachments, invoices ------------------------------------------------------


def test_the_payer_contact_step_goes_to_the_billing_contact_with_the_main_one_in_copy(
    invoice_for, reachable, action_for
):
    invoice = invoice_for("vi")
    reachable(invoice, billing="ketoan@hoasen.example")

    composed = compose(action_for(invoice, "payer_contact"), today=TODAY)

    assert composed.to == ('"Accounts" <ketoan@hoasen.example>',)
    assert composed.cc == ('"Nguyễn Văn An" <boss@client.example>',)
    assert composed.text.startswith("Kính gửi Accounts,")


def test_without_a_billing_address_the_payer_step_goes_to_the_main_contact_with_a_note(
    invoice_for, reachable, action_for
):
    invoice = invoice_for("en")
    reachable(invoice, billing=None)

    composed = compose(action_for(invoice, "payer_contact"), today=TODAY)

    assert composed.to == ('"Sarah Lee" <boss@client.example>',) and composed.cc == ()
    assert composed.notes == (
        "no billing contact with an e-mail address: written to the main contact",
    )


def test_other_steps_go_to_the_main_contact(invoice_for, reachable, action_for):
    invoice = invoice_for("th")
    reachable(invoice)

    composed = compose(action_for(invoice, "reminder"), today=TODAY)

    assert composed.to == ('"สมชาย ใจดี" <boss@client.example>',) and composed.cc == ()


def test_a_client_without_an_e_mail_address_cannot_be_written_to(invoice_for, action_for):
    invoice = invoice_for("en")
    Contact.objects.filter(client=invoice.client).update(email="")

    with pytest.raises(CompositionError, match="client C-en has no contact with an e-mail"):
        compose(action_for(invoice, "reminder"), today=TODAY)


def test_an_invoice_copy_attaches_a_fresh_pdf_of_the_invoice(invoice_for, reachable, action_for):
    invoice = invoice_for("en")
    reachable(invoice)

    composed = compose(action_for(invoice, "invoice_copy"), today=TODAY)

    [copy] = composed.attachments
    assert copy.filename == "INV-77-EN.pdf"
    assert "INV-77-EN" in pdf_text(copy.content)
    assert "a fresh copy of invoice INV-77-EN is attached" in composed.text


def test_the_demand_letter_attaches_the_letter_then_the_contract(studio, reachable, action_for):
    invoice = _gb_invoice(studio)
    reachable(invoice)

    composed = compose(action_for(invoice, "demand_letter", channels="letter"), today=TODAY)

    assert composed.letter is not None
    assert [a.filename for a in composed.attachments] == [composed.letter.filename, "K-9.pdf"]
    assert "breach of the contract" in pdf_text(composed.letter.content)
    assert "K-9" in pdf_text(composed.attachments[1].content)


def test_invoices_paid_since_the_decision_are_left_out(studio, invoice_for, reachable, action_for):
    first = invoice_for("en")
    second = invoice_create(
        organization=studio,
        client=first.client,
        number="INV-78-EN",
        issue_date=first.issue_date,
        due_date=DUE,
        currency="USD",
        lines=[LineInput("Hosting", Decimal(1), Decimal("300.00"))],
    )
    reachable(first)
    action = action_for(first, "reminder", invoices=[first, second])
    payment_record(
        organization=studio,
        client=first.client,
        date=TODAY,
        amount=Decimal("1450.55"),
        currency="USD",
        invoices=[first],
    )

    composed = compose(action, today=TODAY)

    assert "INV-78-EN" in composed.text and "INV-77-EN" not in composed.text
    payment_record(
        organization=studio,
        client=first.client,
        date=TODAY,
        amount=second.total,
        currency="USD",
        invoices=[second],
    )
    with pytest.raises(NothingOwed, match="nothing is owed any more on INV-77-EN, INV-78-EN"):
        compose(action, today=TODAY)


def test_earlier_contacts_are_listed_with_their_dates(invoice_for, reachable, action_for):
    invoice = invoice_for("en")
    reachable(invoice)
    earlier = action_for(invoice, "reminder", on=date(2026, 11, 23))
    Action.objects.filter(pk=earlier.pk).update(status=Action.Status.SENT)
    Interaction.objects.create(
        organization=invoice.organization,
        client=invoice.client,
        channel="call",
        direction="out",
        happened_on=date(2026, 11, 27),
        summary="Call: reached",
    )

    composed = compose(action_for(invoice, "formal_notice"), today=TODAY)

    assert (
        "We contacted you about them on November 23, 2026 (e-mail), "
        "November 27, 2026 (telephone call)."
    ) in composed.text


def test_an_instalment_reminder_asks_for_the_instalment_not_the_whole_balance(
    studio, invoice_for, reachable, action_for
):
    invoice = invoice_for("vi")
    reachable(invoice)
    plan = plan_create(
        organization=studio, invoices=[invoice], instalments=2, every_days=14, on=DUE
    )
    first = plan.instalments.get(number=1)
    action = action_for(invoice, "reminder", kind="instalment", key=f"plan:{plan.pk}:1:reminder")
    Action.objects.filter(pk=action.pk).update(subject_id=plan.pk)
    action.refresh_from_db()

    composed = compose(action, today=TODAY)

    amount = format_amount(first.amount, "VND", "vi")
    assert composed.subject == "Đợt 1 của kế hoạch thanh toán đã quá hạn"
    assert f"số tiền {amount}" in composed.text
    assert f"Thành tiền: {amount}" in composed.text
    assert first.amount == Decimal(7_250_000)


# --- call scripts and previews ------------------------------------------------------------


def test_the_call_script_asks_about_the_work_states_the_facts_asks_why_and_agrees_a_date(
    invoice_for, reachable, action_for
):
    invoice = invoice_for("en")
    reachable(invoice)

    script = call_script(action_for(invoice, "call", channels="task"), today=TODAY)

    assert (
        script[0]
        == "Greet Sarah Lee, give your name and say that you are calling from Lotus Studio."
    )
    assert "was everything delivered as agreed" in script[1]
    assert "$1,450.55 on invoice INV-77-EN was due on November 22, 2026" in script[2]
    assert any(line.startswith("Ask what is holding the payment up") for line in script)
    assert any(line.startswith("Agree a fixed payment date") for line in script)
    assert any("call again tomorrow" in line for line in script)


def test_a_broken_promise_script_names_the_promised_date_in_the_language_asked(
    studio, invoice_for, reachable, action_for
):
    invoice = invoice_for("en")
    reachable(invoice)
    promise = promise_record(
        organization=studio, invoices=[invoice], until=date(2026, 11, 30), on=DUE
    )
    action = action_for(
        invoice, "broken_promise", channels="task", kind="broken_promise", key="p:1"
    )
    Action.objects.filter(pk=action.pk).update(subject_id=promise.pk)
    action.refresh_from_db()

    script = call_script(action, "th", today=TODAY)

    assert any("30 พฤศจิกายน 2569" in line for line in script)
    with pytest.raises(CompositionError, match="reminder is not a call"):
        call_script(action_for(invoice, "reminder"))


def test_a_preview_needs_no_e_mail_address_and_sends_nothing(invoice_for):
    invoice = invoice_for("vi")

    composed = preview_step("formal_notice", invoice=invoice, language="en", today=TODAY)

    assert composed.subject == "Formal notice: payment of invoice INV-77-VI is overdue"
    assert composed.to == () and composed.attachments == ()
    assert "14,500,000" in composed.text
    assert composed.letter_text.startswith("Dear Công ty TNHH Hoa Sen,")
    assert "client C-vi has no contact with an e-mail address" in composed.notes


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        (
            "en",
            "Reminder: payment of invoice INV-77-EN is overdue",
            "of invoices INV-77-EN, INV-78",
        ),
        (
            "fa",
            "صورت‌حساب \u2066INV-77-FA\u2069",
            "صورت‌حساب‌های \u2066INV-77-FA\u2069، \u2066INV-78\u2069",
        ),
    ],
)
def test_the_invoices_are_named_in_the_singular_or_the_plural(
    studio, invoice_for, reachable, action_for, language, one, two
):
    first = invoice_for(language)
    second = invoice_create(
        organization=studio,
        client=first.client,
        number="INV-78",
        issue_date=first.issue_date,
        due_date=DUE,
        currency=first.currency,
        lines=[LineInput("Hosting", Decimal(1), Decimal(300))],
    )
    reachable(first)

    alone = compose(action_for(first, "reminder"), today=TODAY)
    both = compose(action_for(first, "reminder", invoices=[first, second], key="both"), today=TODAY)

    assert one in alone.subject
    assert two in both.subject
