"""Non-ASCII headers (Subject, From, To, Cc, Reply-To) encoded so that they arrive intact.

Python's e-mail package folds long non-ASCII headers wrongly in the versions owed runs
on: a Vietnamese subject can lose the space between two words ("quá hạn" arrives as
"quáhạn"), and a long Thai or Persian display name can be cut inside an encoded word
(CPython gh-144156 and related). Django builds messages with that folding. So, after
Django has built the message, the headers with non-ASCII text are encoded again with the
older `email.header` encoder, which splits text into RFC 2047 encoded words at character
boundaries and keeps every space inside them, in lines of at most 78 characters (so the
policy keeps them as they are).
"""

from __future__ import annotations

from email.header import Header
from email.message import EmailMessage

ADDRESS_HEADERS = ("From", "To", "Cc", "Reply-To")
LINE = 76  # encoded lines stay below the policy's 78, "Name: " included


def encode_headers(message: EmailMessage) -> None:
    """Re-encode the message's non-ASCII Subject and address headers in place."""
    subject = message["Subject"]
    if subject is not None and not str(subject).isascii():
        _replace(message, "Subject", _encode(str(subject), "Subject"))
    for name in ADDRESS_HEADERS:
        header = message[name]
        if header is None or str(header).isascii():
            continue
        parts = [_address(a, name if i == 0 else None) for i, a in enumerate(header.addresses)]
        _replace(message, name, ",\r\n ".join(parts))


def _encode(text: str, name: str | None) -> str:
    return Header(text, "utf-8", maxlinelen=LINE, header_name=name).encode(linesep="\r\n")


def _address(address, name: str | None) -> str:
    if not address.display_name or address.display_name.isascii():
        return str(address)
    encoded = _encode(address.display_name, name)
    spec = f"<{address.addr_spec}>"
    last = encoded.rsplit("\r\n", 1)[-1]
    offset = len(name) + 2 if name and "\r\n" not in encoded else 0
    if offset + len(last) + 1 + len(spec) <= LINE:
        return f"{encoded} {spec}"
    return f"{encoded}\r\n {spec}"


def _replace(message: EmailMessage, name: str, raw: str) -> None:
    del message[name]
    message.set_raw(name, raw)
