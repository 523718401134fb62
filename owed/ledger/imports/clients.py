"""Planning a clients import: each row checked, then the clients and contacts to write.

A row sets a client and its main contact (and its billing contact when the file has a
billing_email column); columns the file lacks leave what the ledger holds alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from owed.core.identifiers import IdentifierError, normalize_tax_id
from owed.core.money import excerpt
from owed.ledger.imports.cells import (
    Problems,
    check_duplicate,
    read_code,
    read_email,
    read_required,
)
from owed.ledger.models import Client, Contact, Invoice, Organization
from owed.ledger.services import country_code, currency_code, language_code
from owed.ledger.tables import Row, Table

if TYPE_CHECKING:
    from owed.ledger.imports import ImportResult

_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,30}$")
_CLIENT_FIELDS = ("name", "kind", "tax_id", "address", "country", "language", "currency", "notes")


def _wanted_contacts(row: Row, header: set[str]) -> dict[str, dict[str, str]]:
    """Per role, the contact fields this row sets; columns the file lacks are left alone."""
    main = {"email": row.cells.get("email", "")}
    if "phone" in header:
        main["phone"] = row.cells.get("phone", "")
    if "contact_name" in header:
        main["name"] = row.cells.get("contact_name", "")
    wanted = {Contact.Role.MAIN: main}
    if "billing_email" in header:
        # An empty cell clears the billing contact's e-mail (and creates no contact).
        wanted[Contact.Role.BILLING] = {"email": row.cells.get("billing_email", "")}
    return wanted


def plan_clients(
    org: Organization,
    table: Table,
    problems: Problems,
    result: ImportResult,
    checked: Callable[[int], None],
):
    rows, header = table.rows, set(table.header)
    # Fields whose column the file lacks keep what the ledger holds.
    updated_fields = [f for f in _CLIENT_FIELDS if f in header]
    first_line: dict[str, int] = {}
    parsed: list[tuple[dict, dict]] = []
    for done, row in enumerate(rows):
        checked(done)
        code = read_required(row, "client_id", problems, 64)
        if code is not None:
            check_duplicate(row, "client_id", code, first_line, problems)
        name = read_required(row, "name", problems, 200)
        country = read_code(row, "country", problems, country_code)
        language = read_code(row, "language", problems, language_code)
        currency = read_code(row, "currency", problems, currency_code)
        read_email(row, "email", problems)
        read_email(row, "billing_email", problems)
        phone = row.cells.get("phone", "")
        if phone and not _PHONE.match(phone):
            problems.add(row.line, "phone", f"{excerpt(phone)!r} is not a phone number")
        kind = row.cells.get("kind", "").lower() or Client.Kind.BUSINESS
        if kind not in Client.Kind.values:
            problems.add(
                row.line,
                "kind",
                f"{excerpt(kind)!r} is not one of {', '.join(Client.Kind.values)}",
            )
        tax_id = row.cells.get("tax_id", "")
        if tax_id and country:
            try:
                tax_id = normalize_tax_id(tax_id, country)
            except IdentifierError as exc:
                problems.add(row.line, "tax_id", str(exc))
        if len(tax_id) > 40:
            problems.add(row.line, "tax_id", "longer than 40 characters")
        if len(row.cells.get("contact_name", "")) > 200:
            problems.add(row.line, "contact_name", "longer than 200 characters")
        values = {
            "code": code,
            "name": name,
            "kind": kind,
            "tax_id": tax_id,
            "address": row.cells.get("address", ""),
            "country": country,
            "language": language,
            "currency": currency,
            "notes": row.cells.get("notes", ""),
        }
        parsed.append((values, _wanted_contacts(row, header)))
    if problems:
        return None

    existing = {
        c.code: c
        for c in Client.objects.filter(organization=org, code__in=[v["code"] for v, _ in parsed])
    }
    existing_contacts: dict[tuple[int, str], Contact] = {}
    for contact in Contact.objects.filter(
        client__in=list(existing.values()), role__in=[Contact.Role.MAIN, Contact.Role.BILLING]
    ).order_by("id"):
        existing_contacts.setdefault((contact.client_id, contact.role), contact)

    new_clients: list[tuple[Client, dict]] = []
    changed_clients: list[Client] = []
    new_contacts: list[Contact] = []
    changed_contacts: list[Contact] = []
    for values, wanted in parsed:
        client = existing.get(values["code"])
        if client is None:
            new_clients.append((Client(organization=org, **values), wanted))
            continue
        touched = any(getattr(client, f) != values[f] for f in updated_fields)
        if touched:
            for f in updated_fields:
                setattr(client, f, values[f])
            changed_clients.append(client)
        for role, fields in wanted.items():
            contact = existing_contacts.get((client.pk, role))
            if contact is None:
                if any(fields.values()):
                    new_contacts.append(
                        Contact(organization=org, client=client, role=role, **fields)
                    )
                    touched = True
            elif any(getattr(contact, f) != v for f, v in fields.items()):
                for f, v in fields.items():
                    setattr(contact, f, v)
                changed_contacts.append(contact)
                touched = True
        if touched:
            result.updated += 1
        else:
            result.unchanged += 1
    result.created = len(new_clients)

    def apply() -> None:
        clients = [client for client, _ in new_clients]
        Client.objects.bulk_create(clients, batch_size=500)
        if changed_clients:
            Client.objects.bulk_update(changed_clients, updated_fields, batch_size=500)
            # A new country or kind changes the client's days and hours.
            Invoice.objects.filter(client__in=changed_clients).update(next_step_on=None)
        for client, wanted in new_clients:
            for role, fields in wanted.items():
                if any(fields.values()):
                    new_contacts.append(
                        Contact(organization=org, client=client, role=role, **fields)
                    )
        Contact.objects.bulk_create(new_contacts, batch_size=500)
        Contact.objects.bulk_update(changed_contacts, ["email", "phone", "name"], batch_size=500)

    return apply
