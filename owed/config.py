"""Where owed keeps its data, read from the environment once.

`OWED_DATA_DIR` (default `./.owed`) holds the embedded SQLite database, uploaded files and
the generated secret key. `DATABASE_URL` selects another database (`postgres://...`).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    return Path(os.environ.get("OWED_DATA_DIR", ".owed")).expanduser().resolve()


def ensure_data_dir() -> Path:
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_path() -> Path:
    return data_dir() / "owed.sqlite3"


def secret_key() -> str:
    """`OWED_SECRET_KEY`, or a key generated once and kept in the data folder."""
    if key := os.environ.get("OWED_SECRET_KEY"):
        return key
    path = ensure_data_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
