"""Saving a contract in the admin warns about caps and the small-claims limit."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from owed.ledger.models import Contract
from tests.ledger.conftest import customer, member  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def contract_form(org, client, **overrides):
    data = {
        "organization": org.pk,
        "client": client.pk,
        "code": "K-1",
        "title": "Website",
        "price": "900000000",
        "price_basis": "fixed",
        "currency": "VND",
        "grace_days": "0",
        "allocation_order": "",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "change_orders-TOTAL_FORMS": "0",
        "change_orders-INITIAL_FORMS": "0",
        "change_orders-MIN_NUM_FORMS": "0",
        "change_orders-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def test_an_agreed_rate_above_the_cap_is_warned_about_on_save(member, org, customer):  # noqa: F811
    response = member.post(
        "/admin/ledger/contract/add/", contract_form(org, customer, interest_rate="24"), follow=True
    )
    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("468" in t for t in texts), texts


def test_no_warning_for_an_agreed_rate_within_the_cap(member, org, customer):  # noqa: F811
    response = member.post(
        "/admin/ledger/contract/add/", contract_form(org, customer, interest_rate="12"), follow=True
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert Contract.objects.filter(code="K-1", interest_rate=12).exists()
    assert not any("468" in t for t in texts), texts
