"""No query crosses organizations: each one sees and changes only its own rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from owed.errors import OwedError
from owed.ledger import selectors
from owed.ledger.models import Client, Invoice
from owed.ledger.services import (
    LineInput,
    invoice_create,
    organization_resolve,
    payment_record,
    user_add,
)

pytestmark = pytest.mark.django_db


def _client(org, code="C1", currency="VND"):
    return Client.objects.create(
        organization=org, code=code, name=f"{code} of {org.slug}", country="VN", currency=currency
    )


def _invoice(org, client, number="INV-1", amount="1000"):
    return invoice_create(
        organization=org,
        client=client,
        number=number,
        issue_date=date(2026, 10, 1),
        due_date=date(2026, 10, 31),
        currency=client.currency,
        lines=[LineInput("work", Decimal(1), Decimal(amount))],
    )


@pytest.fixture
def two_ledgers(org, other_org):
    mine = _invoice(org, _client(org))
    theirs = _invoice(other_org, _client(other_org, currency="GBP"), amount="50")
    payment_record(
        organization=other_org,
        client=theirs.client,
        date=date(2026, 11, 1),
        amount=Decimal(60),
        currency="GBP",
        invoices=[theirs],
    )
    return mine, theirs


def test_the_same_client_id_and_invoice_number_can_exist_in_two_organizations(two_ledgers):
    mine, theirs = two_ledgers
    assert mine.number == theirs.number
    assert mine.client.code == theirs.client.code


def test_selectors_return_only_the_organizations_own_rows(org, other_org, two_ledgers):
    mine, theirs = two_ledgers
    as_of = date(2026, 11, 22)
    assert [i.pk for i in selectors.invoice_list(organization=org, as_of=as_of)] == [mine.pk]
    assert selectors.client_credits(organization=org) == {}
    assert list(selectors.payments_with_unallocated(organization=org)) == []
    assert selectors.client_credits(organization=other_org) == {
        theirs.client.pk: {"GBP": Decimal(10)}
    }
    summary = selectors.ledger_summary(organization=org, as_of=as_of)
    assert [row["currency"] for row in summary] == ["VND"]


def test_a_payment_cannot_be_allocated_to_another_organizations_invoice(org, two_ledgers):
    mine, theirs = two_ledgers
    with pytest.raises(OwedError, match="not this client's"):
        payment_record(
            organization=org,
            client=mine.client,
            date=date(2026, 11, 1),
            amount=Decimal(50),
            currency="GBP",
            invoices=[theirs],
        )


def test_an_invoice_cannot_be_made_for_another_organizations_client(org, two_ledgers):
    _, theirs = two_ledgers
    with pytest.raises(OwedError, match="another organization"):
        _invoice(org, theirs.client, number="INV-2")


def test_with_several_organizations_a_command_must_name_one(org, other_org):
    with pytest.raises(OwedError, match="choose one with --org"):
        organization_resolve(slug=None)
    assert organization_resolve(slug=other_org.slug) == other_org
    with pytest.raises(OwedError, match="no organization 'nope'"):
        organization_resolve(slug="nope")


def test_the_admin_shows_a_member_only_their_organizations_invoices(client, org, two_ledgers):
    mine, theirs = two_ledgers
    user_add(organization=org, username="lan", password="a-long-passphrase")
    client.login(username="lan", password="a-long-passphrase")
    listing = client.get("/admin/ledger/invoice/")
    assert listing.status_code == 200
    assert f"/admin/ledger/invoice/{mine.pk}/change/" in listing.text
    assert f"/admin/ledger/invoice/{theirs.pk}/change/" not in listing.text
    # Changing the id in the URL does not reach the other organization's invoice.
    other = client.get(f"/admin/ledger/invoice/{theirs.pk}/change/", follow=True)
    assert "doesn’t exist" in other.text or other.status_code == 404
    assert Invoice.objects.filter(pk=theirs.pk).exists()


def test_a_read_only_member_can_view_but_not_change(client, org, two_ledgers):
    mine, _ = two_ledgers
    user_add(organization=org, username="viewer", password="a-long-passphrase", role="read_only")
    client.login(username="viewer", password="a-long-passphrase")
    assert client.get(f"/admin/ledger/invoice/{mine.pk}/change/").status_code == 200
    response = client.post(f"/admin/ledger/invoice/{mine.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Invoice.objects.filter(pk=mine.pk).exists()
