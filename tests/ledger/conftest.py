"""Fixtures the admin tests share: a member logged in to the admin, and a client to bill."""

from __future__ import annotations

import pytest

from owed.ledger.models import Client
from owed.ledger.services import user_add
from tests.ledger.admin_forms import PASSWORD


@pytest.fixture
def member(client, org):
    """The test client, logged in as `lan`, a member of `org`."""
    user_add(organization=org, username="lan", password=PASSWORD)
    client.login(username="lan", password=PASSWORD)
    return client


@pytest.fixture
def customer(org):
    return Client.objects.create(
        organization=org, code="C1", name="Công ty ABC", country="VN", language="vi", currency="VND"
    )
