"""Writes to clients, contacts and contracts, one at a time (the import writes them in bulk,
the admin through forms; the REST API calls these).

Each is one transaction, checks the row with the model's own `full_clean` (so what the
admin refuses is refused here too: a Django `ValidationError` by field) and has the next
collections run look again at the invoices a change may concern. An id (`code`) already
used in the organization raises `CodeTaken`.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from owed.errors import OwedError
from owed.ledger.models import Client, Contact, Contract, Invoice, Organization
from owed.ledger.services import country_code

_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,30}$")


class CodeTaken(OwedError):
    """The client or contract id is used already in the organization (a conflict)."""


def _save(row, errors: dict[str, str]) -> None:
    """Check the row as the admin would, together with the errors found before; save it."""
    try:
        row.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)
    row.save()


def _set(row, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(row, name, value)


def _client_errors(fields: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if "country" in fields:
        try:
            fields["country"] = country_code(fields["country"])
        except OwedError as exc:
            errors["country"] = exc.message
    return errors


def _code_free(model, organization: Organization, code: str, message: str, exclude=None):
    taken = model.objects.filter(organization=organization, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise CodeTaken(message)


@transaction.atomic
def client_create(*, organization: Organization, fields: dict[str, Any]) -> Client:
    """A new client; its id (`code`) must be free in the organization (`CodeTaken`)."""
    _code_free(Client, organization, fields["code"], _("This client id is already used."))
    errors = _client_errors(fields)
    client = Client(organization=organization)
    _set(client, fields)
    _save(client, errors)
    return client


@transaction.atomic
def client_update(*, client: Client, fields: dict[str, Any]) -> Client:
    """Change the given fields; the client's invoices are planned again (its country, kind
    and time zone decide when it may be contacted)."""
    if "code" in fields:
        _code_free(
            Client,
            client.organization,
            fields["code"],
            _("This client id is already used."),
            exclude=client,
        )
    errors = _client_errors(fields)
    _set(client, fields)
    _save(client, errors)
    Invoice.objects.filter(client=client).update(next_step_on=None)
    return client


def _contact_errors(fields: dict[str, Any]) -> dict[str, str]:
    phone = fields.get("phone")
    if phone and not _PHONE.match(phone):
        return {"phone": _("This is not a phone number.")}
    return {}


@transaction.atomic
def contact_create(*, client: Client, fields: dict[str, Any]) -> Contact:
    contact = Contact(organization=client.organization, client=client)
    errors = _contact_errors(fields)
    _set(contact, fields)
    _save(contact, errors)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, fields: dict[str, Any]) -> Contact:
    errors = _contact_errors(fields)
    _set(contact, fields)
    _save(contact, errors)
    return contact


@transaction.atomic
def contract_create(*, client: Client, fields: dict[str, Any]) -> Contract:
    """A new contract with the client; its id (`code`) must be free (`CodeTaken`)."""
    organization = client.organization
    _code_free(Contract, organization, fields["code"], _("This contract id is already used."))
    contract = Contract(organization=organization, client=client)
    _set(contract, fields)
    _save(contract, {})
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, fields: dict[str, Any]) -> Contract:
    """Change the given terms; the contract's invoices are planned again under them."""
    if "code" in fields:
        _code_free(
            Contract,
            contract.organization,
            fields["code"],
            _("This contract id is already used."),
            exclude=contract,
        )
    _set(contract, fields)
    _save(contract, {})
    Invoice.objects.filter(contract=contract).update(next_step_on=None)
    return contract
