"""Fixtures for the portal: the back office's books (a Vietnamese client with overdue
invoices) plus a Persian client, and helpers that make portal links."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from owed.ledger.models import Client, PaymentAccount
from owed.ledger.services import LineInput, invoice_create
from owed.portal import links
from tests.web.conftest import books, member, owner, their, web  # noqa: F401


@pytest.fixture(autouse=True)
def _empty_cache():
    # Unknown tokens are counted per address in the cache: each test starts from none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def persian(org):
    client = Client.objects.create(
        organization=org,
        code="PARS",
        name="شرکت پارس",
        country="IR",
        currency="VND",
        language="fa",
    )
    today = org.today()
    invoice = invoice_create(
        organization=org,
        client=client,
        number="FA-100",
        issue_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10),
        currency="VND",
        lines=[LineInput("طراحی", Decimal(2), Decimal(1_250_000))],
    )
    return client, invoice


@pytest.fixture
def account(org):
    return PaymentAccount.objects.create(
        organization=org,
        kind=PaymentAccount.Kind.VN_BANK,
        holder="LOTUS STUDIO",
        bank_name="Vietcombank",
        bank_bin="970436",
        account_number="0011004012345",
        currency="VND",
    )


def path_for(client) -> str:
    return links.portal_path(links.portal_token(client))
