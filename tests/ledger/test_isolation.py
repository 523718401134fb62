"""No query crosses organizations: each one sees and changes only its own rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from owed.errors import OwedError
from owed.ledger import selectors
from owed.ledger.models import (
    Allocation,
    ChangeOrder,
    Client,
    Contact,
    Contract,
    Invoice,
    InvoiceLine,
    Milestone,
    Payment,
)
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


# ------------------------------------------------- links never cross organizations

PASSWORD = "a-long-passphrase"


@pytest.fixture
def rows(org, other_org):
    """One of each linkable row in each organization: `rows[org]["client"]` and so on."""
    result = {}
    for organization, currency in [(org, "VND"), (other_org, "GBP")]:
        customer = _client(organization, currency=currency)
        contract = Contract.objects.create(
            organization=organization,
            client=customer,
            code="K1",
            title="Website",
            price=Decimal(1000),
            currency=currency,
        )
        milestone = Milestone.objects.create(
            organization=organization,
            contract=contract,
            description="Design",
            percent=Decimal(50),
            due_rule="on_signing",
        )
        invoice = _invoice(organization, customer)
        payment = payment_record(
            organization=organization,
            client=customer,
            date=date(2026, 11, 1),
            amount=Decimal(10),
            currency=currency,
            invoices=[invoice],
        )
        result[organization] = {
            "organization": organization,
            "client": customer,
            "contract": contract,
            "milestone": milestone,
            "invoice": invoice,
            "payment": payment,
        }
    return result


def _linked(model, mine, **links):
    """An unsaved `model` row of `mine`'s organization, valid but for `links`."""
    fields = {
        Contact: lambda: {"client": mine["client"], "email": "a@example.com"},
        Contract: lambda: {
            "client": mine["client"],
            "code": "K2",
            "title": "More",
            "price": Decimal(1000),
            "currency": "VND",
        },
        Milestone: lambda: {
            "contract": mine["contract"],
            "description": "Rest",
            "percent": Decimal(50),
            "due_rule": "on_completion",
        },
        ChangeOrder: lambda: {
            "contract": mine["contract"],
            "agreed_on": date(2026, 11, 1),
            "description": "More pages",
            "price_change": Decimal(100),
        },
        Invoice: lambda: {
            "client": mine["client"],
            "number": "INV-2",
            "issue_date": date(2026, 11, 1),
            "due_date": date(2026, 11, 30),
            "currency": "VND",
            "total": Decimal(1000),
        },
        InvoiceLine: lambda: {
            "invoice": mine["invoice"],
            "description": "work",
            "unit_price": Decimal(1000),
        },
        Payment: lambda: {
            "client": mine["client"],
            "key": "p-2",
            "date": date(2026, 11, 2),
            "amount": Decimal(1000),
            "currency": "VND",
        },
        Allocation: lambda: {
            "payment": mine["payment"],
            "invoice": mine["invoice"],
            "amount": Decimal(5),
        },
    }[model]()
    return model(organization=mine["organization"], **(fields | links))


LINKS = [
    (Contact, "client"),
    (Contract, "client"),
    (Milestone, "contract"),
    (ChangeOrder, "contract"),
    (Invoice, "client"),
    (Invoice, "contract"),
    (Invoice, "milestone"),
    (InvoiceLine, "invoice"),
    (Payment, "client"),
    (Allocation, "payment"),
    (Allocation, "invoice"),
]


@pytest.mark.parametrize(("model", "field"), LINKS, ids=lambda x: getattr(x, "__name__", x))
def test_a_row_cannot_link_to_another_organizations_row(rows, org, other_org, model, field):
    mine, theirs = rows[org], rows[other_org]
    checks = {"validate_unique": False, "validate_constraints": False}
    _linked(model, mine).full_clean(**checks)  # the same row, linked at home, is fine

    row = _linked(model, mine, **{field: theirs[field]})
    with pytest.raises(ValidationError) as refused:
        row.full_clean(**checks)
    assert refused.value.message_dict[field] == ["This belongs to another organization."]


def test_a_service_cannot_bill_another_organizations_contract_or_milestone(rows, org, other_org):
    mine, theirs = rows[org], rows[other_org]
    for links, message in [
        ({"contract": theirs["contract"]}, "contract K1 belongs to another organization"),
        ({"milestone": theirs["milestone"]}, "milestone belongs to another organization"),
    ]:
        with pytest.raises(OwedError, match=message):
            invoice_create(
                organization=org,
                client=mine["client"],
                number="INV-2",
                issue_date=date(2026, 11, 1),
                due_date=date(2026, 11, 30),
                currency="VND",
                lines=[LineInput("work", Decimal(1), Decimal(1000))],
                **links,
            )
    assert not Invoice.objects.filter(number="INV-2").exists()


def _login(client, username, memberships):
    """Log in a user who has `role` in each `(organization, role)` of `memberships`."""
    for organization, role in memberships:
        user_add(organization=organization, username=username, password=PASSWORD, role=role)
    client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def superuser(client, db):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.login(username="root", password=PASSWORD)
    return client


def _invoice_form(organization, customer, **overrides):
    data = {
        "organization": organization.pk,
        "number": "INV-9",
        "client": customer.pk,
        "issue_date": "2026-11-01",
        "due_date": "2026-11-30",
        "currency": customer.currency,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-position": "1",
        "lines-0-description": "Design",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "1000",
        "lines-0-tax_rate": "0",
        "allocations-TOTAL_FORMS": "0",
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


@pytest.mark.parametrize("who", ["member of both", "superuser"])
def test_the_admin_refuses_an_invoice_for_another_organizations_client(
    request, client, rows, org, other_org, who
):
    if who == "superuser":
        browser = request.getfixturevalue("superuser")
    else:
        browser = _login(client, "mai", [(org, "owner"), (other_org, "member")])
    form = _invoice_form(org, rows[other_org]["client"], currency="VND")
    response = browser.post("/admin/ledger/invoice/add/", form)
    assert response.status_code == 200
    assert "This belongs to another organization." in response.text
    assert not Invoice.objects.filter(number="INV-9").exists()

    form = _invoice_form(org, rows[org]["client"], contract=rows[other_org]["contract"].pk)
    response = browser.post("/admin/ledger/invoice/add/", form)
    assert response.status_code == 200
    assert not Invoice.objects.filter(number="INV-9").exists()

    response = browser.post("/admin/ledger/invoice/add/", _invoice_form(org, rows[org]["client"]))
    assert response.status_code == 302
    assert Invoice.objects.get(number="INV-9").client == rows[org]["client"]


def test_the_admin_refuses_a_contract_for_another_organizations_client(
    superuser, rows, org, other_org
):
    form = {
        "organization": org.pk,
        "client": rows[other_org]["client"].pk,
        "code": "K9",
        "title": "Audit",
        "price": "1000",
        "price_basis": "fixed",
        "currency": "VND",
        "grace_days": "0",
    }
    for prefix in ["milestones", "change_orders"]:
        form |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    response = superuser.post("/admin/ledger/contract/add/", form)
    assert response.status_code == 200
    assert "This belongs to another organization." in response.text
    assert not Contract.objects.filter(code="K9").exists()


@pytest.mark.parametrize("who", ["member of both", "superuser"])
def test_a_change_page_offers_only_the_objects_own_organizations_rows(
    request, client, rows, org, other_org, who
):
    if who == "superuser":
        browser = request.getfixturevalue("superuser")
    else:
        browser = _login(client, "mai", [(org, "owner"), (other_org, "member")])
    invoice = rows[org]["invoice"]
    page = browser.get(f"/admin/ledger/invoice/{invoice.pk}/change/")
    assert page.status_code == 200
    select = page.text[page.text.index('name="client"') :]
    select = select[: select.index("</select>")]
    assert f'value="{rows[org]["client"].pk}"' in select
    assert f'value="{rows[other_org]["client"].pk}"' not in select
    organizations = page.text[page.text.index('name="organization"') :]
    organizations = organizations[: organizations.index("</select>")]
    assert f'value="{other_org.pk}"' not in organizations

    form = _invoice_form(
        org,
        rows[other_org]["client"],
        number=invoice.number,
        currency="VND",
        **{"lines-TOTAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0"},
    )
    response = browser.post(f"/admin/ledger/invoice/{invoice.pk}/change/", form)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert Invoice.objects.get(pk=invoice.pk).client == rows[org]["client"]


# ------------------------------------------------------- roles per organization


@pytest.fixture
def viewer_here_member_there(client, org, other_org):
    """Read-only in `org`, member of `other_org`: Django's permissions let them change."""
    return _login(client, "mai", [(org, "read_only"), (other_org, "member")])


def test_a_read_only_role_holds_in_its_organization_whatever_the_role_elsewhere(
    viewer_here_member_there, rows, org, other_org
):
    browser = viewer_here_member_there
    mine, theirs = _client(org, code="C2"), _client(other_org, code="C2")  # nothing protects them
    contact = Contact.objects.create(organization=org, client=mine, email="a@example.com")

    page = browser.get(f"/admin/ledger/client/{mine.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.text  # a view, not a form
    assert 'name="contacts-0-email"' not in page.text
    assert browser.get(f"/admin/ledger/client/{mine.pk}/delete/").status_code == 403
    response = browser.post(f"/admin/ledger/client/{mine.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    response = browser.post(
        "/admin/ledger/client/",
        {"action": "delete_selected", "_selected_action": [mine.pk], "post": "yes"},
    )
    assert response.status_code == 403
    form = {
        "organization": org.pk,
        "code": mine.code,
        "name": "Renamed",
        "kind": "business",
        "country": "VN",
        "language": "en",
        "currency": "VND",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "1",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-id": str(contact.pk),
        "contacts-0-client": str(mine.pk),
        "contacts-0-DELETE": "on",
    }
    assert browser.post(f"/admin/ledger/client/{mine.pk}/change/", form).status_code == 403
    assert Client.objects.get(pk=mine.pk).name == mine.name
    assert Contact.objects.filter(pk=contact.pk).exists()

    invoice = rows[org]["invoice"]
    form = _invoice_form(org, mine, number="CHANGED", **{"lines-TOTAL_FORMS": "0"})
    response = browser.post(f"/admin/ledger/invoice/{invoice.pk}/change/", form)
    assert response.status_code == 403
    assert Invoice.objects.get(pk=invoice.pk).number == invoice.number

    assert Client.objects.filter(pk=mine.pk).exists()

    # Where they are a member, they change and delete as before.
    assert 'name="_save"' in browser.get(f"/admin/ledger/client/{theirs.pk}/change/").text
    response = browser.post(f"/admin/ledger/client/{theirs.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Client.objects.filter(pk=theirs.pk).exists()


def test_the_add_form_offers_only_the_organizations_the_user_may_write_to(
    viewer_here_member_there, rows, org, other_org
):
    browser = viewer_here_member_there
    page = browser.get("/admin/ledger/client/add/")
    assert page.status_code == 200
    select = page.text[page.text.index('name="organization"') :]
    select = select[: select.index("</select>")]
    assert f'value="{other_org.pk}"' in select
    assert f'value="{org.pk}"' not in select

    form = {
        "organization": org.pk,
        "code": "NEW",
        "name": "New Client",
        "kind": "business",
        "country": "VN",
        "language": "vi",
        "currency": "VND",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    response = browser.post("/admin/ledger/client/add/", form)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Client.objects.filter(code="NEW").exists()

    form |= {"organization": other_org.pk, "country": "GB", "currency": "GBP"}
    assert browser.post("/admin/ledger/client/add/", form).status_code == 302
    assert Client.objects.get(code="NEW").organization == other_org


def test_a_user_read_only_everywhere_cannot_add(client, org, other_org):
    browser = _login(client, "mai", [(org, "read_only"), (other_org, "read_only")])
    assert browser.get("/admin/ledger/client/add/").status_code == 403
    assert browser.get("/admin/ledger/client/").status_code == 200


def test_the_admin_reads_the_users_memberships_once_per_request(
    viewer_here_member_there, rows, other_org
):
    invoice = rows[other_org]["invoice"]
    with CaptureQueriesContext(connection) as queries:
        page = viewer_here_member_there.get(f"/admin/ledger/invoice/{invoice.pk}/change/")
    assert page.status_code == 200
    membership_queries = [q for q in queries if "ledger_membership" in q["sql"]]
    assert len(membership_queries) == 1
