"""The ledger through the API: clients, contacts, contracts, invoices and payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from owed.ledger.models import Client, Contract, Invoice, Payment
from owed.ledger.services import LineInput, invoice_create, payment_record
from tests.api.conftest import AS_OF, DUE, ISSUED

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["number"] for item in response.json()["items"]]


def _invoice(client, number: str, **fields) -> dict:
    """The body of a new invoice for `client`: issued on AS_OF, due a month later, one line."""
    return {
        "client_id": client.pk,
        "number": number,
        "issue_date": "2026-11-22",
        "due_date": "2026-12-22",
        "lines": [{"description": "Work", "unit_price": "1"}],
        **fields,
    }


def _payment(client, amount: str = "1000", **fields) -> dict:
    """The body of a payment received from `client` on AS_OF."""
    return {"client_id": client.pk, "date": "2026-11-22", "amount": amount, **fields}


# --- clients ------------------------------------------------------------------------------


def test_clients_are_listed_by_name_with_a_count(api, ledger):
    body = api.get("/clients").json()

    assert body["count"] == 2
    assert [c["code"] for c in body["items"]] == ["LAM", "SEN"]
    assert body["items"][1]["currency"] == "VND"


def test_clients_can_be_searched_by_code_or_name(api, ledger):
    assert [c["code"] for c in api.get("/clients", q="lam son").json()["items"]] == ["LAM"]
    assert [c["code"] for c in api.get("/clients", q="SEN").json()["items"]] == ["SEN"]


def test_a_client_is_read_by_id(api, ledger):
    body = api.get(f"/clients/{ledger.client.pk}").json()

    assert body["code"] == "SEN"
    assert body["name"] == "Sen Vang Co."


def test_a_client_is_created_with_its_country_and_currency_normalized(api, org):
    response = api.post(
        "/clients",
        {"code": "ACME", "name": "Acme Ltd", "country": "gb", "currency": "gbp", "language": "en"},
    )

    assert response.status_code == 201, response.json()
    client = Client.objects.get(organization=org, code="ACME")
    assert (client.country, client.currency) == ("GB", "GBP")
    assert response.json()["id"] == client.pk


def test_a_client_with_a_bad_country_and_time_zone_gets_400_with_each_field(api, org):
    response = api.post(
        "/clients",
        {"code": "X", "name": "X", "country": "QQ", "currency": "VND", "timezone": "Mars/Base"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {d["field"] for d in body["details"]} == {"country", "timezone"}


def test_a_client_id_already_used_is_a_conflict(api, ledger):
    response = api.post(
        "/clients", {"code": "SEN", "name": "Again", "country": "VN", "currency": "VND"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_a_client_is_updated_field_by_field_and_its_invoices_planned_again(api, ledger):
    Invoice.objects.update(next_step_on=AS_OF)

    response = api.patch(
        f"/clients/{ledger.client.pk}", {"name": "Sen Vàng JSC", "kind": "business"}
    )

    assert response.status_code == 200, response.json()
    client = Client.objects.get(pk=ledger.client.pk)
    assert (client.name, client.code, client.currency) == ("Sen Vàng JSC", "SEN", "VND")
    assert set(Invoice.objects.filter(client=client).values_list("next_step_on", flat=True)) == {
        None
    }


def test_renaming_a_client_to_another_clients_id_is_a_conflict(api, ledger):
    response = api.patch(f"/clients/{ledger.client.pk}", {"code": "LAM"})

    assert response.status_code == 409


# --- contacts -----------------------------------------------------------------------------


def test_contacts_are_filtered_by_client_code_and_role(api, ledger):
    body = api.get("/contacts", client_code="SEN", role="billing").json()

    assert body["count"] == 1
    assert body["items"][0]["email"] == "ap@sen.example"
    assert api.get("/contacts", client_code="LAM").json()["count"] == 0


def test_a_contact_is_created_and_updated(api, ledger):
    created = api.post(
        "/contacts",
        {"client_id": ledger.second_client.pk, "name": "Ms Lan", "phone": "+84 28 3822 1234"},
    )
    assert created.status_code == 201, created.json()

    updated = api.patch(f"/contacts/{created.json()['id']}", {"email": "lan@lamson.example"})

    assert updated.status_code == 200
    assert updated.json() | {"id": 0} == {
        "id": 0,
        "client_id": ledger.second_client.pk,
        "role": "main",
        "name": "Ms Lan",
        "email": "lan@lamson.example",
        "phone": "+84 28 3822 1234",
        "preferred_channel": "email",
    }


def test_a_contact_with_a_bad_email_and_phone_is_refused_field_by_field(api, ledger):
    response = api.post(
        "/contacts", {"client_id": ledger.client.pk, "email": "not an email", "phone": "call me"}
    )

    assert response.status_code == 400
    assert {d["field"] for d in response.json()["details"]} == {"email", "phone"}


# --- contracts ----------------------------------------------------------------------------


def test_a_contract_is_created_with_amounts_in_the_currency_and_exact_rates(api, ledger):
    response = api.post(
        "/contracts",
        {
            "client_id": ledger.second_client.pk,
            "code": "K-2",
            "title": "Brand book",
            "price": "45000000",
            "late_fee": "500000",
            "interest_rate": "10.5",
            "ends_on": "2027-03-31",
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["price"], body["late_fee"], body["interest_rate"]) == (
        "45000000",
        "500000",
        "10.5",
    )
    assert body["currency"] == "VND"
    assert body["fee_percent"] is None
    contract = Contract.objects.get(code="K-2")
    assert str(contract.interest_rate) == "10.5000"


def test_a_contract_amount_finer_than_the_currency_is_refused(api, ledger):
    response = api.post(
        "/contracts",
        {"client_id": ledger.client.pk, "code": "K-3", "title": "T", "price": "10.50"},
    )

    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "price"


def test_a_contract_is_updated_and_a_term_emptied_with_null(api, ledger):
    api.patch(f"/contracts/{ledger.contract.pk}", {"interest_rate": "8"})
    response = api.patch(
        f"/contracts/{ledger.contract.pk}", {"interest_rate": None, "title": "Website v2"}
    )

    assert response.status_code == 200, response.json()
    contract = Contract.objects.get(pk=ledger.contract.pk)
    assert (contract.title, contract.interest_rate) == ("Website v2", None)


def test_a_contract_ending_before_it_starts_is_refused(api, ledger):
    response = api.patch(
        f"/contracts/{ledger.contract.pk}", {"starts_on": "2027-01-01", "ends_on": "2026-01-01"}
    )

    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "ends_on"


def test_contracts_are_listed_and_searched(api, ledger):
    assert api.get("/contracts").json()["count"] == 1
    assert api.get("/contracts", q="web").json()["items"][0]["code"] == "K-1"
    assert api.get("/contracts", client_id=ledger.second_client.pk).json()["count"] == 0


# --- invoices -----------------------------------------------------------------------------


def test_an_invoice_has_its_lines_balance_and_state_as_exact_strings(api, ledger):
    body = api.get(f"/invoices/{ledger.partly_paid.pk}").json()

    assert body["number"] == "INV-002"
    assert (body["total"], body["paid"], body["balance"]) == ("1100000", "300000", "800000")
    assert body["state"] == "partly_paid"
    assert body["client_code"] == "SEN"
    assert body["lines"] == [
        {
            "position": 1,
            "description": "Design work",
            "quantity": "10",
            "unit_price": "100000",
            "tax_rate": "10",
        }
    ]


def test_amounts_keep_the_currencys_two_decimals(api, their, other_org):
    from owed.api.tokens import token_create
    from tests.api.conftest import Api, _user

    _user(other_org, "gb-owner", "owner")
    gb = Api(token_create(username="gb-owner", organization=other_org)[1])

    body = gb.get(f"/invoices/{their.paid.pk}").json()

    assert (body["total"], body["paid"], body["balance"]) == ("27.50", "27.50", "0.00")
    assert gb.get(f"/payments/{their.payment.pk}").json()["unallocated"] == "247.50"


def test_invoices_are_filtered_by_state(api, ledger):
    assert _numbers(api.get("/invoices", state="paid")) == ["INV-003"]
    assert _numbers(api.get("/invoices", state="partly_paid")) == ["INV-002"]
    assert _numbers(api.get("/invoices", state="open")) == ["INV-001", "INV-004", "INV-005"]


def test_invoices_are_filtered_by_client_code_and_due_date_range(api, ledger):
    assert _numbers(api.get("/invoices", client_code="LAM")) == ["INV-004", "INV-005", "INV-003"]
    assert _numbers(api.get("/invoices", due_from="2026-11-01", due_to="2026-11-10")) == [
        "INV-004",
        "INV-005",
        "INV-003",
    ]


def test_invoices_overdue_as_of_a_day_are_those_past_due_with_a_balance(api, ledger):
    assert _numbers(api.get("/invoices", overdue="true", as_of="2026-11-03")) == [
        "INV-001",
        "INV-004",
    ]
    assert _numbers(api.get("/invoices", overdue="false", as_of="2026-11-03")) == [
        "INV-005",
        "INV-003",
        "INV-002",
    ]


def test_invoices_are_searched_by_number(api, ledger):
    assert _numbers(api.get("/invoices", q="-00")) == [
        "INV-001",
        "INV-004",
        "INV-005",
        "INV-003",
        "INV-002",
    ]
    assert _numbers(api.get("/invoices", q="003")) == ["INV-003"]


def test_pages_are_cut_by_limit_and_offset_and_keep_the_full_count(api, ledger):
    first = api.get("/invoices", limit=2).json()
    second = api.get("/invoices", limit=2, offset=2).json()
    last = api.get("/invoices", limit=2, offset=4).json()

    assert (first["count"], first["limit"], first["offset"]) == (5, 2, 0)
    pages = [first, second, last]
    numbers = [i["number"] for page in pages for i in page["items"]]
    assert numbers == ["INV-001", "INV-004", "INV-005", "INV-003", "INV-002"]
    assert api.get("/invoices", offset=10).json()["items"] == []


def _queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/invoices", "/payments"])
def test_a_list_takes_as_many_queries_for_many_rows_as_for_few(api, ledger, url):
    organization = ledger.client.organization
    api.get(url)  # the token's first request in a minute also records its use
    few = _queries(api, url)
    for n in range(5):
        invoice = invoice_create(
            organization=organization,
            client=ledger.second_client,
            number=f"MANY-{n}",
            issue_date=ISSUED,
            due_date=DUE,
            currency="VND",
            lines=[LineInput("Hosting", Decimal(1), Decimal(50000), Decimal(0))],
        )
        payment_record(
            organization=organization,
            client=ledger.second_client,
            date=date(2026, 11, 5),
            amount=Decimal(20000),
            currency="VND",
            invoices=[invoice],
        )

    many = _queries(api, url)

    assert api.get(url).json()["count"] > 5
    assert many == few


def test_a_page_larger_than_500_is_a_schema_error(api, ledger):
    response = api.get("/invoices", limit=501)

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "limit"


def test_an_invoice_is_created_with_its_lines_and_total(api, ledger):
    response = api.post(
        "/invoices",
        {
            "client_id": ledger.client.pk,
            "contract_id": ledger.contract.pk,
            "number": "INV-100",
            "issue_date": "2026-11-22",
            "due_date": "2026-12-22",
            "lines": [
                {
                    "description": "Design",
                    "quantity": "2.5",
                    "unit_price": "400000",
                    "tax_rate": "8",
                },
                {"description": "Hosting", "unit_price": "250000"},
            ],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["total"], body["balance"], body["state"]) == ("1330000", "1330000", "open")
    assert body["currency"] == "VND"
    assert body["contract_id"] == ledger.contract.pk
    assert [line["quantity"] for line in body["lines"]] == ["2.5", "1"]


def test_an_invoice_number_already_used_is_a_conflict(api, ledger):
    response = api.post("/invoices", _invoice(ledger.client, "INV-001"))

    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "This invoice number is already used.",
        "details": [],
    }


def test_an_invoice_due_before_it_is_issued_is_refused(api, ledger):
    response = api.post("/invoices", _invoice(ledger.client, "INV-101", due_date="2026-11-01"))

    assert response.status_code == 400
    assert "before the issue date" in response.json()["message"]
    assert not Invoice.objects.filter(number="INV-101").exists()


def test_an_invoice_under_another_clients_contract_is_refused(api, ledger):
    response = api.post(
        "/invoices", _invoice(ledger.second_client, "INV-102", contract_id=ledger.contract.pk)
    )

    assert response.status_code == 400
    assert "another client" in response.json()["message"]


def test_an_invoice_total_beyond_what_owed_stores_is_refused(api, ledger):
    lines = [{"description": "Work", "quantity": "999999999", "unit_price": "999999999"}]

    response = api.post("/invoices", _invoice(ledger.client, "INV-103", lines=lines))

    assert response.status_code == 400
    assert response.json()["details"] == [
        {"field": "lines", "message": "The invoice total is too large."}
    ]


# --- payments -----------------------------------------------------------------------------


def test_a_payment_lists_its_allocations_and_the_credit_left(api, ledger):
    body = api.get(f"/payments/{ledger.payment.pk}").json()

    assert (body["amount"], body["allocated"], body["unallocated"]) == (
        "2200000",
        "220000",
        "1980000",
    )
    assert body["allocations"] == [
        {"invoice_id": ledger.paid.pk, "invoice_number": "INV-003", "amount": "220000"}
    ]
    assert body["key"] == "bank/0001"


def test_payments_are_filtered_by_client_invoice_and_date(api, ledger):
    assert api.get("/payments").json()["count"] == 2
    assert api.get("/payments", client_code="LAM").json()["items"][0]["id"] == ledger.payment.pk
    assert api.get("/payments", invoice_id=ledger.partly_paid.pk).json()["count"] == 1
    assert api.get("/payments", date_from="2026-11-03").json()["count"] == 1
    assert api.get("/payments", date_to="2026-11-01").json()["count"] == 0


def test_a_payment_is_recorded_and_allocated_to_the_invoices_named(api, ledger):
    response = api.post(
        "/payments",
        _payment(
            ledger.client,
            "1500000",
            invoice_ids=[ledger.overdue.pk, ledger.partly_paid.pk],
            reference="VCB 123",
        ),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(a["invoice_number"], a["amount"]) for a in body["allocations"]] == [
        ("INV-001", "1100000"),
        ("INV-002", "400000"),
    ]
    assert api.get(f"/invoices/{ledger.overdue.pk}").json()["state"] == "paid"


def test_a_payment_without_invoices_pays_the_oldest_due_first(api, ledger):
    response = api.post("/payments", _payment(ledger.client, "100000"))

    assert response.status_code == 201
    assert response.json()["allocations"][0]["invoice_number"] == "INV-001"


def test_a_payment_key_already_recorded_is_a_conflict(api, ledger):
    response = api.post("/payments", _payment(ledger.second_client, "1", key="bank/0001"))

    assert response.status_code == 409
    assert Payment.objects.filter(key="bank/0001").count() == 1


def test_a_payment_to_another_clients_invoice_is_refused(api, ledger):
    response = api.post(
        "/payments", _payment(ledger.second_client, invoice_ids=[ledger.overdue.pk])
    )

    assert response.status_code == 400
    assert "not this client's" in response.json()["message"]


def test_an_invoice_named_twice_in_a_payment_is_refused(api, ledger):
    response = api.post(
        "/payments", _payment(ledger.client, invoice_ids=[ledger.overdue.pk, ledger.overdue.pk])
    )

    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "invoice_ids"


@pytest.mark.parametrize(
    ("amount", "status"), [("0", 400), ("10.5", 400), ("-5", 422), ("1e3", 422), (12, 422)]
)
def test_a_payment_amount_must_be_a_positive_exact_string(api, ledger, amount, status):
    response = api.post("/payments", _payment(ledger.client, amount))

    assert response.status_code == status
    assert response.json()["details"][0]["field"] == "amount"
