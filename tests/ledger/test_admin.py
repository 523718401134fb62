"""The admin, as a member uses it: it refuses what the ledger would refuse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from owed.ledger import selectors
from owed.ledger.models import Client, Invoice, Membership, Organization, Payment
from owed.ledger.services import LineInput, invoice_create, payment_record, user_add

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase"


@pytest.fixture
def member(client, org):
    user_add(organization=org, username="lan", password=PASSWORD)
    client.login(username="lan", password=PASSWORD)
    return client


@pytest.fixture
def customer(org):
    return Client.objects.create(
        organization=org, code="C1", name="Công ty ABC", country="VN", language="vi", currency="VND"
    )


def _invoice_form(org, customer, **overrides):
    data = {
        "organization": org.pk,
        "number": "INV-9",
        "client": customer.pk,
        "issue_date": "2026-11-01",
        "due_date": "2026-11-30",
        "currency": "VND",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-position": "1",
        "lines-0-description": "Thiết kế",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "1500000",
        "lines-0-tax_rate": "10",
        "allocations-TOTAL_FORMS": "0",
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def test_an_invoice_added_in_the_admin_totals_its_lines(member, org, customer):
    response = member.post("/admin/ledger/invoice/add/", _invoice_form(org, customer))
    assert response.status_code == 302, response.text
    invoice = Invoice.objects.get(number="INV-9")
    assert invoice.total == Decimal(3_300_000)
    assert invoice.organization == org
    assert invoice.lines.get().organization == org


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"currency": "XYZ"}, "unknown currency"),
        ({"lines-0-unit_price": "100.55"}, "finer than VND"),
        ({"due_date": "2026-10-01"}, "due date cannot be before the issue date"),
    ],
)
def test_the_admin_refuses_an_invoice_the_ledger_would_refuse(
    member, org, customer, overrides, message
):
    response = member.post("/admin/ledger/invoice/add/", _invoice_form(org, customer, **overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Invoice.objects.filter(number="INV-9").exists()


def test_editing_lines_below_what_was_paid_is_refused(member, org, customer):
    invoice = invoice_create(
        organization=org,
        client=customer,
        number="INV-1",
        issue_date=date(2026, 11, 1),
        due_date=date(2026, 11, 30),
        currency="VND",
        lines=[LineInput("work", Decimal(1), Decimal(1_000_000))],
    )
    payment_record(
        organization=org,
        client=customer,
        date=date(2026, 11, 5),
        amount=Decimal(800_000),
        currency="VND",
        invoices=[invoice],
    )
    line = invoice.lines.get()
    form = _invoice_form(
        org,
        customer,
        number="INV-1",
        **{
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": str(line.pk),
            "lines-0-invoice": str(invoice.pk),
            "lines-0-quantity": "1",
            "lines-0-unit_price": "500000",
            "lines-0-tax_rate": "0",
        },
    )
    response = member.post(f"/admin/ledger/invoice/{invoice.pk}/change/", form)
    assert response.status_code == 200
    assert "less than the 800,000 VND already paid" in response.text
    assert Invoice.objects.get(pk=invoice.pk).total == Decimal(1_000_000)


def test_a_payment_cannot_allocate_more_than_an_invoice_has_left(member, org, customer):
    invoice = invoice_create(
        organization=org,
        client=customer,
        number="INV-1",
        issue_date=date(2026, 11, 1),
        due_date=date(2026, 11, 30),
        currency="VND",
        lines=[LineInput("work", Decimal(1), Decimal(1_000_000))],
    )
    form = {
        "organization": org.pk,
        "client": customer.pk,
        "key": "",
        "date": "2026-11-10",
        "amount": "2000000",
        "currency": "VND",
        "method": "bank_transfer",
        "reference": "",
        "allocations-TOTAL_FORMS": "1",
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
        "allocations-0-invoice": str(invoice.pk),
        "allocations-0-amount": "1500000",
    }
    response = member.post("/admin/ledger/payment/add/", form)
    assert response.status_code == 200
    assert "has only 1,000,000 VND left to pay" in response.text
    assert not Payment.objects.exists()

    form["allocations-0-amount"] = "1000000"
    assert member.post("/admin/ledger/payment/add/", form).status_code == 302
    payment = Payment.objects.get()
    assert payment.key.startswith("manual/")
    assert selectors.invoices_with_balance(organization=org).get().state == "paid"


def test_a_payment_in_vnd_with_decimals_is_refused(member, org, customer):
    form = {
        "organization": org.pk,
        "client": customer.pk,
        "date": "2026-11-10",
        "amount": "10.5",
        "currency": "VND",
        "method": "bank_transfer",
        "allocations-TOTAL_FORMS": "0",
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
    }
    response = member.post("/admin/ledger/payment/add/", form)
    assert "VND has no minor units" in response.text
    assert not Payment.objects.exists()


def test_a_member_never_sees_another_organizations_name(member, org, other_org):
    Client.objects.create(
        organization=other_org, code="X", name="Secret Client", country="GB", currency="GBP"
    )
    for url in ["/admin/ledger/invoice/", "/admin/ledger/client/", "/admin/ledger/payment/"]:
        page = member.get(url)
        assert page.status_code == 200
        assert other_org.name not in page.text
        assert "Secret Client" not in page.text
    assert other_org.name not in member.get(f"/admin/ledger/organization/{org.pk}/change/").text


def test_a_member_cannot_create_organizations_or_change_memberships(member, org):
    assert member.get("/admin/ledger/organization/add/").status_code == 403
    page = member.get(f"/admin/ledger/organization/{org.pk}/change/")
    assert page.status_code == 200
    assert 'name="membership_set-0-role"' not in page.text
    assert Organization.objects.count() == 1
    assert Membership.objects.get().role == "owner"
