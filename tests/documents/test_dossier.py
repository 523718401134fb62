"""The claim file (L11, L12): `owed dossier` and `owed.documents.dossier`."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from owed.documents.dossier import dossier_build, dossier_data, dossier_invoices, dossier_zip
from owed.documents.services import letter_pdf, party_data, sender_data
from owed.dunning.models import Action, Interaction, Promise
from owed.ledger.models import Client
from owed.ledger.services import LineInput, invoice_create
from owed.mail.models import Attachment, Message
from tests.documents.conftest import DUE, ISSUED, TODAY
from tests.documents.pdfs import page_count, pdf_text

pytestmark = pytest.mark.django_db

ON = date(2027, 1, 15)
SENT_AT = datetime(2026, 12, 5, 8, 30, tzinfo=UTC)


@pytest.fixture
def case(studio, invoice_for, action_for):
    """A Vietnamese client with two overdue invoices (one partly paid), a reminder sent,
    an e-mail with a letter attached, a call with its reason and outcome, and a promise."""
    first = invoice_for("vi")
    client = first.client
    second = invoice_create(
        organization=studio,
        client=client,
        number="INV-88-VI",
        issue_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        currency="VND",
        lines=[LineInput("Bảo trì", Decimal(1), Decimal(3000000), Decimal(0))],
    )
    action = action_for(first, "reminder", invoices=[first, second])
    action.status = Action.Status.SENT
    action.save()
    Interaction.objects.create(
        organization=studio,
        client=client,
        invoice=first,
        channel=Interaction.Channel.CALL,
        direction=Interaction.Direction.OUT,
        happened_on=date(2026, 12, 10),
        summary="Called the accountant",
        reason=Interaction.Reason.CASH_FLOW,
        outcome="will pay in January",
    )
    promise = Promise.objects.create(
        organization=studio, client=client, made_on=date(2026, 12, 11), until=date(2026, 12, 31)
    )
    promise.invoices.set([first, second])
    letter = letter_pdf(
        {
            "language": "en",
            "sender": sender_data(studio, "en"),
            "recipient": party_data(client, "en"),
            "date": "December 5, 2026",
            "subject": "Reminder LETTER-XYZ",
            "paragraphs": ["Please pay."],
        }
    )
    message = Message.objects.create(
        organization=studio,
        client=client,
        to="ap@client.example",
        subject="Nhắc thanh toán INV-77-VI",
        text="Xin vui lòng thanh toán.",
        message_id="<dossier-1@lotus.example>",
        status=Message.Status.SENT,
        sent_at=SENT_AT,
    )
    Attachment.objects.create(
        message=message, filename="reminder.pdf", content_type="application/pdf", content=letter
    )
    return {"client": client, "first": first, "second": second, "letter": letter}


def test_the_default_invoices_are_the_overdue_ones(case):
    invoices = dossier_invoices(case["client"], on=ON)
    assert [i.number for i in invoices] == ["INV-77-VI", "INV-88-VI"]
    # On the first due date nothing is overdue yet.
    with pytest.raises(Exception, match="no overdue invoice"):
        dossier_invoices(case["client"], on=DUE)


def test_the_pdf_holds_summary_timeline_and_the_appended_documents(case):
    dossier = dossier_build(case["client"], on=ON, language="en")
    text = pdf_text(dossier.pdf)
    summary = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(dossier.pdf)).pages[: dossier.summary_pages]
    )

    assert "INV-77-VI" in summary and "INV-88-VI" in summary
    assert "14,500,000" in summary  # the first invoice's balance
    assert "17,500,000" in summary  # both balances together, before interest
    # The timeline, oldest first: the reminder, the e-mail, the call, the promise.
    days = ["December 3, 2026", "December 5, 2026", "December 10, 2026", "December 11, 2026"]
    at = [summary.find(day) for day in days]
    assert all(i >= 0 for i in at) and at == sorted(at), at
    assert "Cash flow" in summary and "will pay in January" in summary
    assert "Called the accountant" in summary
    # The letter sent and the payment history come after the summary.
    assert "LETTER-XYZ" in text and "LETTER-XYZ" not in summary
    assert "Payment history" in text

    parts = [p.content for p in dossier.invoices + dossier.letters] + [dossier.payments.content]
    assert len(dossier.invoices) == 2 and len(dossier.letters) == 1
    assert page_count(dossier.pdf) == dossier.summary_pages + sum(map(page_count, parts))


def test_interest_to_date_and_its_basis(case):
    data = dossier_data(
        case["client"], dossier_invoices(case["client"], on=ON), on=ON, language="en"
    )
    assert [row["number"] for row in data["charges"]] == ["INV-77-VI", "INV-88-VI"]
    first = data["charges"][0]
    assert first["basis"] and first["claimed"]
    # Either interest was worked out (a figure) or the reason is printed instead.
    assert re.search(r"\d", first["interest"]) or first["basis"].startswith(
        "Interest not worked out"
    )
    assert [row[0] for row in data["totals"]] == ["VND"]


def test_only_the_invoices_asked_for(case):
    dossier = dossier_build(case["client"], on=ON, numbers=["INV-88-VI"], language="en")
    assert [p.title for p in dossier.invoices] == ["INV-88-VI"]


def test_an_invoice_of_another_client_is_refused(case, studio):
    other = Client.objects.create(
        organization=studio, code="C-other", name="Other", country="VN", currency="VND"
    )
    with pytest.raises(Exception, match="has no invoice numbered 'INV-77-VI'"):
        dossier_build(other, on=ON, numbers=["INV-77-VI"])


def test_the_zip_holds_every_document_and_the_emails(case):
    dossier = dossier_build(case["client"], on=ON, language="en")
    archive = zipfile.ZipFile(io.BytesIO(dossier_zip(dossier)))
    names = archive.namelist()
    assert names == [
        "dossier-C-vi.pdf",
        "invoices/INV-77-VI.pdf",
        "invoices/INV-88-VI.pdf",
        "letters/01-2026-12-05-reminder.pdf",
        names[4],  # the e-mail, named below
        "manifest.txt",
    ]
    assert names[4].startswith("emails/01-2026-12-05-") and names[4].endswith(".eml")
    assert archive.read("dossier-C-vi.pdf") == dossier.pdf
    assert archive.read("letters/01-2026-12-05-reminder.pdf") == case["letter"]
    manifest = archive.read("manifest.txt").decode()
    for name in names[:-1]:
        assert name in manifest
    mail = email.message_from_bytes(archive.read(names[4]), policy=email.policy.default)
    assert mail["Subject"] == "Nhắc thanh toán INV-77-VI"
    assert mail["Message-ID"] == "<dossier-1@lotus.example>"
    assert mail["To"] == "ap@client.example"
    assert "2026" in mail["Date"] and "05 Dec" in mail["Date"]
    attached = [part.get_filename() for part in mail.iter_attachments()]
    assert attached == ["reminder.pdf"]
    # The same dossier gives the same ZIP.
    assert dossier_zip(dossier) == dossier_zip(dossier)


def test_persian_uses_persian_digits(case):
    dossier = dossier_build(case["client"], on=ON, language="fa")
    reader = PdfReader(io.BytesIO(dossier.pdf))
    summary = "\n".join(page.extract_text() for page in reader.pages[: dossier.summary_pages])
    assert re.search(r"[۰-۹]", summary)
    assert "2026" not in summary and "2027" not in summary  # the Persian calendar's years
    data = dossier_data(
        case["client"], dossier_invoices(case["client"], on=ON), on=ON, language="fa"
    )
    assert data["invoices"][0]["days_overdue"] == "۵۴"
    assert "۱۴۰۵" in data["invoices"][0]["due_date"]


def test_the_organization_language_is_the_default(case, studio):
    studio.language = "vi"
    studio.save()
    dossier = dossier_build(case["client"], on=ON)
    assert dossier.language == "vi"
    text = pdf_text(dossier.pdf)
    # "Payment history" and "Client id" in Vietnamese (pypdf splits the dotted "ị").
    assert "ch sử thanh toán" in text and "Mã khách hàng: C-vi" in text


# --- the command ------------------------------------------------------------------------------


def test_the_command_writes_the_pdf_and_the_zip(case, owed, tmp_path):
    pdf, archive = tmp_path / "claim.pdf", tmp_path / "claim.zip"

    result = owed("dossier", "C-vi", "-o", pdf, "--zip", archive, "--on", "2027-01-15", "--json")

    assert result.code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["ok"] and answer["invoices"] == ["INV-77-VI", "INV-88-VI"]
    assert answer["files"] == [str(pdf), str(archive)] and answer["emails"] == 1
    assert "INV-88-VI" in pdf_text(pdf.read_bytes())
    assert "manifest.txt" in zipfile.ZipFile(archive).namelist()


def test_the_command_default_file_and_one_invoice(case, owed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = owed("dossier", "C-vi", "--invoice", "INV-88-VI", "--on", "2027-01-15")

    assert result.code == 0, result.stderr
    assert "Wrote the dossier of C-vi" in result.stderr
    text = pdf_text((tmp_path / "dossier-C-vi.pdf").read_bytes())
    assert "INV-88-VI" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("C-nobody",), "no client with id 'C-nobody'"),
        (("C-vi", "--invoice", "INV-OTHER"), "has no invoice numbered 'INV-OTHER'"),
        (("C-vi", "--language", "de"), "de"),
        (("C-vi", "--on", "2026-11-01"), "no overdue invoice"),
    ],
)
def test_the_command_refuses_bad_input(case, studio, owed, tmp_path, args, message):
    other = Client.objects.create(
        organization=studio, code="C-other", name="Other", country="VN", currency="VND"
    )
    invoice_create(
        organization=studio,
        client=other,
        number="INV-OTHER",
        issue_date=ISSUED,
        due_date=DUE,
        currency="VND",
        lines=[LineInput("x", Decimal(1), Decimal(1000), Decimal(0))],
    )
    result = owed("dossier", *args, "-o", tmp_path / "x.pdf")
    assert result.code == 1
    assert "error:" in result.stderr and message in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_command_refuses_a_path_it_cannot_write(case, owed, tmp_path):
    result = owed("dossier", "C-vi", "-o", tmp_path / "missing" / "x.pdf")
    assert result.code == 1 and "does not exist" in result.stderr

    result = owed("dossier", "C-vi", "--zip", tmp_path)
    assert result.code == 1 and "it is a folder" in result.stderr


def test_timeline_leaves_out_what_comes_after_the_day(case):
    data = dossier_data(
        case["client"], dossier_invoices(case["client"], on=TODAY), on=TODAY, language="en"
    )
    assert [row[0] for row in data["timeline"]] == ["December 3, 2026"]


def test_the_dossier_appends_the_contract_of_its_invoices(case, studio):
    from owed.ledger.models import Contract

    contract = Contract.objects.create(
        organization=studio,
        client=case["client"],
        code="CT-2026-042",
        title="Website build",
        scope="Design and build of the shop",
        signed_on=date(2026, 3, 2),
        price=Decimal(20000000),
        currency="VND",
        jurisdiction="VN",
    )
    case["first"].contract = contract
    case["first"].save(update_fields=["contract"])

    dossier = dossier_build(case["client"], on=ON, language="en")

    assert [part.title for part in dossier.contracts] == ["CT-2026-042"]
    contract_pages = page_count(dossier.contracts[0].content)
    reader = PdfReader(io.BytesIO(dossier.pdf))
    # The contract comes last, after the invoices, the letter and the payment history.
    tail = "\n".join(page.extract_text() for page in reader.pages[-contract_pages:])
    assert "CT-2026-042" in tail and "Website build" in tail
    assert "Payment history" not in tail
    names = zipfile.ZipFile(io.BytesIO(dossier_zip(dossier))).namelist()
    assert "contracts/CT-2026-042.pdf" in names


def test_documents_do_not_depend_on_the_web_pages():
    from pathlib import Path

    import owed.documents

    folder = Path(owed.documents.__file__).parent
    importing = [
        path.name
        for path in folder.glob("*.py")
        if re.search(r"^\s*(from|import) owed\.web\b", path.read_text(), re.M)
    ]
    assert importing == []


@pytest.fixture
def rial_case(studio):
    """An Iranian client with six overdue invoices in the billions of rials: the widest
    amounts owed prints, next to dates in every language."""
    client = Client.objects.create(
        organization=studio,
        code="SEPEHR",
        name="شرکت بازرگانی سپهر تجارت کیش",
        country="IR",
        language="fa",
        currency="IRR",
    )
    for n, total in enumerate(["1629000000", "4440000000", "190000000", "12345678000"]):
        invoice_create(
            organization=studio,
            client=client,
            number=f"INV-2026-{155 + n:04d}",
            issue_date=date(2026, 4, 23),
            due_date=date(2026, 6, 7 + n),
            currency="IRR",
            lines=[LineInput("طراحی", Decimal(1), Decimal(total), Decimal(0))],
        )
    return client


@pytest.mark.parametrize("language", ["en", "vi", "fa", "th"])
def test_the_summary_tables_never_print_one_column_over_another(rial_case, language):
    from tests.documents.pdfs import first_page_png, overlapping_words, words

    dossier = dossier_build(rial_case, on=ON, language=language)
    summary = PdfReader(io.BytesIO(dossier.pdf))
    writer_pages = dossier.summary_pages
    first_page_png(dossier.pdf, f"dossier-rial-{language}")

    clashes = [
        (one.text, other.text)
        for one, other in overlapping_words(dossier.pdf)
        if one.page <= writer_pages
        and any(c.isdigit() for c in one.text)
        and any(c.isdigit() for c in other.text)
    ]
    assert clashes == []
    if language != "fa":  # poppler reverses Persian digit runs; the boxes above suffice
        found = {w.text for w in words(dossier.pdf) if w.page <= writer_pages}
        data = dossier_data(rial_case, dossier_invoices(rial_case, on=ON), on=ON, language=language)
        for row in data["invoices"]:
            # Each cell is its own word(s): two cells run together would make one word.
            for value in (row["due_date"], row["total"], row["balance"], row["days_overdue"]):
                for token in value.replace("\xa0", " ").split():
                    assert token in found, (token, value)
    assert len(summary.pages) >= writer_pages
