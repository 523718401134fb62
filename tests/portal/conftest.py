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
from tests.web.conftest import (  # noqa: F401
    books,
    member,
    owner,
    reader,
    their,
    web,
    web_member,
    web_reader,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Proofs of payment are written under MEDIA_ROOT: each test has its own folder.
    settings.MEDIA_ROOT = str(tmp_path / "files")


@pytest.fixture(autouse=True)
def _empty_cache():
    # Unknown tokens are counted per address in the cache: each test starts from none.
    cache.clear()
    yield
    cache.clear()


def overdue_client(org, *, code, name, country, language, number, late_days, line):
    """A client in `language` with one VND invoice, issued 40 days ago and `late_days` late."""
    client = Client.objects.create(
        organization=org,
        code=code,
        name=name,
        country=country,
        currency="VND",
        language=language,
    )
    today = org.today()
    invoice = invoice_create(
        organization=org,
        client=client,
        number=number,
        issue_date=today - timedelta(days=40),
        due_date=today - timedelta(days=late_days),
        currency="VND",
        lines=[line],
    )
    return client, invoice


@pytest.fixture
def persian(org):
    return overdue_client(
        org,
        code="PARS",
        name="شرکت پارس",
        country="IR",
        language="fa",
        number="FA-100",
        late_days=10,
        line=LineInput("طراحی", Decimal(2), Decimal(1_250_000)),
    )


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
