from datetime import date
from decimal import Decimal

import pytest

from owed.errors import OwedError
from owed.ledger import selectors
from owed.ledger.models import Client, InvoiceLine, PaymentAccount
from owed.ledger.services import (
    LineInput,
    invoice_create,
    invoice_total_refresh,
    invoice_write_off,
    organization_create,
    payment_account_add,
    payment_record,
    user_add,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_vn(org):
    return Client.objects.create(
        organization=org, code="C1", name="Công ty ABC", country="VN", language="vi", currency="VND"
    )


def _invoice(org, client, number, due, amount, currency="VND"):
    return invoice_create(
        organization=org,
        client=client,
        number=number,
        issue_date=date(2026, 1, 1),
        due_date=due,
        currency=currency,
        lines=[LineInput("work", Decimal(1), Decimal(amount))],
    )


def _state(org, invoice):
    row = selectors.invoices_with_balance(organization=org).get(pk=invoice.pk)
    return row.state, row.balance


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"country": "XX"}, "unknown country"),
        ({"currency": "ABC"}, "unknown currency"),
        ({"language": "de"}, "unknown language"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"name": "  "}, "needs a name"),
    ],
)
def test_an_organization_with_bad_settings_is_refused_with_the_reason(db, fields, message):
    values = {"name": "Studio", "country": "VN", "currency": "VND"} | fields
    with pytest.raises(OwedError, match=message):
        organization_create(**values)


def test_two_organizations_cannot_share_a_short_name(org):
    with pytest.raises(OwedError, match="already exists"):
        organization_create(name="Lotus Studio", country="VN", currency="VND")


def test_an_invoice_total_is_the_sum_of_its_rounded_lines(org):
    customer = Client.objects.create(
        organization=org, code="U1", name="Acme", country="US", currency="USD"
    )
    invoice = invoice_create(
        organization=org,
        client=customer,
        number="A-1",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31),
        currency="USD",
        lines=[
            LineInput("Design", Decimal("2.5"), Decimal("80.00"), Decimal("8.875")),
            LineInput("Hosting", Decimal(1), Decimal("12.99")),
        ],
    )
    assert invoice.total == Decimal("217.75") + Decimal("12.99")
    InvoiceLine.objects.filter(invoice=invoice, description="Hosting").update(unit_price=20)
    assert invoice_total_refresh(invoice=invoice).total == Decimal("237.75")


def test_a_due_date_before_the_issue_date_is_refused(org, client_vn):
    with pytest.raises(OwedError, match="before the issue date"):
        _invoice(org, client_vn, "X", date(2025, 12, 1), 1000)


def test_a_payment_without_invoices_pays_the_oldest_due_first_and_keeps_the_rest_as_credit(
    org, client_vn
):
    later = _invoice(org, client_vn, "B", date(2026, 3, 1), 3_000_000)
    older = _invoice(org, client_vn, "A", date(2026, 2, 1), 2_000_000)
    payment_record(
        organization=org,
        client=client_vn,
        date=date(2026, 3, 5),
        amount=Decimal(2_500_000),
        currency="VND",
    )
    assert _state(org, older) == ("paid", Decimal(0))
    assert _state(org, later) == ("partly_paid", Decimal(2_500_000))
    payment_record(
        organization=org,
        client=client_vn,
        date=date(2026, 3, 6),
        amount=Decimal(3_000_000),
        currency="VND",
    )
    assert _state(org, later) == ("paid", Decimal(0))
    assert selectors.client_credits(organization=org) == {client_vn.pk: {"VND": Decimal(500_000)}}


def test_a_payment_in_another_currency_than_the_invoice_is_refused(org, client_vn):
    invoice = _invoice(org, client_vn, "A", date(2026, 2, 1), 1000)
    with pytest.raises(OwedError, match="differs"):
        payment_record(
            organization=org,
            client=client_vn,
            date=date(2026, 2, 2),
            amount=Decimal(10),
            currency="USD",
            invoices=[invoice],
        )


def test_a_written_off_invoice_is_not_overdue_and_keeps_its_history(org, client_vn):
    invoice = _invoice(org, client_vn, "A", date(2026, 2, 1), 1000)
    invoice_write_off(invoice=invoice, on=date(2026, 6, 1))
    assert _state(org, invoice)[0] == "written_off"
    overdue = selectors.invoice_list(organization=org, as_of=date(2026, 11, 1), overdue=True)
    assert list(overdue) == []
    with pytest.raises(OwedError, match="already written off"):
        invoice_write_off(invoice=invoice, on=date(2026, 6, 2))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "iban", "iban": "DE89370400440532013001"}, "not valid"),
        ({"kind": "vn_bank", "bank_bin": "9704", "account_number": "123"}, "6 digits"),
        ({"kind": "promptpay", "promptpay_id": "123"}, "mobile number"),
        ({"kind": "ir_card", "account_number": "6037997599999990"}, "card number"),
    ],
)
def test_payment_accounts_with_wrong_numbers_are_refused(org, fields, message):
    with pytest.raises(OwedError, match=message):
        payment_account_add(organization=org, holder="Lotus Studio", **fields)
    assert not PaymentAccount.objects.exists()


def test_payment_accounts_are_kept_in_compact_form(org):
    sheba = payment_account_add(
        organization=org, kind="iban", holder="Lotus", iban="IR06 2960 0000 0010 0324 2000 01"
    )
    assert sheba.iban == "IR062960000000100324200001"
    promptpay = payment_account_add(
        organization=org, kind="promptpay", holder="Lotus", promptpay_id="081-234-5678"
    )
    assert promptpay.promptpay_id == "0812345678"


def test_a_weak_password_is_refused(org):
    with pytest.raises(OwedError, match=r"too short|too common"):
        user_add(organization=org, username="lan", password="1234")


def test_changing_a_users_role_to_read_only_takes_their_change_rights_away(org):
    user_add(organization=org, username="lan", password="a-long-passphrase")
    user_add(organization=org, username="lan", password="a-long-passphrase", role="read_only")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="lan")
    assert user.has_perm("ledger.view_invoice")
    assert not user.has_perm("ledger.change_invoice")
    assert not user.is_superuser
