"""Address lists as the outbox stores them: "Name <a@b.vn>, c@d.th"."""

from __future__ import annotations

from collections.abc import Iterable
from email.headerregistry import Address
from email.utils import getaddresses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from owed.errors import OwedError


def split_addresses(text: str) -> list[str]:
    """The addresses of a comma-separated list, each as "Name <addr>" or "addr"."""
    if not text or not text.strip():
        return []
    return [_format(name, addr) for name, addr in getaddresses([text]) if addr]


def addr_spec(address: str) -> str:
    """The bare address (a@b.vn) of "Name <a@b.vn>"."""
    pairs = getaddresses([address])
    return pairs[0][1] if pairs else ""


def clean_addresses(value: str | Iterable[str] | None, *, field: str) -> str:
    """A checked, comma-separated list from a string or strings; `OwedError` naming each
    address that is not one."""
    if value is None:
        return ""
    parts = [value] if isinstance(value, str) else list(value)
    if any("\n" in p or "\r" in p for p in parts):
        raise OwedError(f"{field}: an address list is one line")
    pairs: list[tuple[str, str]] = []
    bad: list[str] = []
    for part in parts:
        for chunk in getaddresses([part]) if part and part.strip() else []:
            if chunk == ("", ""):  # a trailing comma
                continue
            if _valid(chunk[1]):
                pairs.append(chunk)
            elif part.strip() not in bad:
                bad.append(part.strip())
    if bad:
        raise OwedError(f"{field}: not an e-mail address: {', '.join(repr(b) for b in bad)}")
    return ", ".join(_format(name, addr) for name, addr in pairs)


def _valid(addr: str) -> bool:
    # A local part must be ASCII: owed's mail goes out without SMTPUTF8.
    if not addr or not addr.rpartition("@")[0].isascii():
        return False
    try:
        validate_email(addr)
    except ValidationError:
        return False
    return True


def _format(name: str, addr: str) -> str:
    if not name:
        return addr
    user, _, domain = addr.rpartition("@")
    return str(Address(display_name=name, username=user, domain=domain))
