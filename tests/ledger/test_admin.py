"""The admin, as a member uses it: it refuses what the ledger would refuse."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from owed.ledger import selectors
from owed.ledger.models import (
    Client,
    Contract,
    Invoice,
    Membership,
    Milestone,
    Organization,
    Payment,
)
from owed.ledger.services import payment_record, user_add
from tests.ledger.admin_forms import PASSWORD, invoice_form, payment_form, vnd_invoice

pytestmark = pytest.mark.django_db


def test_an_invoice_added_in_the_admin_totals_its_lines(member, org, customer):
    response = member.post("/admin/ledger/invoice/add/", invoice_form(org, customer))
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
    response = member.post("/admin/ledger/invoice/add/", invoice_form(org, customer, **overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Invoice.objects.filter(number="INV-9").exists()


def test_editing_lines_below_what_was_paid_is_refused(member, org, customer):
    invoice = vnd_invoice(org, customer, "INV-1")
    payment_record(
        organization=org,
        client=customer,
        date=date(2026, 11, 5),
        amount=Decimal(800_000),
        currency="VND",
        invoices=[invoice],
    )
    line = invoice.lines.get()
    form = invoice_form(
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
    invoice = vnd_invoice(org, customer, "INV-1")
    form = payment_form(
        org,
        customer,
        amount="2000000",
        **{
            "allocations-TOTAL_FORMS": "1",
            "allocations-0-invoice": str(invoice.pk),
            "allocations-0-amount": "1500000",
        },
    )
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
    form = payment_form(org, customer, amount="10.5")
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


def test_the_invoice_change_page_runs_a_bounded_number_of_queries(
    member, org, customer, django_assert_max_num_queries
):
    contract = Contract.objects.create(
        organization=org, client=customer, code="K1", title="Site", price=30, currency="VND"
    )
    Milestone.objects.bulk_create(
        Milestone(
            organization=org,
            contract=contract,
            position=i,
            description=f"Step {i}",
            amount=1,
            due_rule="on_signing",
        )
        for i in range(1, 31)
    )
    invoice = vnd_invoice(org, customer, "INV-1", contract=contract)
    # Session, user, memberships, invoice, permissions (2), lines, allocations, content
    # types and one query for each dropdown: organization, client, contract, milestone.
    with django_assert_max_num_queries(15):
        page = member.get(f"/admin/ledger/invoice/{invoice.pk}/change/")
    assert page.status_code == 200
    assert "K1 #30: Step 30" in page.text


# ---------------------------------------------------------------- time zones

# 20:00 in London on 30 November is already 1 December in Ho Chi Minh City (UTC+7).
EVENING_IN_UTC = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)


@pytest.fixture
def due_on_the_30th(org, customer):
    return vnd_invoice(org, customer, "INV-30")


@pytest.fixture
def evening_in_utc(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: EVENING_IN_UTC)


def _late_cell(page, invoice) -> str | None:
    """The "days late" cell of the invoice's row, or None when the row is not listed."""
    row = re.search(
        rf"<tr>(?:(?!</tr>).)*?/admin/ledger/invoice/{invoice.pk}/change/.*?</tr>", page, re.S
    )
    if row is None:
        return None
    return re.search(r'<td class="field-late">(.*?)</td>', row.group(0), re.S).group(1)


@pytest.mark.parametrize("who", ["member", "superuser"])
def test_overdue_and_days_late_count_in_the_organizations_time_zone(
    client, member, org, due_on_the_30th, evening_in_utc, who
):
    if who == "superuser":  # a superuser of an installation with one organization
        get_user_model().objects.create_superuser("root", password=PASSWORD)
        client.login(username="root", password=PASSWORD)
    listing = client.get("/admin/ledger/invoice/").text
    assert _late_cell(listing, due_on_the_30th) == "1"
    for bucket in ["yes", "1-30"]:
        page = client.get(f"/admin/ledger/invoice/?overdue={bucket}").text
        assert _late_cell(page, due_on_the_30th) == "1", bucket
    assert (
        _late_cell(client.get("/admin/ledger/invoice/?overdue=31-60").text, due_on_the_30th) is None
    )


def test_a_user_of_several_organizations_counts_in_utc(
    client, org, other_org, due_on_the_30th, evening_in_utc
):
    for organization in [org, other_org]:
        user_add(organization=organization, username="mai", password=PASSWORD)
    client.login(username="mai", password=PASSWORD)
    assert _late_cell(client.get("/admin/ledger/invoice/").text, due_on_the_30th) == "-"  # empty
    assert (
        _late_cell(client.get("/admin/ledger/invoice/?overdue=yes").text, due_on_the_30th) is None
    )


def test_an_organization_needs_a_known_time_zone(org):
    org.timezone = "Mars/Olympus"
    with pytest.raises(ValidationError) as refused:
        org.full_clean()
    assert "timezone" in refused.value.message_dict
    assert org.today() == timezone.localdate(timezone=UTC)  # shown as UTC meanwhile
