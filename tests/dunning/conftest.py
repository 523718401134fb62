"""Fixtures for the collections engine tests: `books`, a ledger to chase and daily runs
over it (see `tests.dunning.books`)."""

from __future__ import annotations

import tempfile

import pytest

from tests.dunning.books import Books
from tests.dunning.processes import Shell


@pytest.fixture
def books(org) -> Books:
    return Books(org)


@pytest.fixture(scope="session")
def shell(request) -> Shell:
    """Runs `owed` in subprocesses; compiled modules are kept between runs."""
    return Shell(request.config.cache.mkdir("owed-cli-pycache"))


@pytest.fixture(autouse=True)
def _own_run_lock_folder(monkeypatch, tmp_path_factory):
    """Keep the run lock of the in-memory test database to this test session.

    For a database without a file (the suite's in-memory SQLite), `run_lock` puts its lock
    file in the temporary folder under a name made from the database name, which is the
    same in every test session on the machine: two sessions at once would refuse each
    other's runs. Each session gets its own temporary folder for it.
    """
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.getbasetemp()))
