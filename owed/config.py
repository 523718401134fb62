"""Where owed keeps its data, read from the environment once.

`OWED_DATA_DIR` (default `./.owed`) holds the embedded SQLite database, uploaded files and
the generated secret key. `DATABASE_URL` selects another database (`postgres://...`); the
data folder is then needed only for the secret key (unless `OWED_SECRET_KEY` is set) and
uploaded files.

A data folder that cannot be created or written raises `ConfigError`, whose message the
command line prints as it prints any other error.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from owed.errors import OwedError


class ConfigError(OwedError):
    """The environment names something owed cannot use; the message says what and why."""


def data_dir() -> Path:
    return Path(os.environ.get("OWED_DATA_DIR", ".owed")).expanduser().resolve()


def ensure_data_dir() -> Path:
    """The data folder, created if need be; `ConfigError` when it cannot be."""
    path = data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ConfigError(
            f"the data folder {path} (OWED_DATA_DIR) is a file, not a folder"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"cannot create the data folder {path} (OWED_DATA_DIR): {exc.strerror or exc}"
        ) from None
    return path


def _write_key(path: Path, hint: str) -> None:
    """A new key at `path`, unless another process made one first. Written whole in a file
    of its own, then linked at `path` (which fails if it exists): a process starting at the
    same moment never reads a key half written."""
    try:
        fd, draft = tempfile.mkstemp(prefix=".secret_key-", dir=path.parent)  # owner only
    except OSError as exc:
        raise ConfigError(
            f"cannot write the secret key to {path}: {exc.strerror or exc}; {hint}"
        ) from None
    try:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(50))
        os.link(draft, path)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ConfigError(
            f"cannot write the secret key to {path}: {exc.strerror or exc}; {hint}"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(draft)


def sqlite_path() -> Path:
    return data_dir() / "owed.sqlite3"


def secret_key() -> str:
    """`OWED_SECRET_KEY`, or a key generated once and kept in the data folder."""
    if key := os.environ.get("OWED_SECRET_KEY"):
        return key
    path = ensure_data_dir() / "secret_key"
    hint = "make the data folder writable, or set OWED_SECRET_KEY"
    if not path.exists():
        _write_key(path, hint)
    try:
        key = path.read_text().strip()
    except OSError as exc:
        raise ConfigError(
            f"cannot read the secret key in {path}: {exc.strerror or exc}; "
            "make it readable, or set OWED_SECRET_KEY"
        ) from None
    if not key:
        raise ConfigError(f"the secret key file {path} is empty; delete it to make a new one")
    return key
