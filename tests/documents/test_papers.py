"""The papers around the invoices: the contract, the payment plan agreement, the receipt
and the statement of account, in English and Persian; the contract attached to the
demand letter; and their `owed document` commands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from owed.core.localize import format_amount
from owed.documents.compose import compose
from owed.documents.papers import (
    contract_data,
    contract_pdf,
    plan_agreement_pdf,
    receipt_pdf,
    statement_data,
    statement_pdf,
)
from owed.dunning.services import plan_create
from owed.ledger.models import Client, Contract, Milestone
from owed.ledger.services import LineInput, invoice_create, payment_record
from tests.documents.conftest import TODAY
from tests.documents.pdfs import pdf_text

pytestmark = pytest.mark.django_db

PERSIAN_DIGITS = set("۰۱۲۳۴۵۶۷۸۹")


def _contract(studio, *, price="8000", country="GB", currency="GBP", language="en", **terms):
    client, _ = Client.objects.get_or_create(
        organization=studio,
        code=f"K-{country}",
        defaults={
            "name": "Thames Widgets Ltd" if language == "en" else "شرکت پارس نوین",
            "country": country,
            "currency": currency,
            "language": language,
            "address": "1 High Street\nLondon",
            "kind": "business",
        },
    )
    contract = Contract.objects.create(
        organization=studio,
        client=client,
        code=f"C-{country}-1",
        title="Website build",
        scope="Design and build of the shop\nTwo rounds of changes",
        signed_on=date(2026, 3, 2),
        price=Decimal(price),
        currency=currency,
        jurisdiction=country,
        **terms,
    )
    Milestone.objects.create(
        organization=studio,
        contract=contract,
        position=1,
        description="Deposit",
        percent=Decimal(30),
        due_rule="on_signing",
    )
    Milestone.objects.create(
        organization=studio,
        contract=contract,
        position=2,
        description="Launch",
        percent=Decimal(70),
        due_rule="on_date",
        due_on=date(2026, 6, 30),
    )
    return contract


# --- the contract ---------------------------------------------------------------------------


def test_the_contract_in_english_states_price_schedule_and_late_payment_terms(studio):
    contract = _contract(
        studio,
        interest_rate=Decimal(8),
        late_fee=Decimal(40),
        penalty_percent=Decimal(5),
        grace_days=3,
        work_stop_grace_days=14,
    )

    text = pdf_text(contract_pdf(contract, on=TODAY))

    assert "Contract" in text and "C-GB-1" in text
    assert "Thames Widgets Ltd" in text and "Lotus Studio" in text
    assert "£8,000.00" in text  # the price
    assert "£2,400.00" in text and "£5,600.00" in text  # 30 % and 70 % of it
    assert "Deposit" in text and "Launch" in text
    assert "8% a year" in text and "£40.00" in text and "5%" in text
    assert "3 days" in text and "14 days" in text  # grace, and before work stops
    for heading in ("Intellectual property", "Confidentiality", "Termination", "Disputes"):
        assert heading in text
    assert "United Kingdom" in text
    assert text.count("Signed for") >= 2


def test_without_a_rate_the_law_of_the_jurisdiction_applies_and_no_work_stop_clause(studio):
    contract = _contract(studio, price="4000")

    data = contract_data(contract, on=TODAY)
    words = " ".join(p for s in data["sections"] for p in s["paragraphs"])

    assert "as the law of the United Kingdom provides" in words
    assert not any("Stopping the work" in s["heading"] for s in data["sections"])
    assert data["note"] is None  # £1,200 and £2,800 fit the small-claims court


def test_a_gb_contract_above_the_small_claims_limit_carries_the_warning_as_a_note(studio):
    contract = _contract(studio, price="40000")  # milestones of £12,000 and £28,000

    data = contract_data(contract, on=TODAY)
    text = pdf_text(contract_pdf(contract, on=TODAY))

    assert data["note"] is not None and len(data["note"]["lines"]) == 2
    assert "not part of the contract" in data["note"]["title"]
    assert "small" in " ".join(data["note"]["lines"]).lower()
    assert "not part of the contract" in text
    # The note is not a clause.
    assert all("small" not in " ".join(s["paragraphs"]).lower() for s in data["sections"])


def test_the_contract_in_persian_has_persian_digits(studio):
    contract = _contract(
        studio,
        country="IR",
        currency="IRR",
        language="fa",
        price="150000000",
        interest_rate=Decimal(12),
    )

    text = pdf_text(contract_pdf(contract, on=TODAY))
    data = contract_data(contract, on=TODAY)

    assert data["language"] == "fa"
    assert "۱۵۰٬۰۰۰٬۰۰۰" in data["sections"][2]["paragraphs"][0]
    assert PERSIAN_DIGITS & set(text)
    assert "150000000" not in text and "150,000,000" not in text


# --- the plan agreement ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_plan_agreement_lists_the_instalments_grace_and_what_a_miss_does(invoice_for, language):
    invoice = invoice_for(language)
    plan = plan_create(
        organization=invoice.organization,
        invoices=[invoice],
        instalments=3,
        every_days=30,
        on=date(2026, 12, 1),
        grace_days=5,
    )
    amounts = [i.amount for i in plan.instalments.order_by("number")]

    text = pdf_text(plan_agreement_pdf(plan))

    if language == "en":
        for amount in amounts:
            assert format_amount(amount, "USD", "en") in text
        assert "$1,450.55" in text  # the whole balance
        assert "5 days" in text and "the plan ends" in text
        assert "December 31, 2026" not in text  # dates in the table are short
        assert "31 Dec 2026" in text and "1 Mar 2027" in text
        assert "Signed for Acme Corporation" in text
    else:
        assert PERSIAN_DIGITS & set(text)
        assert "INV-77-FA" in text
        for amount in amounts:  # written in Persian digits, never in ASCII ones
            assert f"{amount:,.0f}" not in text and f"{amount:.0f}" not in text


# --- the receipt ----------------------------------------------------------------------------


def _paid_on_20_november(invoice, amount: str, **more):
    """A payment in US dollars against `invoice` alone."""
    return payment_record(
        organization=invoice.organization,
        client=invoice.client,
        date=date(2026, 11, 20),
        amount=Decimal(amount),
        currency="USD",
        invoices=[invoice],
        **more,
    )


def test_the_receipt_names_the_invoices_paid_and_what_remains(invoice_for):
    invoice = invoice_for("en", pay=False)
    payment = _paid_on_20_november(invoice, "1000.00", reference="WIRE-123", key="PAY-1")

    text = pdf_text(receipt_pdf(payment, on=TODAY))

    assert "$1,000.00" in text and "November 20, 2026" in text
    assert "bank transfer" in text and "WIRE-123" in text
    assert "INV-77-EN" in text
    assert "$950.55" in text  # 1,950.55 - 1,000.00 still to pay
    assert "Still to pay on these invoices: $950.55." in text


def test_a_receipt_of_more_than_is_owed_keeps_the_rest_as_credit(invoice_for):
    payment = _paid_on_20_november(invoice_for("en", pay=False), "2000.00")

    text = pdf_text(receipt_pdf(payment, on=TODAY))

    assert "These invoices are now paid in full." in text
    assert "$49.45 of it is not yet set against an invoice" in text


def test_the_receipt_in_persian_has_persian_digits(invoice_for):
    invoice = invoice_for("fa")
    payment = invoice.allocations.get().payment

    text = pdf_text(receipt_pdf(payment, on=TODAY))

    assert PERSIAN_DIGITS & set(text)
    assert "INV-77-FA" in text
    assert "5000000" not in text and "5,000,000" not in text


# --- the statement --------------------------------------------------------------------------


def test_the_statement_lists_open_invoices_days_overdue_totals_and_payments(invoice_for, studio):
    first = invoice_for("en")  # 1,950.55 with 500.00 paid on 2026-11-01, due 2026-11-22
    invoice_create(
        organization=studio,
        client=first.client,
        number="INV-78-EN",
        issue_date=date(2026, 11, 25),
        due_date=date(2026, 12, 25),
        currency="USD",
        lines=[LineInput("Support", Decimal(1), Decimal("300.00"))],
    )
    invoice_create(  # issued after the statement's day: not on it
        organization=studio,
        client=first.client,
        number="INV-99-EN",
        issue_date=date(2026, 12, 20),
        due_date=date(2027, 1, 20),
        currency="USD",
        lines=[LineInput("Later", Decimal(1), Decimal("77.00"))],
    )

    data = statement_data(first.client, TODAY)
    text = pdf_text(statement_pdf(first.client, TODAY))

    assert [row[0] for row in data["invoices"]] == ["INV-77-EN", "INV-78-EN"]
    assert [row[3] for row in data["invoices"]] == ["11", "0"]
    assert data["totals"] == [
        ["Balance due (USD)", "$1,750.55"],
        ["of which overdue", "$1,450.55"],
    ]
    assert "INV-99-EN" not in text
    assert "$1,750.55" in text and "$1,450.55" in text and "$300.00" in text
    assert "$500.00" in text and "1 Nov 2026" in text  # the payment of November 1


def test_a_payment_after_the_day_of_the_statement_does_not_count(invoice_for):
    invoice = invoice_for("en")
    payment_record(
        organization=invoice.organization,
        client=invoice.client,
        date=date(2026, 12, 10),
        amount=Decimal("1450.55"),
        currency="USD",
        invoices=[invoice],
    )

    assert statement_data(invoice.client, TODAY)["totals"][0][1] == "$1,450.55"
    assert statement_data(invoice.client, date(2026, 12, 10))["invoices"] == []


def test_the_statement_in_persian_has_persian_digits(invoice_for):
    invoice = invoice_for("fa")

    data = statement_data(invoice.client, TODAY)
    text = pdf_text(statement_pdf(invoice.client, TODAY))

    assert data["invoices"][0][3] == "۱۱"
    assert PERSIAN_DIGITS & set(text)
    assert "14500000" not in text and "14,500,000" not in text


# --- the demand letter attaches the contract ----------------------------------------------


def test_the_demand_letter_attaches_the_contract_pdf(studio, reachable, action_for):
    contract = _contract(studio, price="5000", late_fee=Decimal(40))
    invoice = invoice_create(
        organization=studio,
        client=contract.client,
        number="GB-1",
        issue_date=date(2026, 7, 2),
        due_date=date(2026, 8, 1),
        currency="GBP",
        lines=[LineInput("Build", Decimal(1), Decimal("1000.00"))],
        contract=contract,
    )
    reachable(invoice)

    composed = compose(action_for(invoice, "demand_letter", channels="letter"), today=TODAY)

    names = [a.filename for a in composed.attachments]
    assert composed.letter is not None and composed.letter in composed.attachments
    assert "C-GB-1.pdf" in names
    attached = next(a for a in composed.attachments if a.filename == "C-GB-1.pdf")
    assert attached.content.startswith(b"%PDF-")
    assert "Website build" in pdf_text(attached.content)
    assert not any("not attached" in note for note in composed.notes)


# --- owed document ... ----------------------------------------------------------------------


def test_the_commands_write_each_paper(owed, studio, invoice_for, tmp_path):
    contract = _contract(studio)
    invoice = invoice_for("en")
    plan = plan_create(
        organization=studio, invoices=[invoice], instalments=2, every_days=30, on=TODAY
    )
    payment = invoice.allocations.get().payment

    for args, expect in [
        (("contract", contract.code), "C-GB-1"),
        (("plan", str(plan.pk)), "INV-77-EN"),
        (("receipt", payment.key), "$500.00"),
        (("receipt", str(payment.pk)), "$500.00"),
        (("statement", invoice.client.code), "INV-77-EN"),
    ]:
        target = tmp_path / f"{args[0]}.pdf"
        result = owed("document", *args, "-o", target)
        assert result.code == 0, result.stderr
        assert expect in pdf_text(target.read_bytes()), args
        assert "Wrote" in result.stderr


def test_the_statement_command_takes_a_day_and_a_language(owed, invoice_for, tmp_path):
    invoice = invoice_for("en")
    target = tmp_path / "s.pdf"

    result = owed(
        "document",
        "statement",
        invoice.client.code,
        "--as-of",
        "2026-12-03",
        "--language",
        "fa",
        "-o",
        target,
        "--json",
    )

    assert result.code == 0, result.stderr
    assert result.json["language"] == "fa" and result.json["file"] == str(target)
    assert PERSIAN_DIGITS & set(pdf_text(target.read_bytes()))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("contract", "NOPE"), "no contract 'NOPE'"),
        (("plan", "999"), "no payment plan 999"),
        (("plan", "abc"), "no payment plan 'abc'"),
        (("receipt", "NOPE"), "no payment 'NOPE'"),
        (("statement", "NOPE"), "NOPE"),
        (("statement", "C-en", "--language", "xx"), "xx"),
        (("statement", "C-en", "--as-of", "2026-13-45"), "2026-13-45"),
    ],
)
def test_unknown_ids_and_bad_options_are_errors(owed, invoice_for, tmp_path, args, message):
    invoice_for("en")

    result = owed("document", *args, "-o", tmp_path / "x.pdf")

    assert result.code == 1
    assert "error" in result.stderr.lower() and message in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_path_that_cannot_be_written_is_an_error_before_the_work(owed, studio, tmp_path):
    contract = _contract(studio)

    result = owed("document", "contract", contract.code, "-o", tmp_path / "missing" / "c.pdf")

    assert result.code == 1 and "error" in result.stderr.lower()
