"""Client, contact and contract writes one at a time (`owed.ledger.parties`): the model's
own checks, ids free in the organization, and the invoices planned again after a change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from owed.errors import OwedError
from owed.ledger import parties
from owed.ledger.models import Client, Invoice
from owed.ledger.services import LineInput, invoice_create

pytestmark = pytest.mark.django_db

SEN = {"code": "SEN", "name": "Sen Vang", "country": "vn", "currency": "VND"}


def test_a_client_is_created_with_its_country_checked(org):
    client = parties.client_create(organization=org, fields=dict(SEN))

    assert client.pk and client.country == "VN"
    with pytest.raises(ValidationError) as caught:
        parties.client_create(organization=org, fields={**SEN, "code": "X", "country": "QQ"})
    assert "country" in caught.value.message_dict


def test_an_id_already_used_is_a_code_taken_error_not_an_api_error(org, other_org):
    parties.client_create(organization=org, fields=dict(SEN))

    with pytest.raises(parties.CodeTaken) as caught:
        parties.client_create(organization=org, fields=dict(SEN))

    assert isinstance(caught.value, OwedError)
    assert caught.value.message == "This client id is already used."
    # Another organization may use the same id.
    assert parties.client_create(organization=other_org, fields=dict(SEN)).pk


def test_changing_a_client_plans_its_invoices_again(org):
    client = parties.client_create(organization=org, fields=dict(SEN))
    invoice = invoice_create(
        organization=org,
        client=client,
        number="INV-1",
        issue_date=date(2026, 10, 1),
        due_date=date(2026, 10, 31),
        currency="VND",
        lines=[LineInput("Work", Decimal(1), Decimal(1_000_000))],
    )
    Invoice.objects.filter(pk=invoice.pk).update(next_step_on=date(2026, 12, 1))

    parties.client_update(client=client, fields={"name": "Sen Vang Co."})

    assert Client.objects.get(pk=client.pk).name == "Sen Vang Co."
    assert Invoice.objects.get(pk=invoice.pk).next_step_on is None


def test_a_contact_needs_a_phone_number_that_is_one(org):
    client = parties.client_create(organization=org, fields=dict(SEN))

    with pytest.raises(ValidationError) as caught:
        parties.contact_create(client=client, fields={"name": "An", "phone": "call me"})

    assert caught.value.message_dict == {"phone": ["This is not a phone number."]}
    contact = parties.contact_create(client=client, fields={"name": "An", "phone": "+84 28 1"})
    assert parties.contact_update(contact=contact, fields={"role": "billing"}).role == "billing"


def test_a_contract_id_must_be_free(org):
    client = parties.client_create(organization=org, fields=dict(SEN))
    terms = {"code": "K-1", "title": "Website", "price": Decimal(100), "currency": "VND"}
    contract = parties.contract_create(client=client, fields=dict(terms))
    other = parties.contract_create(client=client, fields={**terms, "code": "K-2"})

    with pytest.raises(parties.CodeTaken):
        parties.contract_update(contract=other, fields={"code": "K-1"})
    assert parties.contract_update(contract=contract, fields={"code": "K-1"}).code == "K-1"
