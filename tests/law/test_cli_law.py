"""`owed interest`, `owed factoring` and `owed rates` as a user runs them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.dunning.books import Books

pytestmark = pytest.mark.django_db

GOV_UK = ("--law", "GB", "--principal", "12000", "--currency", "GBP", "--due", "2025-03-01")


def test_interest_for_given_figures_as_json(owed):
    result = owed("interest", *GOV_UK, "--until", "2025-06-09", "--json")
    assert result.code == 0, result.stderr
    data = result.json
    # 12,000 x 12.75 % x 100 / 365 = 419.178...; fixed sum GBP 100 for a debt >= 10,000.
    assert {k: data[k] for k in ("law", "rate", "days", "interest", "compensation", "total")} == {
        "law": "GB",
        "rate": "12.75",
        "days": 100,
        "interest": "419.18",
        "compensation": "100.00",
        "total": "12519.18",
    }
    assert "1998" in data["basis"]
    assert data["rates_used"][0]["table"] == "boe"


def test_interest_printed_for_a_person(owed):
    result = owed("interest", *GOV_UK, "--until", "2025-06-09")
    assert result.code == 0, result.stderr
    assert "419.18" in result.stdout and "12.75" in result.stdout and "basis" in result.stdout


def test_a_reference_rate_given_replaces_the_table(owed):
    data = owed(
        "interest", *GOV_UK, "--until", "2025-06-09", "--reference-rate", "5", "--json"
    ).json
    assert data["rate"] == "13"
    assert data["warnings"]


def test_dong_have_no_minor_units(owed):
    data = owed(
        "interest", "--law", "VN", "--principal", "100000000", "--currency", "VND",
        "--due", "2026-01-01", "--until", "2026-04-11", "--json",
    ).json  # fmt: skip
    # 10 % a year with nothing agreed: 100,000,000 x 0.10 x 100 / 365 = 2,739,726.03 -> whole dong
    assert data["interest"] == "2739726"
    assert data["total"] == "102739726"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--law", "GB"), "missing: --principal, --currency, --due"),
        (
            ("--law", "XX", "--principal", "1", "--currency", "GBP", "--due", "2025-01-01"),
            "unknown law",
        ),
        (
            ("--law", "GB", "--principal", "1.001", "--currency", "GBP", "--due", "2025-01-01"),
            "decimal",
        ),
        (
            ("--law", "GB", "--principal", "10", "--currency", "GBP", "--due", "1 March"),
            "YYYY-MM-DD",
        ),
        (
            (
                "--law",
                "GB",
                "--principal",
                "10",
                "--currency",
                "GBP",
                "--due",
                "2000-01-01",
                "--until",
                "2000-03-01",
            ),
            "boe",
        ),
        (
            (
                "--law",
                "IR",
                "--principal",
                "10",
                "--currency",
                "IRR",
                "--due",
                "2019-01-01",
                "--until",
                "2019-06-01",
            ),
            "demand",
        ),
        (
            (
                "--law",
                "GB",
                "--principal",
                "10",
                "--currency",
                "GBP",
                "--due",
                "2025-01-01",
                "--reference-rate",
                "abc",
            ),
            "percentage",
        ),
    ],
)
def test_bad_input_is_a_clear_error(owed, args, message):
    result = owed("interest", *args)
    assert result.code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_interest_and_factoring_of_a_ledger_invoice(owed, org):
    books = Books(org)
    client = books.client("C1", "GB")
    invoice = books.invoice(client, "INV-1", "2025-03-01", 12000)
    data = owed("interest", "INV-1", "--until", "2025-06-09", "--org", org.slug, "--json").json
    assert (data["invoice"], data["interest"], data["compensation"]) == (
        "INV-1",
        "419.18",
        "100.00",
    )
    assert data["fees"] == "0.00"
    books.pay(invoice, "2025-06-10", 2000)
    quote = owed(
        "factoring", "INV-1", "--advance", "80", "--fee", "3", "--org", org.slug, "--json"
    ).json
    assert (quote["balance"], quote["advance"], quote["fee"], quote["net"]) == (
        "10000.00", "8000.00", "300.00", "9700.00",
    )  # fmt: skip
    assert owed("interest", "INV-9", "--org", org.slug).code == 1
    mixed = owed("interest", "INV-1", "--law", "GB", "--org", org.slug)
    assert mixed.code == 1 and "cannot go with an invoice number" in mixed.stderr


def test_rates_add_then_list(owed):
    added = owed(
        "rates",
        "add",
        "boe",
        "--from",
        "2026-05-01",
        "--rate",
        "3.5",
        "--source",
        "BoE MPC",
        "--json",
    )
    assert added.code == 0, added.stderr
    rows = owed("rates", "list", "boe", "--json").json[0]["rows"]
    mine = [r for r in rows if r["added"]]
    assert mine == [{"valid_from": "2026-05-01", "rate": "3.5", "source": "BoE MPC", "added": True}]
    again = owed("rates", "add", "boe", "--from", "2026-05-01", "--rate", "3.5", "--source", "x")
    assert again.code == 1 and "already has a rate" in again.stderr
    assert owed("rates", "list", "nope").code == 1
    assert Decimal(mine[0]["rate"]) == Decimal("3.5")
