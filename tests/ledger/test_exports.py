"""`export_table`: the ledger in the import format, and back again into a new organization."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from owed.ledger import selectors
from owed.ledger.exports import export_table
from owed.ledger.imports import KINDS, OPTIONAL, REQUIRED, import_file
from owed.ledger.models import Allocation, Client, Contact, InvoiceLine, Payment
from owed.ledger.services import invoice_write_off, payment_record
from owed.ledger.tables import read_table, write_table

pytestmark = pytest.mark.django_db

CLIENTS = (
    "client_id,name,country,language,currency,email,billing_email,phone,contact_name,"
    "kind,address,notes\n"
    "SEN,Công ty TNHH Sen Vàng,VN,vi,VND,ketoan@senvang.vn,,+84 28 3823 4567,Nguyễn Thị Lan,"
    'business,"12 Lê Lợi, Quận 1, TP HCM",Khách hàng thân thiết\n'
    "ACME,Acme Ltd,GB,en,GBP,ap@acme.co.uk,billing@acme.co.uk,,,business,"
    '"1 High Street\nLondon",\n'
    "PARS,شرکت پارس,IR,fa,IRR,info@pars.ir,,,رضا احمدی,business,تهران,یادداشت\n"
    "SIAM,สมชาย ใจดี,TH,th,THB,somchai@example.co.th,,,,individual,กรุงเทพฯ,ลูกค้าประจำ\n"
    "IDLE,Idle Client,GB,en,GBP,,,,,,,\n"
)
INVOICES = (
    "invoice_no,client_id,issue_date,due_date,currency,amount,description\n"
    "INV-001,SEN,2024-01-05,2024-02-04,VND,15000000,Thiết kế logo\n"
    "INV-002,ACME,2024-01-10,2024-02-09,GBP,1200.50,Website\n"
    "INV-003,ACME,2024-02-01,2024-03-02,GBP,800,\n"
    "INV-004,PARS,2024-02-01,2024-03-02,IRR,250000000,طراحی وب‌سایت\n"
    "INV-005,SIAM,2024-03-01,2024-03-31,THB,45000.75,ออกแบบเว็บไซต์\n"
    "INV-006,SEN,2024-03-01,2099-12-31,VND,3000000,Bảo trì\n"
    "INV-007,ACME,2024-02-15,2024-03-15,GBP,300,Support\n"
)
PAYMENTS = (
    "invoice_no,date,amount,currency,reference,method,payment_id\n"
    # A partial payment, then a later-dated one recorded before an earlier-dated one.
    "INV-001,2024-02-01,5000000,VND,UNC 0001,bank_transfer,VCB-1\n"
    "INV-003,2024-03-20,500,GBP,,card,LATE\n"
    "INV-003,2024-03-01,500,GBP,,card,EARLY\n"
    # Split over two invoices, and an overpayment that leaves credit.
    "INV-002;INV-007,2024-03-05,1400,GBP,,,\n"
    "INV-005,2024-04-01,50000,THB,โอนเงิน,e_wallet,\n"
    # A payment to an invoice already paid: all of it is client credit, no allocation.
    "INV-005,2024-04-02,100,THB,,cash,\n"
    "INV-004,2024-03-10,100000000,IRR,واریز,,\n"
)


def ledger_view(org) -> dict:
    """What an organization's ledger says, without database ids, to compare two of them."""
    credits = selectors.client_credits(organization=org)
    clients = {
        c.code: {
            **{f: getattr(c, f) for f in ("name", "kind", "tax_id", "address", "notes")},
            **{f: getattr(c, f) for f in ("country", "language", "currency")},
            "credit": credits.get(c.pk, {}),
        }
        for c in Client.objects.filter(organization=org)
    }
    contacts = sorted(
        (c.client.code, c.role, c.name, c.email, c.phone)
        for c in Contact.objects.filter(organization=org).select_related("client")
    )
    descriptions = dict(
        InvoiceLine.objects.filter(organization=org, position=1).values_list(
            "invoice__number", "description"
        )
    )
    invoice_fields = ("issue_date", "due_date", "currency", "total", "paid", "balance", "state")
    invoices = {
        i.number: {
            "client": i.client.code,
            "description": descriptions[i.number],
            **{f: getattr(i, f) for f in invoice_fields},
        }
        for i in selectors.invoices_with_balance(organization=org).select_related("client")
    }
    payment_fields = ("date", "amount", "currency", "method", "reference", "unallocated")
    payments = {
        p.key: {
            "client": p.client.code,
            "allocations": list(
                Allocation.objects.filter(payment=p)
                .order_by("id")
                .values_list("invoice__number", "amount")
            ),
            **{f: getattr(p, f) for f in payment_fields},
        }
        for p in selectors.payments_with_unallocated(organization=org).select_related("client")
    }
    return {"clients": clients, "contacts": contacts, "invoices": invoices, "payments": payments}


@pytest.fixture
def ledger(org, write_csv):
    """A ledger in several currencies and scripts, with partial, split and over-payments."""
    for kind, text in (("clients", CLIENTS), ("invoices", INVOICES), ("payments", PAYMENTS)):
        import_file(organization=org, kind=kind, path=write_csv(text, f"{kind}.csv"))
    # A payment recorded by hand, allocated by owed to the oldest open invoice.
    sen = org.client_set.get(code="SEN")
    payment_record(
        organization=org,
        client=sen,
        date=date(2024, 3, 15),
        amount=Decimal(2000000),
        currency="VND",
    )
    return org


def export_to(org, kind: str, fmt: str, folder: Path) -> Path:
    path = folder / f"{kind}.{fmt}"
    path.write_bytes(export_table(organization=org, kind=kind, fmt=fmt))
    return path


def test_the_example_ledger_has_what_the_round_trip_must_carry(ledger):
    view = ledger_view(ledger)
    states = {number: row["state"] for number, row in view["invoices"].items()}
    assert states == {
        "INV-001": "partly_paid",
        "INV-002": "paid",
        "INV-003": "paid",
        "INV-004": "partly_paid",
        "INV-005": "paid",
        "INV-006": "open",
        "INV-007": "partly_paid",
    }
    assert view["clients"]["ACME"]["credit"] == {"GBP": Decimal(200)}
    assert view["clients"]["SIAM"]["credit"] == {"THB": Decimal("5099.25")}
    assert view["contacts"][:2] == [
        ("ACME", "billing", "", "billing@acme.co.uk", ""),
        ("ACME", "main", "", "ap@acme.co.uk", ""),
    ]
    assert Payment.objects.filter(organization=ledger, allocations=None).count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_into_a_new_organization_gives_the_same_ledger(
    ledger, other_org, tmp_path, fmt
):
    for kind in KINDS:
        result = import_file(
            organization=other_org, kind=kind, path=export_to(ledger, kind, fmt, tmp_path)
        )
        assert result.warnings == []

    assert ledger_view(other_org) == ledger_view(ledger)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_an_export_back_into_its_own_organization_changes_nothing(ledger, tmp_path, fmt):
    before = ledger_view(ledger)

    for kind in KINDS:
        result = import_file(
            organization=ledger, kind=kind, path=export_to(ledger, kind, fmt, tmp_path)
        )
        assert (result.created, result.updated, result.unchanged) == (0, 0, result.rows)

    assert ledger_view(ledger) == before


@pytest.mark.parametrize("kind", KINDS)
def test_an_export_has_the_import_columns_first_then_the_ones_for_reading(ledger, kind):
    header = next(
        csv.reader(
            io.StringIO(export_table(organization=ledger, kind=kind, fmt="csv").decode("utf-8-sig"))
        )
    )

    assert header[: len(REQUIRED[kind])] == REQUIRED[kind]
    assert set(OPTIONAL[kind]) <= set(header)


def test_a_csv_export_starts_with_a_utf8_byte_order_mark(ledger):
    data = export_table(organization=ledger, kind="clients", fmt="csv")

    assert data.startswith(b"\xef\xbb\xbfclient_id,name,")


def test_vietnamese_persian_and_thai_text_round_trips_through_a_csv_export(ledger, tmp_path):
    table = read_table(export_to(ledger, "clients", "csv", tmp_path))
    by_code = {row.cells["client_id"]: row.cells for row in table.rows}

    assert by_code["SEN"]["name"] == "Công ty TNHH Sen Vàng"
    assert by_code["SEN"]["contact_name"] == "Nguyễn Thị Lan"
    assert by_code["PARS"]["name"] == "شرکت پارس"
    assert by_code["PARS"]["notes"] == "یادداشت"
    assert by_code["SIAM"]["name"] == "สมชาย ใจดี"
    assert by_code["ACME"]["address"] == "1 High Street\nLondon"
    invoices = {
        row.cells["invoice_no"]: row.cells
        for row in read_table(export_to(ledger, "invoices", "csv", tmp_path)).rows
    }
    assert invoices["INV-004"]["description"] == "طراحی وب‌سایت"
    assert invoices["INV-005"]["description"] == "ออกแบบเว็บไซต์"


def test_an_invoice_export_shows_paid_balance_and_state_in_each_currency(ledger):
    text = export_table(organization=ledger, kind="invoices", fmt="csv").decode("utf-8-sig")
    rows = {row["invoice_no"]: row for row in csv.DictReader(io.StringIO(text))}

    assert (rows["INV-001"]["amount"], rows["INV-001"]["paid"], rows["INV-001"]["balance"]) == (
        "15000000",
        "7000000",
        "8000000",
    )
    assert rows["INV-001"]["state"] == "partly_paid"
    assert (rows["INV-002"]["amount"], rows["INV-002"]["state"]) == ("1200.50", "paid")
    assert rows["INV-003"]["description"] == "Invoice INV-003"
    assert rows["INV-006"]["days_overdue"] == "0"


def test_a_payment_split_over_invoices_lists_them_in_the_order_they_were_paid(ledger):
    text = export_table(organization=ledger, kind="payments", fmt="csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))

    split = next(row for row in rows if row["amount"] == "1400.00")
    assert split["invoice_no"] == "INV-002;INV-007"
    assert (split["allocated"], split["unallocated"]) == ("1400.00", "0.00")
    credit_only = next(row for row in rows if row["method"] == "cash")
    assert (credit_only["invoice_no"], credit_only["client_id"]) == ("", "SIAM")
    assert [row["payment_id"] for row in rows][1:3] == ["LATE", "EARLY"]


def test_a_client_export_shows_credit_in_the_currency_it_was_paid_in(org, write_csv):
    # A Vietnamese client billed in US dollars: its credit is dollars, with cents.
    import_file(
        organization=org,
        kind="clients",
        path=write_csv(
            "client_id,name,country,language,currency,email\nSEN,Sen Vàng,VN,vi,VND,\n", "c.csv"
        ),
    )
    import_file(
        organization=org,
        kind="invoices",
        path=write_csv(
            "invoice_no,client_id,issue_date,due_date,currency,amount\n"
            "INV-1,SEN,2024-01-01,2024-01-31,USD,100\n",
            "i.csv",
        ),
    )
    import_file(
        organization=org,
        kind="payments",
        path=write_csv("invoice_no,date,amount,currency\nINV-1,2024-01-20,110.50,USD\n", "p.csv"),
    )

    text = export_table(organization=org, kind="clients", fmt="csv").decode("utf-8-sig")

    assert next(csv.DictReader(io.StringIO(text)))["credit"] == "10.50 USD"


def test_text_that_looks_like_a_formula_is_exported_to_xlsx_as_text(org, write_csv, tmp_path):
    import_file(
        organization=org,
        kind="clients",
        path=write_csv(
            "client_id,name,country,language,currency,email,notes\n"
            'ACME,Acme Ltd,GB,en,GBP,,"=HYPERLINK(""http://evil.example"",""click"")"\n'
        ),
    )

    path = export_to(org, "clients", "xlsx", tmp_path)

    sheet = load_workbook(path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    notes = sheet[2][header.index("notes")]
    assert notes.data_type == "s"
    assert read_table(path).rows[0].cells["notes"] == '=HYPERLINK("http://evil.example","click")'


FORMULA_LIKE = {
    "name": "=1+2",
    "address": "+44 20 7946 0000",
    "notes": "-see contract",
    "tax_id": "",
    "contact_name": "@finance",
}


@pytest.fixture
def formula_client(org):
    """A client whose texts a spreadsheet would run as formulas, entered by hand."""
    client = Client.objects.create(
        organization=org,
        code="EVIL",
        name=FORMULA_LIKE["name"],
        country="GB",
        language="en",
        currency="GBP",
        address=FORMULA_LIKE["address"],
        notes="\tnote after a tab",
    )
    Contact.objects.create(
        organization=org,
        client=client,
        role=Contact.Role.MAIN,
        name=FORMULA_LIKE["contact_name"],
        email="",
        phone="+44 20 7946 0001",
    )
    return org


def test_text_that_looks_like_a_formula_is_exported_to_csv_behind_an_apostrophe(formula_client):
    text = export_table(organization=formula_client, kind="clients", fmt="csv").decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))

    assert (row["name"], row["address"], row["contact_name"]) == (
        "'=1+2",
        "'+44 20 7946 0000",
        "'@finance",
    )
    assert (row["notes"], row["phone"]) == ("'\tnote after a tab", "'+44 20 7946 0001")
    assert row["client_id"] == "EVIL"


def test_a_csv_export_with_formula_like_text_imports_back_exactly(
    formula_client, other_org, tmp_path
):
    path = export_to(formula_client, "clients", "csv", tmp_path)

    import_file(organization=other_org, kind="clients", path=path)

    assert ledger_view(other_org) == ledger_view(formula_client)
    assert Client.objects.get(organization=other_org).notes == "\tnote after a tab"


def test_amounts_in_a_csv_export_are_written_without_an_apostrophe(ledger):
    for kind in KINDS:
        text = export_table(organization=ledger, kind=kind, fmt="csv").decode("utf-8-sig")
        for row in csv.DictReader(io.StringIO(text)):
            for column in ("amount", "paid", "balance", "allocated", "unallocated", "credit"):
                assert not row.get(column, "").startswith("'"), (kind, column, row)


@pytest.mark.parametrize(
    ("value", "written"),
    [("-5", "-5"), ("-12.50", "-12.50"), ("12.50", "12.50"), ("-5-5", "'-5-5"), ("+5", "'+5")],
)
def test_a_negative_number_is_written_to_csv_as_a_number(value, written):
    data = write_table(["amount"], [[value]], "csv").decode("utf-8-sig")

    assert data.splitlines()[1] == written


def test_an_apostrophe_before_a_formula_character_is_taken_off_on_import_and_only_then(
    org, write_csv
):
    path = write_csv(
        "client_id,name,country,language,currency,email,notes,address\n"
        "ACME,'=Acme,GB,en,GBP,,'plain note,'-1 Main St\n"
    )

    import_file(organization=org, kind="clients", path=path)

    acme = Client.objects.get(code="ACME")
    assert (acme.name, acme.notes, acme.address) == ("=Acme", "'plain note", "-1 Main St")


def test_an_empty_organization_exports_just_the_header(org):
    for fmt in ("csv", "xlsx"):
        data = export_table(organization=org, kind="invoices", fmt=fmt)
        assert data
    text = export_table(organization=org, kind="invoices", fmt="csv").decode("utf-8-sig")
    assert text.splitlines() == [
        ",".join(
            [
                *REQUIRED["invoices"],
                *OPTIONAL["invoices"],
                "paid",
                "balance",
                "state",
                "days_overdue",
                "written_off_on",
            ]
        )
    ]


def test_an_export_holds_only_its_own_organizations_rows(ledger, other_org, write_csv):
    import_file(
        organization=other_org,
        kind="clients",
        path=write_csv(
            "client_id,name,country,language,currency,email\nOWN,Own,GB,en,GBP,\n", "o.csv"
        ),
    )

    text = export_table(organization=other_org, kind="clients", fmt="csv").decode("utf-8-sig")

    assert [row["client_id"] for row in csv.DictReader(io.StringIO(text))] == ["OWN"]


def test_a_written_off_invoice_is_exported_with_its_date_and_no_days_late(ledger):
    invoice_write_off(invoice=ledger.invoice_set.get(number="INV-004"), on=date(2024, 6, 30))

    text = export_table(organization=ledger, kind="invoices", fmt="csv").decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["invoice_no"] == "INV-004")

    assert (row["state"], row["written_off_on"], row["days_overdue"]) == (
        "written_off",
        "2024-06-30",
        "0",
    )
    assert row["balance"] == "150000000"
