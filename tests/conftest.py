"""Shared fixtures. The database is SQLite unless DATABASE_URL names a PostgreSQL server."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
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


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def owed(monkeypatch, capsys):
    """Run `owed ARGS...` through its entry point, `owed.cli.main`, in this process (so an
    error is printed as a user sees it); the result has the exit code and the output."""
    from owed.cli import main

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["owed", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run
