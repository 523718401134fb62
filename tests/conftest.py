"""Shared fixtures. The database is SQLite unless DATABASE_URL names a PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def org(db):
    from owed.ledger.services import organization_create

    return organization_create(
        name="Lotus Studio", country="VN", currency="VND", timezone="Asia/Ho_Chi_Minh"
    )


@pytest.fixture
def other_org(db):
    from owed.ledger.services import organization_create

    return organization_create(name="Other Business", country="GB", currency="GBP")


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write text to a CSV file in a temporary folder and return its path."""

    def write(text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs a second per login; tests check access rules, not hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
