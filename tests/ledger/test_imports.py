"""`import_file`: clients, invoices and payments from CSV or XLSX, all or nothing."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from owed.ledger import selectors
from owed.ledger.imports import ImportRejected, import_file
from owed.ledger.models import Allocation, Client, Contact, Invoice, InvoiceLine, Payment

pytestmark = pytest.mark.django_db

CLIENTS = (
    "client_id,name,country,language,currency,email,billing_email,phone,contact_name\n"
    "SEN,Công ty TNHH Sen Vàng,VN,vi,VND,ketoan@senvang.vn,,+84 28 3823 4567,Nguyễn Thị Lan\n"
    "ACME,Acme Ltd,GB,en,GBP,ap@acme.co.uk,billing@acme.co.uk,,\n"
    "PARS,شرکت پارس,IR,fa,IRR,info@pars.ir,,,\n"
    "SIAM,บริษัท สยาม จำกัด,TH,th,THB,acc@siam.co.th,,,\n"
)
INVOICES = (
    "invoice_no,client_id,issue_date,due_date,currency,amount,description\n"
    "INV-001,SEN,2024-01-05,2024-02-04,VND,15000000,Thiết kế logo\n"
    "INV-002,ACME,2024-01-10,2024-02-09,GBP,1200.50,Website\n"
    "INV-003,ACME,2024-02-01,2024-03-02,GBP,800,Hosting\n"
    "INV-004,PARS,2024-02-01,2024-03-02,IRR,250000000,طراحی وب‌سایت\n"
)
PAYMENTS_HEADER = "invoice_no,date,amount,currency,reference,method,payment_id\n"


def ledger_snapshot() -> dict[str, list[dict]]:
    """Every ledger row of every organization, as values, to compare before and after."""
    models = (Client, Contact, Invoice, InvoiceLine, Payment, Allocation)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def problems_of(org, kind: str, path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        import_file(organization=org, kind=kind, path=path)
    return caught.value.details


def assert_refused_and_nothing_written(org, kind: str, path: Path, *messages: str) -> list[str]:
    before = ledger_snapshot()
    problems = problems_of(org, kind, path)
    for message in messages:
        assert message in problems
    assert ledger_snapshot() == before
    return problems


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def invoice(org, number: str) -> Invoice:
    return selectors.invoices_with_balance(organization=org).get(number=number)


def credit_of(org, code: str) -> Decimal:
    client = Client.objects.get(organization=org, code=code)
    return (
        selectors.client_credits(organization=org)
        .get(client.pk, {})
        .get(client.currency, Decimal(0))
    )


def allocations_of(number: str) -> list[Decimal]:
    return list(
        Allocation.objects.filter(invoice__number=number)
        .order_by("id")
        .values_list("amount", flat=True)
    )


@pytest.fixture
def clients(org, write_csv):
    import_file(organization=org, kind="clients", path=write_csv(CLIENTS, "clients.csv"))


@pytest.fixture
def invoices(org, clients, write_csv):
    import_file(organization=org, kind="invoices", path=write_csv(INVOICES, "invoices.csv"))


@pytest.fixture
def pay(org, invoices, write_csv):
    """Import payment rows (CSV lines after the header) and return the result."""

    def run(*rows: str, header: str = PAYMENTS_HEADER):
        path = write_csv(header + "".join(f"{row}\n" for row in rows), "payments.csv")
        return import_file(organization=org, kind="payments", path=path)

    return run


# ---------------------------------------------------------------- happy paths


def test_a_csv_of_clients_creates_each_client_with_its_contacts(org, write_csv):
    result = import_file(organization=org, kind="clients", path=write_csv(CLIENTS))

    assert (result.rows, result.created, result.updated, result.unchanged) == (4, 4, 0, 0)
    sen = Client.objects.get(organization=org, code="SEN")
    assert (sen.name, sen.country, sen.language, sen.currency) == (
        "Công ty TNHH Sen Vàng",
        "VN",
        "vi",
        "VND",
    )
    assert Client.objects.get(code="PARS").name == "شرکت پارس"
    assert Client.objects.get(code="SIAM").name == "บริษัท สยาม จำกัด"
    main = Contact.objects.get(client=sen, role=Contact.Role.MAIN)
    assert (main.name, main.email, main.phone) == (
        "Nguyễn Thị Lan",
        "ketoan@senvang.vn",
        "+84 28 3823 4567",
    )
    acme_contacts = Contact.objects.filter(client__code="ACME").order_by("role")
    assert [(c.role, c.email) for c in acme_contacts] == [
        ("billing", "billing@acme.co.uk"),
        ("main", "ap@acme.co.uk"),
    ]


def test_a_csv_saved_with_a_byte_order_mark_reads_its_first_column_like_one_without(org, write_csv):
    path = write_csv(CLIENTS, "bom.csv", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = import_file(organization=org, kind="clients", path=path)

    assert result.created == 4
    assert result.warnings == []
    assert set(Client.objects.values_list("code", flat=True)) == {"SEN", "ACME", "PARS", "SIAM"}


def test_a_semicolon_separated_csv_is_read_like_a_comma_separated_one(org, write_csv):
    path = write_csv(
        "client_id;name;country;language;currency;email;address\n"
        "SEN;Công ty Sen Vàng;VN;vi;VND;ketoan@senvang.vn;12 Lê Lợi, Quận 1, TP HCM\n"
        "ACME;Acme, Ltd;GB;en;GBP;ap@acme.co.uk;1 High Street, London\n"
    )

    result = import_file(organization=org, kind="clients", path=path)

    assert result.created == 2
    assert Client.objects.get(code="SEN").address == "12 Lê Lợi, Quận 1, TP HCM"
    assert Client.objects.get(code="ACME").name == "Acme, Ltd"


def test_invoices_from_a_csv_are_open_with_their_amount_and_description(org, clients, write_csv):
    result = import_file(organization=org, kind="invoices", path=write_csv(INVOICES))

    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    logo = invoice(org, "INV-001")
    assert logo.client.code == "SEN"
    assert (logo.issue_date, logo.due_date) == (date(2024, 1, 5), date(2024, 2, 4))
    assert (logo.currency, logo.total, logo.balance, logo.state) == (
        "VND",
        Decimal(15000000),
        Decimal(15000000),
        "open",
    )
    assert invoice(org, "INV-002").total == Decimal("1200.50")
    line = InvoiceLine.objects.get(invoice__number="INV-004")
    assert (line.description, line.quantity, line.unit_price) == (
        "طراحی وب‌سایت",
        Decimal(1),
        Decimal(250000000),
    )


def test_payments_from_a_csv_pay_the_invoices_they_name(org, pay):
    result = pay(
        "INV-001,2024-02-01,15000000,VND,UNC 0001,bank_transfer,VCB-1",
        "INV-002,2024-02-05,1200.50,GBP,,card,",
    )

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert invoice(org, "INV-001").state == "paid"
    assert invoice(org, "INV-002").state == "paid"
    payment = Payment.objects.get(key="VCB-1")
    assert (payment.client.code, payment.date, payment.reference, payment.method) == (
        "SEN",
        date(2024, 2, 1),
        "UNC 0001",
        "bank_transfer",
    )
    assert Payment.objects.get(currency="GBP").method == "card"


def test_an_xlsx_workbook_with_date_and_number_cells_imports_like_a_csv(org, tmp_path):
    write_xlsx(
        tmp_path / "clients.xlsx",
        ["client_id", "name", "country", "language", "currency", "email"],
        [
            ["SEN", "Công ty TNHH Sen Vàng", "VN", "vi", "VND", "ketoan@senvang.vn"],
            ["ACME", "Acme Ltd", "GB", "en", "GBP", "ap@acme.co.uk"],
            [1001, "Numbered Client", "GB", "en", "GBP", None],
        ],
    )
    write_xlsx(
        tmp_path / "invoices.xlsx",
        ["Invoice No", "Client ID", "Issue Date", "Due Date", "Currency", "Amount"],
        [
            ["INV-001", "SEN", date(2024, 1, 5), date(2024, 2, 4), "VND", 15000000],
            ["INV-002", "ACME", datetime(2024, 1, 10), datetime(2024, 2, 9), "GBP", 1200.5],
            ["INV-003", 1001, date(2024, 2, 1), date(2024, 3, 2), "GBP", 99.99],
            ["INV-004", "SEN", "2024-02-01", "2024-03-02", "VND", 250000000.0],
        ],
    )
    write_xlsx(
        tmp_path / "payments.xlsx",
        ["invoice_no", "date", "amount", "currency"],
        [["INV-002", date(2024, 2, 1), 700.25, "GBP"], ["INV-001", date(2024, 2, 3), 1e6, "VND"]],
    )

    for kind in ("clients", "invoices", "payments"):
        result = import_file(organization=org, kind=kind, path=tmp_path / f"{kind}.xlsx")
        assert result.warnings == []

    assert Client.objects.get(code="1001").name == "Numbered Client"
    website = invoice(org, "INV-002")
    assert (website.issue_date, website.due_date) == (date(2024, 1, 10), date(2024, 2, 9))
    assert (website.total, website.paid, website.balance) == (
        Decimal("1200.50"),
        Decimal("700.25"),
        Decimal("500.25"),
    )
    assert website.state == "partly_paid"
    assert invoice(org, "INV-001").total == Decimal(15000000)
    assert invoice(org, "INV-001").balance == Decimal(14000000)
    assert invoice(org, "INV-003").total == Decimal("99.99")
    assert invoice(org, "INV-004").total == Decimal(250000000)


def test_an_xlsx_amount_is_read_to_the_15_digits_excel_shows(org, clients, tmp_path):
    # A cell holding =1120.51*1.1 stores 1232.5610000000001 and shows 1232.561; one
    # holding =0.1+0.2 stores 0.30000000000000004 and shows 0.3.
    path = write_xlsx(
        tmp_path / "invoices.xlsx",
        ["invoice_no", "client_id", "issue_date", "due_date", "currency", "amount"],
        [
            ["INV-1", "ACME", date(2024, 1, 1), date(2024, 1, 31), "GBP", 0.1 + 0.2],
            ["INV-2", "ACME", date(2024, 1, 1), date(2024, 1, 31), "GBP", 1120.51 * 1.1],
        ],
    )

    problems = problems_of(org, "invoices", path)

    assert problems == ["line 3, column amount: amount 1232.561 has more than 2 decimals for GBP"]
    assert not Invoice.objects.exists()


def test_an_xlsx_number_cell_is_read_as_plain_digits_never_in_scientific_notation(
    org, clients, tmp_path
):
    # A CSV saved by Excel may hold 1.23457E+11 for this cell, which is refused; the
    # workbook holds the number itself.
    path = write_xlsx(
        tmp_path / "invoices.xlsx",
        ["invoice_no", "client_id", "issue_date", "due_date", "currency", "amount"],
        [
            ["INV-1", "SEN", date(2024, 1, 1), date(2024, 1, 31), "VND", 123456789012.0],
            ["INV-2", "ACME", date(2024, 1, 1), date(2024, 1, 31), "GBP", 0.05],
            ["INV-3", "SEN", date(2024, 1, 1), date(2024, 1, 31), "VND", 1e14],
        ],
    )

    import_file(organization=org, kind="invoices", path=path)

    assert [invoice(org, n).total for n in ("INV-1", "INV-2", "INV-3")] == [
        Decimal(123456789012),
        Decimal("0.05"),
        Decimal(10**14),
    ]


def test_an_xlsx_workbook_that_declares_a_wrong_size_is_read_in_full(org, tmp_path):
    # Some programs write <dimension ref="A1"/>; openpyxl's read-only mode then reads A1 only.
    path = write_xlsx(
        tmp_path / "clients.xlsx",
        ["client_id", "name", "country", "language", "currency", "email"],
        [
            ["SEN", "Sen Vàng", "VN", "vi", "VND", "a@senvang.vn"],
            ["ACME", "Acme", "GB", "en", "GBP", "b@acme.co.uk"],
        ],
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, replaced = re.subn(
                    rb'<dimension ref="A1:F3"\s*/>', b'<dimension ref="A1"/>', data
                )
                assert replaced == 1
            target.writestr(item, data)
    path.write_bytes(buffer.getvalue())

    result = import_file(organization=org, kind="clients", path=path)

    assert result.created == 2


def test_untitled_empty_columns_a_spreadsheet_leaves_at_the_end_are_ignored(org, write_csv):
    path = write_csv(
        "client_id,name,country,language,currency,email,,\n"
        "ACME,Acme Ltd,GB,en,GBP,ap@acme.co.uk,,\n"
    )

    result = import_file(organization=org, kind="clients", path=path)

    assert result.created == 1


def test_an_unknown_extra_column_gives_a_warning_not_an_error(org, write_csv):
    path = write_csv(
        "client_id,name,country,language,currency,email,favourite_colour\n"
        "ACME,Acme Ltd,GB,en,GBP,ap@acme.co.uk,teal\n"
    )

    result = import_file(organization=org, kind="clients", path=path)

    assert result.created == 1
    assert result.warnings == ["column 'favourite_colour' is not used"]


def test_the_columns_an_export_adds_for_reading_are_passed_over_without_a_warning(
    org, clients, write_csv
):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount,paid,balance,state\n"
        "INV-9,ACME,2024-01-01,2024-01-31,GBP,10,999,999,paid\n"
    )

    result = import_file(organization=org, kind="invoices", path=path)

    assert result.warnings == []
    assert (invoice(org, "INV-9").paid, invoice(org, "INV-9").state) == (Decimal(0), "open")


# ---------------------------------------------------------------- bad rows


def test_an_unknown_client_is_refused_and_nothing_is_written(org, clients, write_csv):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        "INV-1,ACME,2024-01-01,2024-01-31,GBP,100\n"
        "INV-2,NOBODY,2024-01-01,2024-01-31,GBP,100\n"
    )

    problems = assert_refused_and_nothing_written(
        org,
        "invoices",
        path,
        "line 3, column client_id: unknown client 'NOBODY' (import it first)",
    )
    assert len(problems) == 1


def test_a_due_date_before_the_issue_date_is_refused_and_nothing_is_written(
    org, clients, write_csv
):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        "INV-1,ACME,2024-03-01,2024-02-28,GBP,100\n"
        "INV-2,ACME,2024-03-01,2024-03-01,GBP,100\n"
    )

    assert_refused_and_nothing_written(
        org,
        "invoices",
        path,
        "line 2, column due_date: due date 2024-02-28 is before the issue date 2024-03-01",
    )


def test_a_date_that_is_not_iso_8601_is_refused_and_nothing_is_written(org, clients, write_csv):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        "INV-1,ACME,01/03/2024,2024-03-31,GBP,100\n"
    )

    assert_refused_and_nothing_written(
        org,
        "invoices",
        path,
        "line 2, column issue_date: '01/03/2024' is not a date (write it as YYYY-MM-DD)",
    )


def test_a_negative_amount_is_refused_and_nothing_is_written(org, clients, write_csv):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        "INV-1,ACME,2024-01-01,2024-01-31,GBP,100\n"
        "INV-2,ACME,2024-01-01,2024-01-31,GBP,-250.00\n"
    )

    assert_refused_and_nothing_written(
        org, "invoices", path, "line 3, column amount: amount -250.00 is negative"
    )


def test_a_negative_payment_is_refused_and_nothing_is_written(org, pay, write_csv):
    path = write_csv(PAYMENTS_HEADER + "INV-002,2024-03-01,-5,GBP,,,\n")

    assert_refused_and_nothing_written(
        org, "payments", path, "line 2, column amount: amount -5 is negative"
    )


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("abc", "amount 'abc' is not a number"),
        ("1,200.50", "amount '1,200.50' contains a comma; write it like 1234.50"),
        ("", "amount is missing"),
        ("1000000000000000", "amount 1000000000000000 is too large"),
        ("1e30", "amount '1e30' is in scientific notation; write every digit, like 1234.50"),
        (" 1e3", "amount '1e3' is in scientific notation; write every digit, like 1234.50"),
        ("١٢٠٠", "amount '١٢٠٠' has digits other than 0-9; write it like 1234.50"),
        ("５.", "amount '５.' has digits other than 0-9; write it like 1234.50"),
        ("+5", "amount '+5' is not written like 1234.50 (digits 0-9 and one '.' only)"),
        (".5", "amount '.5' needs a digit before the point; write it like 0.5"),
    ],
)
def test_an_amount_that_is_not_a_number_is_refused_and_nothing_is_written(
    org, clients, write_csv, amount, reason
):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        f'INV-1,ACME,2024-01-01,2024-01-31,GBP,"{amount}"\n'
    )

    assert_refused_and_nothing_written(org, "invoices", path, f"line 2, column amount: {reason}")


@pytest.mark.parametrize("currency", ["VND", "IRR"])
def test_decimals_in_a_currency_without_minor_units_are_refused_and_nothing_is_written(
    org, clients, write_csv, currency
):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        f"INV-1,SEN,2024-01-01,2024-01-31,{currency},1500000\n"
        f"INV-2,SEN,2024-01-01,2024-01-31,{currency},1500000.50\n"
        f"INV-3,SEN,2024-01-01,2024-01-31,{currency},1500000.00\n"
    )

    problems = assert_refused_and_nothing_written(
        org,
        "invoices",
        path,
        f"line 3, column amount: amount 1500000.50 has decimals but {currency} has no minor units",
    )
    assert len(problems) == 1  # 1500000.00 is a whole amount, as spreadsheets often write it


def test_a_payment_with_decimals_in_rials_is_refused_and_nothing_is_written(org, pay, write_csv):
    path = write_csv(PAYMENTS_HEADER + "INV-004,2024-03-01,1000.5,IRR,,,\n")

    assert_refused_and_nothing_written(
        org,
        "payments",
        path,
        "line 2, column amount: amount 1000.5 has decimals but IRR has no minor units",
    )


def test_a_payment_in_another_currency_than_its_invoice_is_refused_and_nothing_is_written(
    org, pay, write_csv
):
    path = write_csv(
        PAYMENTS_HEADER + "INV-003,2024-03-01,100,GBP,,,\n" + "INV-002,2024-03-01,100,USD,,,\n"
    )

    assert_refused_and_nothing_written(
        org,
        "payments",
        path,
        "line 3, column currency: currency USD differs from invoice INV-002's GBP",
    )


@pytest.mark.parametrize(
    ("kind", "text", "problem"),
    [
        (
            "clients",
            "client_id,name,country,language,currency,email\n"
            "NEW,New Client,GB,en,GBP,\n"
            "ACME,Acme Ltd,GB,en,GBP,\n"
            "NEW,New Client again,GB,en,GBP,\n",
            "line 4, column client_id: duplicate client_id 'NEW' (also on line 2)",
        ),
        (
            "invoices",
            "invoice_no,client_id,issue_date,due_date,currency,amount\n"
            "INV-9,ACME,2024-01-01,2024-01-31,GBP,100\n"
            "INV-9,ACME,2024-01-01,2024-01-31,GBP,200\n",
            "line 3, column invoice_no: duplicate invoice_no 'INV-9' (also on line 2)",
        ),
        (
            "payments",
            PAYMENTS_HEADER
            + "INV-002,2024-03-01,100,GBP,,,BANK-1\n"
            + "INV-003,2024-03-02,200,GBP,,,BANK-1\n",
            "line 3, column payment_id: duplicate payment_id 'BANK-1' (also on line 2)",
        ),
    ],
)
def test_a_key_repeated_inside_the_file_is_refused_and_nothing_is_written(
    org, invoices, write_csv, kind, text, problem
):
    assert_refused_and_nothing_written(org, kind, write_csv(text), problem)


def test_two_identical_payments_without_a_payment_id_are_refused_and_nothing_is_written(
    org, pay, write_csv
):
    path = write_csv(
        "invoice_no,date,amount,currency\nINV-002,2024-03-01,100,GBP\nINV-002,2024-03-01,100,GBP\n"
    )

    assert_refused_and_nothing_written(
        org,
        "payments",
        path,
        "line 3, column invoice_no: the same payment as on line 2 (same invoice, date, "
        "amount and reference); give each a payment_id to import both",
    )


@pytest.mark.parametrize(
    ("encoding", "problem"),
    [
        (
            "cp1252",
            "line 3, column -: the file is not UTF-8 text (byte 0xe9); "
            "save it as 'CSV UTF-8' and import again",
        ),
        (
            "utf-16",
            "line 1, column -: the file is not UTF-8 text (byte 0xff); "
            "save it as 'CSV UTF-8' and import again",
        ),
    ],
)
def test_a_file_that_is_not_utf8_is_refused_and_nothing_is_written(
    org, clients, write_csv, encoding, problem
):
    path = write_csv(
        "client_id,name,country,language,currency,email\n"
        "ACME,Acme Ltd,GB,en,GBP,ap@acme.co.uk\n"
        "SG,Société Générale,FR,en,EUR,compta@sg.fr\n",
        encoding=encoding,
    )

    problems = assert_refused_and_nothing_written(org, "clients", path, problem)
    assert problems == [problem]


def test_utf16_text_without_a_byte_order_mark_is_refused_and_nothing_is_written(org, write_csv):
    # Plain ASCII in UTF-16 is valid UTF-8 byte for byte, every other byte a NUL.
    path = write_csv(CLIENTS.splitlines()[0] + "\nACME,Acme,GB,en,GBP,\n", encoding="utf-16-le")

    problems = assert_refused_and_nothing_written(org, "clients", path)

    assert problems == [
        "line 1, column -: the file is not UTF-8 text (it holds NUL characters, as UTF-16 "
        "does); save it as 'CSV UTF-8' and import again"
    ]


@pytest.mark.parametrize(
    ("kind", "header", "missing"),
    [
        ("clients", "client_id,name,country,language,currency", "email"),
        ("invoices", "invoice_no,client_id,issue_date,currency,amount", "due_date"),
        ("payments", "invoice_no,date,currency", "amount"),
    ],
)
def test_a_missing_column_is_refused_and_nothing_is_written(
    org, invoices, write_csv, kind, header, missing
):
    values = ",".join("x" for _ in header.split(","))
    path = write_csv(f"{header}\n{values}\n")

    problems = assert_refused_and_nothing_written(
        org, kind, path, f"line 1, column {missing}: missing column"
    )
    assert problems == [f"line 1, column {missing}: missing column"]


def test_values_longer_than_the_ledger_holds_are_refused_and_nothing_is_written(org, write_csv):
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".vn"  # valid, but 308 characters
    path = write_csv(
        "client_id,name,country,language,currency,email,tax_id,contact_name\n"
        f"PARS,Pars,IR,fa,IRR,{email},{'1' * 41},{'N' * 201}\n"
    )

    problems = assert_refused_and_nothing_written(org, "clients", path)

    assert problems == [
        "line 2, column email: longer than 254 characters",
        "line 2, column tax_id: longer than 40 characters",
        "line 2, column contact_name: longer than 200 characters",
    ]


def test_a_file_with_several_bad_rows_lists_every_one_of_them_in_line_order(
    org, clients, write_csv
):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        "INV-1,ACME,2024-01-01,2024-01-31,GBP,100\n"
        "INV-2,NOBODY,2024-01-01,2024-01-31,GBP,100\n"
        "INV-3,ACME,2024-01-01,2024-01-31,GBP,100\n"
        "INV-4,ACME,2024-02-01,2024-01-31,GBP,-1\n"
        "INV-1,SEN,2024-01-01,2024-01-31,VND,99.5\n"
    )

    problems = assert_refused_and_nothing_written(org, "invoices", path)

    assert problems == [
        "line 3, column client_id: unknown client 'NOBODY' (import it first)",
        "line 5, column due_date: due date 2024-01-31 is before the issue date 2024-02-01",
        "line 5, column amount: amount -1 is negative",
        "line 6, column invoice_no: duplicate invoice_no 'INV-1' (also on line 2)",
        "line 6, column amount: amount 99.5 has decimals but VND has no minor units",
    ]


def test_a_good_file_after_a_refused_one_is_imported_whole(org, clients, write_csv):
    bad = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        "INV-1,ACME,2024-01-01,2024-01-31,GBP,100\n"
        "INV-2,NOBODY,2024-01-01,2024-01-31,GBP,100\n",
        "bad.csv",
    )
    problems_of(org, "invoices", bad)

    result = import_file(organization=org, kind="invoices", path=write_csv(INVOICES))

    assert result.created == 4
    assert Invoice.objects.filter(organization=org).count() == 4


def test_a_row_with_more_cells_than_the_header_is_refused_and_nothing_is_written(
    org, clients, write_csv
):
    # 1,200.00 unquoted is two cells: the amount would read as 1.00.
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        'Q2,ACME,2026-01-01,2026-01-31,USD,"1,200.00"\n'
        "Q3,ACME,2026-01-01,2026-01-31,USD,1,200.00\n"
    )

    problems = assert_refused_and_nothing_written(org, "invoices", path)

    assert problems == [
        "line 2, column amount: amount '1,200.00' contains a comma; write it like 1234.50",
        "line 3, column -: the row has 7 cells but the header has 6 "
        "(a comma inside an amount or text needs quotes)",
    ]


def test_a_semicolon_separated_row_with_more_cells_than_the_header_names_its_separator(
    org, write_csv
):
    path = write_csv(
        "client_id;name;country;language;currency;email\nACME;Acme; Ltd;GB;en;GBP;ap@acme.co.uk\n"
    )

    problems = assert_refused_and_nothing_written(org, "clients", path)

    assert problems[0] == (
        "line 2, column -: the row has 7 cells but the header has 6 "
        "(a semicolon inside a text needs quotes)"
    )


def test_a_value_under_a_column_the_header_does_not_name_is_refused_and_nothing_is_written(
    org, write_csv, tmp_path
):
    csv_path = write_csv(
        "client_id,name,country,language,currency,email,,\n"
        "ACME,Acme Ltd,GB,en,GBP,ap@acme.co.uk,teal,\n"
    )
    xlsx_path = write_xlsx(
        tmp_path / "clients.xlsx",
        ["client_id", "name", "country", "language", "currency", "email"],
        [["ACME", "Acme Ltd", "GB", "en", "GBP", "ap@acme.co.uk", None, "teal"]],
    )

    assert assert_refused_and_nothing_written(org, "clients", csv_path) == [
        "line 2, column -: cell 7 holds 'teal' but the header gives it no name"
    ]
    assert assert_refused_and_nothing_written(org, "clients", xlsx_path) == [
        "line 2, column -: column H holds 'teal' but the header gives it no name"
    ]


def test_a_cell_longer_than_csv_reads_is_refused_in_its_own_column(org, write_csv):
    path = write_csv(
        "client_id,name,country,language,currency,email,notes\n"
        f"ACME,Acme Ltd,GB,en,GBP,ap@acme.co.uk,{'n' * 131_073}\n"
    )

    assert assert_refused_and_nothing_written(org, "clients", path) == [
        "line 2, column notes: the cell holds 131073 characters; at most 131072"
    ]


@pytest.mark.parametrize(
    "text", ["20260105", "2026-W10-1", "2026-01-05Tgarbage", "2026-1-5", "2026-01-05 noon"]
)
def test_a_date_not_written_as_yyyy_mm_dd_is_refused_and_nothing_is_written(
    org, clients, write_csv, text
):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        f"INV-1,ACME,{text},2026-03-31,GBP,100\n"
    )

    assert assert_refused_and_nothing_written(org, "invoices", path) == [
        f"line 2, column issue_date: {text!r} is not a date (write it as YYYY-MM-DD)"
    ]


def test_a_long_text_is_quoted_only_in_part_in_a_problem(org, clients, write_csv):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        f"INV-1,ACME,{'9' * 40},2026-03-31,GBP,{'7' * 20}x\n"
    )

    assert assert_refused_and_nothing_written(org, "invoices", path) == [
        f"line 2, column issue_date: '{'9' * 30}…' is not a date (write it as YYYY-MM-DD)",
        f"line 2, column amount: amount '{'7' * 20}x' is not written like 1234.50 "
        "(digits 0-9 and one '.' only)",
    ]


def test_a_date_with_a_time_is_read_as_its_day(org, clients, write_csv, tmp_path):
    write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        "INV-1,ACME,2026-01-05T09:30:00,2026-02-04 18:00:00+07:00,GBP,100\n",
        "invoices.csv",
    )
    write_xlsx(
        tmp_path / "invoices.xlsx",
        ["invoice_no", "client_id", "issue_date", "due_date", "currency", "amount"],
        [["INV-2", "ACME", datetime(2026, 1, 5, 9, 30), date(2026, 2, 4), "GBP", 100]],
    )

    for name in ("invoices.csv", "invoices.xlsx"):
        import_file(organization=org, kind="invoices", path=tmp_path / name)

    for number in ("INV-1", "INV-2"):
        assert (invoice(org, number).issue_date, invoice(org, number).due_date) == (
            date(2026, 1, 5),
            date(2026, 2, 4),
        )


def test_a_header_with_no_rows_imports_nothing_and_says_so(org, write_csv):
    path = write_csv("client_id,name,country,language,currency,email\n")

    result = import_file(organization=org, kind="clients", path=path)

    assert (result.rows, result.created) == (0, 0)
    assert result.notes == ["no rows to import: the file has a header and nothing else"]


def test_a_misspelt_column_is_named_beside_the_missing_one_when_the_import_is_refused(
    org, clients, write_csv
):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,ammount,colour\n"
        "INV-1,ACME,2026-01-01,2026-01-31,GBP,100,teal\n"
    )
    before = ledger_snapshot()

    with pytest.raises(ImportRejected) as caught:
        import_file(organization=org, kind="invoices", path=path)

    assert caught.value.details == [
        "line 1, column amount: missing column (the file has 'ammount': is that it?)"
    ]
    assert caught.value.warnings == [
        "column 'ammount' is not used (did you mean amount?)",
        "column 'colour' is not used",
    ]
    assert ledger_snapshot() == before


# ---------------------------------------------------------------- files that cannot be read


def test_a_file_that_does_not_exist_is_refused_with_its_path(org, tmp_path):
    path = tmp_path / "nowhere.csv"

    assert problems_of(org, "clients", path) == [f"line 1, column -: file not found: {path}"]


def test_a_folder_given_as_the_file_is_refused_and_nothing_is_written(org, tmp_path):
    assert assert_refused_and_nothing_written(org, "clients", tmp_path) == [
        f"line 1, column -: {tmp_path} is a folder, not a file"
    ]


def test_a_file_that_cannot_be_read_is_refused_with_the_reason(org, write_csv, monkeypatch):
    path = write_csv(CLIENTS)

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)

    assert problems_of(org, "clients", path) == [
        f"line 1, column -: cannot read {path}: Permission denied"
    ]


def test_csv_text_saved_as_xlsx_is_refused_saying_what_it_is(org, write_csv):
    path = write_csv(CLIENTS, "clients.xlsx")

    assert assert_refused_and_nothing_written(org, "clients", path) == [
        "line 1, column -: clients.xlsx holds CSV text, not an Excel workbook; "
        "rename it to clients.csv and import again"
    ]


def test_a_workbook_saved_as_csv_is_refused_saying_what_it_is(org, tmp_path):
    path = write_xlsx(
        tmp_path / "clients.xlsx",
        ["client_id", "name", "country", "language", "currency", "email"],
        [["ACME", "Acme Ltd", "GB", "en", "GBP", ""]],
    ).rename(tmp_path / "clients.csv")

    assert assert_refused_and_nothing_written(org, "clients", path) == [
        "line 1, column -: clients.csv is an Excel workbook, not CSV text; "
        "rename it to clients.xlsx and import again"
    ]


def test_a_file_that_is_neither_xlsx_nor_text_is_refused_as_not_a_workbook(org, tmp_path):
    path = tmp_path / "clients.xlsx"
    path.write_bytes(bytes(range(256)))

    assert assert_refused_and_nothing_written(org, "clients", path) == [
        "line 1, column -: clients.xlsx is not an Excel workbook; "
        "save it as .xlsx or as CSV UTF-8 and import again"
    ]


def test_an_xlsx_workbook_cut_short_inside_its_sheet_is_refused_at_the_first_unreadable_row(
    org, clients, tmp_path
):
    path = write_xlsx(
        tmp_path / "invoices.xlsx",
        ["invoice_no", "client_id", "issue_date", "due_date", "currency", "amount"],
        [[f"INV-{n}", "ACME", "2026-01-01", "2026-01-31", "GBP", 100] for n in range(10)],
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b'<row r="4"') + 20]  # a valid zip, broken XML
            target.writestr(item, data)
    path.write_bytes(buffer.getvalue())

    assert assert_refused_and_nothing_written(org, "invoices", path) == [
        "line 4, column -: invoices.xlsx is damaged from this row on and cannot be read "
        "(ParseError); open it in Excel, save it again and import again"
    ]


# ---------------------------------------------------------------- progress


def test_progress_is_reported_while_rows_are_checked_then_while_they_are_written(
    org, clients, write_csv
):
    rows = "".join(f"INV-{n},ACME,2026-01-01,2026-01-31,GBP,100\n" for n in range(1200))
    path = write_csv("invoice_no,client_id,issue_date,due_date,currency,amount\n" + rows)
    calls = []

    import_file(
        organization=org,
        kind="invoices",
        path=path,
        progress=lambda done, total, phase: calls.append((phase, done, total)),
    )

    assert calls == [
        ("checking", 0, 1200),
        ("checking", 500, 1200),
        ("checking", 1000, 1200),
        ("checking", 1200, 1200),
        ("writing", 0, 1200),
        ("writing", 1200, 1200),
    ]


def test_a_progress_callback_taking_done_and_total_only_still_works(org, write_csv):
    calls = []

    import_file(
        organization=org,
        kind="clients",
        path=write_csv(CLIENTS),
        progress=lambda done, total: calls.append((done, total)),
    )

    assert calls == [(0, 4), (4, 4), (0, 4), (4, 4)]


# ---------------------------------------------------------------- re-imports


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("clients", CLIENTS),
        ("invoices", INVOICES),
        (
            "payments",
            PAYMENTS_HEADER
            + "INV-001,2024-02-01,15000000,VND,UNC 0001,bank_transfer,VCB-1\n"
            + "INV-002,2024-02-05,700,GBP,,card,\n"
            + "INV-002;INV-003,2024-02-06,900,GBP,split,,\n",
        ),
    ],
)
def test_importing_the_same_file_again_changes_nothing(org, invoices, write_csv, kind, text):
    path = write_csv(text, f"again-{kind}.csv")
    import_file(organization=org, kind=kind, path=path)
    before = ledger_snapshot()

    again = import_file(organization=org, kind=kind, path=path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, again.rows)
    assert ledger_snapshot() == before


def test_importing_the_same_xlsx_workbook_again_changes_nothing(org, clients, tmp_path):
    path = write_xlsx(
        tmp_path / "invoices.xlsx",
        ["invoice_no", "client_id", "issue_date", "due_date", "currency", "amount"],
        [["INV-1", "ACME", date(2024, 1, 1), date(2024, 1, 31), "GBP", 1200.5]],
    )
    import_file(organization=org, kind="invoices", path=path)
    before = ledger_snapshot()

    again = import_file(organization=org, kind="invoices", path=path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert ledger_snapshot() == before


def test_a_changed_name_counts_as_an_update_of_that_client_only(org, clients, write_csv):
    renamed = CLIENTS.replace("Acme Ltd", "Acme Holdings Ltd")

    result = import_file(organization=org, kind="clients", path=write_csv(renamed, "c2.csv"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert Client.objects.get(code="ACME").name == "Acme Holdings Ltd"
    assert Client.objects.filter(organization=org).count() == 4


def test_a_changed_contact_email_counts_as_an_update_of_that_client(org, clients, write_csv):
    changed = CLIENTS.replace("ap@acme.co.uk", "payables@acme.co.uk")

    result = import_file(organization=org, kind="clients", path=write_csv(changed, "c2.csv"))

    assert (result.updated, result.unchanged) == (1, 3)
    main = Contact.objects.get(client__code="ACME", role=Contact.Role.MAIN)
    assert main.email == "payables@acme.co.uk"
    assert Contact.objects.filter(client__code="ACME").count() == 2


def test_a_changed_amount_updates_the_invoice_and_its_line(org, invoices, write_csv):
    changed = INVOICES.replace("GBP,800,Hosting", "GBP,850,Hosting")

    result = import_file(organization=org, kind="invoices", path=write_csv(changed, "i2.csv"))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert invoice(org, "INV-003").total == Decimal(850)
    line = InvoiceLine.objects.get(invoice__number="INV-003")
    assert (line.description, line.unit_price) == ("Hosting", Decimal(850))


def test_a_file_without_the_optional_columns_keeps_what_the_ledger_holds(org, write_csv):
    import_file(
        organization=org,
        kind="clients",
        path=write_csv(
            "client_id,name,country,language,currency,email,kind,address,notes,phone\n"
            "ANNA,Anna Tran,VN,vi,VND,anna@example.vn,individual,5 Hai Bà Trưng,VIP,0901234567\n",
            "full.csv",
        ),
    )

    result = import_file(
        organization=org,
        kind="clients",
        path=write_csv(
            "client_id,name,country,language,currency,email\n"
            "ANNA,Anna Tran,VN,vi,VND,anna@example.vn\n",
            "minimal.csv",
        ),
    )

    assert (result.updated, result.unchanged) == (0, 1)
    anna = Client.objects.get(code="ANNA")
    assert (anna.kind, anna.address, anna.notes) == ("individual", "5 Hai Bà Trưng", "VIP")
    assert Contact.objects.get(client=anna).phone == "0901234567"


def test_an_empty_billing_email_cell_clears_the_billing_contacts_email(org, clients, write_csv):
    cleared = CLIENTS.replace("billing@acme.co.uk", "")

    result = import_file(organization=org, kind="clients", path=write_csv(cleared, "c2.csv"))

    assert (result.updated, result.unchanged) == (1, 3)
    billing = Contact.objects.get(client__code="ACME", role=Contact.Role.BILLING)
    assert billing.email == ""
    again = import_file(organization=org, kind="clients", path=write_csv(cleared, "c3.csv"))
    assert (again.updated, again.unchanged) == (0, 4)


def test_a_file_without_a_billing_email_column_keeps_the_billing_contact(org, clients, write_csv):
    path = write_csv(
        "client_id,name,country,language,currency,email\nACME,Acme Ltd,GB,en,GBP,ap@acme.co.uk\n"
    )

    result = import_file(organization=org, kind="clients", path=path)

    assert result.unchanged == 1
    billing = Contact.objects.get(client__code="ACME", role=Contact.Role.BILLING)
    assert billing.email == "billing@acme.co.uk"


def test_an_invoice_with_payments_cannot_drop_below_what_was_paid(org, pay, write_csv):
    pay("INV-003,2024-03-01,500,GBP,,,")
    lower = INVOICES.replace("GBP,800,Hosting", "GBP,400,Hosting")

    assert_refused_and_nothing_written(
        org,
        "invoices",
        write_csv(lower, "i2.csv"),
        "line 4, column amount: amount 400.00 is less than the 500.00 already paid",
    )


# ---------------------------------------------------------------- payments


def test_an_overpayment_pays_the_invoice_and_keeps_the_rest_as_client_credit(org, pay):
    result = pay("INV-003,2024-03-01,1000,GBP,,,")

    assert invoice(org, "INV-003").state == "paid"
    assert invoice(org, "INV-003").balance == Decimal(0)
    assert credit_of(org, "ACME") == Decimal(200)
    assert result.notes == [
        "line 2: 200.00 GBP more than the invoice balance, kept as client credit"
    ]


def test_a_partial_payment_leaves_the_invoice_partly_paid(org, pay):
    pay("INV-001,2024-02-01,5000000,VND,,,")

    logo = invoice(org, "INV-001")
    assert (logo.state, logo.paid, logo.balance) == (
        "partly_paid",
        Decimal(5000000),
        Decimal(10000000),
    )
    assert credit_of(org, "SEN") == Decimal(0)


def test_several_payments_in_one_file_take_the_invoice_balance_in_turn(org, pay):
    pay(
        "INV-002,2024-02-01,500,GBP,,,P1",
        "INV-002,2024-02-02,500,GBP,,,P2",
        "INV-002,2024-02-03,500,GBP,,,P3",
    )

    assert allocations_of("INV-002") == [Decimal(500), Decimal(500), Decimal("200.50")]
    assert invoice(org, "INV-002").state == "paid"
    assert credit_of(org, "ACME") == Decimal("299.50")


def test_a_payment_naming_two_invoices_pays_them_in_the_order_given(org, pay):
    pay("INV-003;INV-002,2024-03-01,1000,GBP,,,")

    assert allocations_of("INV-003") == [Decimal(800)]
    assert allocations_of("INV-002") == [Decimal(200)]
    assert invoice(org, "INV-003").state == "paid"
    assert invoice(org, "INV-002").state == "partly_paid"
    assert Payment.objects.get().amount == Decimal(1000)


def test_a_payment_naming_the_same_invoice_twice_is_refused_and_nothing_is_written(
    org, pay, write_csv
):
    path = write_csv(PAYMENTS_HEADER + "INV-002;INV-002,2024-03-01,1000,GBP,,,\n")

    assert_refused_and_nothing_written(
        org, "payments", path, "line 2, column invoice_no: invoice 'INV-002' is named twice"
    )


def test_a_payment_over_invoices_of_two_clients_is_refused_and_nothing_is_written(
    org, pay, write_csv
):
    path = write_csv(PAYMENTS_HEADER + "INV-002;INV-001,2024-03-01,1000,GBP,,,\n")

    assert_refused_and_nothing_written(
        org,
        "payments",
        path,
        "line 2, column invoice_no: the invoices belong to different clients",
    )


def test_a_recorded_payment_with_another_amount_under_the_same_payment_id_is_refused(
    org, pay, write_csv
):
    pay("INV-002,2024-03-01,500,GBP,,,BANK-7")

    assert_refused_and_nothing_written(
        org,
        "payments",
        write_csv(PAYMENTS_HEADER + "INV-002,2024-03-01,600,GBP,,,BANK-7\n", "p2.csv"),
        "line 2, column payment_id: payment 'BANK-7' is already recorded as 500.00 GBP on "
        "2024-03-01; a recorded payment is not changed by an import",
    )
    assert Payment.objects.get(key="BANK-7").amount == Decimal(500)


def test_a_recorded_payment_id_named_against_another_invoice_is_refused(org, pay, write_csv):
    pay("INV-002,2024-03-01,500,GBP,,,BANK-7")

    assert_refused_and_nothing_written(
        org,
        "payments",
        write_csv(PAYMENTS_HEADER + "INV-003,2024-03-01,500,GBP,,,BANK-7\n", "p2.csv"),
        "line 2, column invoice_no: payment 'BANK-7' is already recorded against invoice "
        "INV-002, not INV-003; a recorded payment is not moved by an import",
    )
    assert allocations_of("INV-002") == [Decimal(500)]
    assert allocations_of("INV-003") == []


def test_a_recorded_payment_still_naming_an_invoice_it_did_not_reach_is_unchanged(org, pay):
    # INV-003 is paid in full first; the second payment then reaches only INV-002, and
    # the third none at all (it is all client credit).
    rows = (
        "INV-003,2024-03-01,800,GBP,,,BANK-1",
        "INV-003;INV-002,2024-03-02,100,GBP,,,BANK-2",
        "INV-003,2024-03-03,50,GBP,,,BANK-3",
    )
    pay(*rows)
    before = ledger_snapshot()

    again = pay(*rows)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert ledger_snapshot() == before


def test_a_recorded_payment_takes_a_new_reference_and_method_as_an_update(org, pay):
    pay("INV-002,2024-03-01,500,GBP,,,BANK-7")

    result = pay("INV-002,2024-03-01,500,GBP,FT 123,card,BANK-7")

    assert (result.created, result.updated) == (0, 1)
    payment = Payment.objects.get(key="BANK-7")
    assert (payment.reference, payment.method) == ("FT 123", "card")
    assert allocations_of("INV-002") == [Decimal(500)]


def test_a_payment_without_an_invoice_is_client_credit_when_the_client_is_named(org, pay):
    result = pay("ACME,,2024-03-01,75,GBP", header="client_id,invoice_no,date,amount,currency\n")

    assert result.created == 1
    assert credit_of(org, "ACME") == Decimal(75)
    assert Allocation.objects.count() == 0
    assert result.notes == ["line 2: no invoice named, 75.00 GBP kept as client credit"]


def test_a_payment_with_neither_invoice_nor_client_is_refused_and_nothing_is_written(
    org, pay, write_csv
):
    path = write_csv(PAYMENTS_HEADER + ",2024-03-01,75,GBP,,,\n")

    assert_refused_and_nothing_written(
        org, "payments", path, "line 2, column invoice_no: value is missing"
    )


def test_a_payment_whose_client_is_not_the_invoices_is_refused_and_nothing_is_written(
    org, pay, write_csv
):
    path = write_csv("invoice_no,client_id,date,amount,currency\nINV-002,SEN,2024-03-01,75,GBP\n")

    assert_refused_and_nothing_written(
        org, "payments", path, "line 2, column client_id: invoice INV-002 is not client 'SEN''s"
    )


def test_a_long_reference_still_gives_a_payment_a_stable_key(org, pay):
    reference = "Thanh toán hoá đơn " * 10  # 189 characters, within the 200 allowed
    row = f"INV-002,2024-03-01,100,GBP,{reference.strip()},,"
    pay(row)
    before = ledger_snapshot()

    again = pay(row)

    assert (again.created, again.unchanged) == (0, 1)
    assert ledger_snapshot() == before
    assert len(Payment.objects.get().key) <= 200


def test_a_payment_to_an_unknown_invoice_is_refused_and_nothing_is_written(org, pay, write_csv):
    path = write_csv(PAYMENTS_HEADER + "INV-404,2024-03-01,75,GBP,,,\n")

    assert_refused_and_nothing_written(
        org,
        "payments",
        path,
        "line 2, column invoice_no: unknown invoice 'INV-404' (import it first)",
    )


# ---------------------------------------------------------------- organizations and dry runs


def test_a_client_of_another_organization_is_an_unknown_client(org, other_org, clients, write_csv):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        "INV-1,ACME,2024-01-01,2024-01-31,GBP,100\n"
    )

    assert_refused_and_nothing_written(
        other_org,
        "invoices",
        path,
        "line 2, column client_id: unknown client 'ACME' (import it first)",
    )


def test_the_same_client_id_and_invoice_number_can_exist_in_two_organizations(
    org, other_org, invoices, write_csv
):
    import_file(organization=other_org, kind="clients", path=write_csv(CLIENTS, "c2.csv"))
    other = INVOICES.replace("1200.50", "99.00")

    result = import_file(organization=other_org, kind="invoices", path=write_csv(other, "i2.csv"))

    assert result.created == 4
    assert invoice(org, "INV-002").total == Decimal("1200.50")
    assert invoice(other_org, "INV-002").total == Decimal(99)
    assert Invoice.objects.get(organization=other_org, number="INV-002").client.organization == (
        other_org
    )


def test_a_payment_cannot_reach_an_invoice_of_another_organization(
    org, other_org, invoices, write_csv
):
    path = write_csv(PAYMENTS_HEADER + "INV-002,2024-03-01,75,GBP,,,\n")

    assert_refused_and_nothing_written(
        other_org,
        "payments",
        path,
        "line 2, column invoice_no: unknown invoice 'INV-002' (import it first)",
    )


def test_a_dry_run_counts_what_would_change_but_writes_nothing(org, invoices, write_csv):
    path = write_csv(
        PAYMENTS_HEADER + "INV-002,2024-03-01,75,GBP,,,\n" + "INV-003,2024-03-01,75,GBP,,,\n"
    )
    before = ledger_snapshot()

    result = import_file(organization=org, kind="payments", path=path, dry_run=True)

    assert (result.rows, result.created) == (2, 2)
    assert ledger_snapshot() == before


def test_a_dry_run_still_lists_the_bad_rows(org, clients, write_csv):
    path = write_csv(
        "invoice_no,client_id,issue_date,due_date,currency,amount\n"
        "INV-1,NOBODY,2024-01-01,2024-01-31,GBP,100\n"
    )

    with pytest.raises(ImportRejected) as caught:
        import_file(organization=org, kind="invoices", path=path, dry_run=True)

    assert caught.value.details == [
        "line 2, column client_id: unknown client 'NOBODY' (import it first)"
    ]


def test_the_example_files_in_the_documentation_import_cleanly(org):
    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"

    for kind in ("clients", "invoices", "payments"):
        result = import_file(organization=org, kind=kind, path=examples / f"{kind}.csv")
        assert (result.warnings, result.created) == ([], result.rows)

    assert Client.objects.filter(organization=org).count() == 5
    assert invoice(org, "INV-2026-001").state == "partly_paid"
    assert invoice(org, "INV-2026-004").state == "paid"
