"""Receivables: aging buckets per currency, filters, search, paging and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from owed.ledger.models import Client
from owed.ledger.services import LineInput, invoice_create
from owed.web.selectors.receivables import aging, bucket_of, open_invoices

pytestmark = pytest.mark.django_db


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def numbers(page: str) -> set[str]:
    return {n for n in ("INV-001", "INV/002", "INV-USD") if f"<bdi>{n}</bdi>" in page}


@pytest.fixture
def dollars(books):
    client = Client.objects.create(
        organization=books.org, code="ACME", name="=Acme Corp", country="US", currency="USD"
    )
    return invoice_create(
        organization=books.org,
        client=client,
        number="INV-USD",
        issue_date=books.today - timedelta(days=20),
        due_date=books.today + timedelta(days=10),
        currency="USD",
        lines=[LineInput("Hosting", Decimal(1), Decimal("99.95"))],
    )


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "current"),
        (0, "current"),
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "90_plus"),
    ],
)
def test_bucket_boundaries(days, bucket):
    assert bucket_of(days) == bucket


def test_aging_sums_each_bucket_per_currency(books, dollars):
    result = {
        a.currency: a
        for a in aging(invoices=open_invoices(organization=books.org), today=books.today)
    }
    vnd = {bar.bucket: bar.amount for bar in result["VND"].bars}
    assert vnd == {
        "current": 0,
        "1_30": Decimal(3_000_000),
        "31_60": Decimal(15_000_000),
        "61_90": 0,
        "90_plus": 0,
    }
    assert result["VND"].total == Decimal(18_000_000) and result["VND"].count == 2
    assert [b.percent for b in result["VND"].bars] == [0, 17, 83, 0, 0]
    assert result["USD"].bars[0].amount == Decimal("99.95")


def test_filters_by_bucket_currency_client_and_number(web, books, dollars):
    assert numbers(web.get("/receivables/").content.decode()) == {"INV-001", "INV/002", "INV-USD"}
    assert numbers(web.get("/receivables/?bucket=31_60").content.decode()) == {"INV-001"}
    assert numbers(web.get("/receivables/?currency=USD").content.decode()) == {"INV-USD"}
    assert numbers(web.get("/receivables/?client=HOASEN").content.decode()) == {
        "INV-001",
        "INV/002",
    }
    assert numbers(web.get("/receivables/?q=002").content.decode()) == {"INV/002"}
    assert numbers(web.get("/receivables/?q=inv-0&bucket=1_30").content.decode()) == set()


@pytest.mark.parametrize(
    "query",
    [
        "bucket=nonsense",
        "currency=XXX",
        "currency=usd%00",
        "page=-1",
        "page=abc",
        "q=" + "x" * 500,
        "client=%27%20OR%201%3D1",
    ],
)
def test_odd_filters_never_fail(web, books, query):
    response = web.get(f"/receivables/?{query}")
    assert response.status_code == 200
    assert web.get(f"/receivables/export.csv?{query}").status_code == 200


def test_a_filter_that_is_not_understood_is_said_and_left_out(web, books):
    page = web.get("/receivables/?bucket=nonsense").content.decode()
    assert "Some filters were not understood" in page
    assert numbers(page) == {"INV-001", "INV/002"}


def test_the_csv_export_has_the_filtered_list_with_plain_amounts(web, books, dollars):
    response = web.get("/receivables/export.csv?currency=VND")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    found = rows(response)
    assert [r["invoice_no"] for r in found] == ["INV-001", "INV/002"]
    first = found[0]
    assert first["balance"] == "15000000" and first["currency"] == "VND"
    assert first["days_late"] == "40" and first["bucket"] == "31_60"
    assert first["due_date"] == books.overdue.due_date.isoformat()


def test_the_csv_export_guards_cells_a_spreadsheet_would_run(web, books, dollars):
    found = rows(web.get("/receivables/export.csv?currency=USD"))
    assert found[0]["client_name"] == "'=Acme Corp"
    assert found[0]["balance"] == "99.95"


def test_the_list_pages_by_fifty(web, books):
    for n in range(55):
        invoice_create(
            organization=books.org,
            client=books.client,
            number=f"BULK-{n:03d}",
            issue_date=books.today,
            due_date=books.today + timedelta(days=30),
            currency="VND",
            lines=[LineInput("x", Decimal(1), Decimal(1000))],
        )
    first = web.get("/receivables/").content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = web.get("/receivables/?page=2").content.decode()
    assert "BULK-054" in second
    assert len(rows(web.get("/receivables/export.csv"))) == 57


def test_with_nothing_owed_the_page_says_so(web, org):
    page = web.get("/receivables/").content.decode()
    assert "Nothing is owed to you" in page
