"""The words of every collection step: the default texts shipped with owed, an
organization's own versions, their placeholders, and filling them in.

Each text is a file under ``owed/documents/wording/<language>/``: ``<key>.txt`` holds the
message (a ``Subject:`` line, a blank line, then the body) and, for a step that sends a
letter, ``<key>.letter.txt`` holds the letter's body. ``parts.txt`` holds the small
phrases the values are written with ("12 days", "e-mail", "Yours sincerely,"), one
``name = text`` a line. A `StepTemplate` of the organization replaces the default.

Placeholders are ``{name}`` with a name of `PLACEHOLDERS`; ``{{`` and ``}}`` write a brace.
When a line holds a placeholder with no value in a message (no interest could be
computed, no fee, no portal yet), the whole line is left out, so a text reads well with
or without it: put each such sentence on its own line.

Pure functions over strings: no database here, except `wording_for`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from owed.core.localize import LANGUAGES, check_language

WORDING: Final = Path(__file__).resolve().parent / "wording"

PLACEHOLDERS: Final[dict[str, str]] = {
    "client_name": "the client's name",
    "contact_name": "the name of the person written to (else the client's name)",
    "account_number": "the client's id in your books",
    "organization_name": "your organization's name",
    "signature": "your organization's name, e-mail and phone, one a line",
    "invoice_list": "the invoices, one a line: number, due date, days overdue, balance",
    "invoice_numbers": "the invoice numbers, separated by commas",
    "invoices": "the word for invoice, in the singular or plural, with the numbers",
    "total_balance": "what is still owed on those invoices",
    "oldest_due_date": "the due date of the oldest invoice",
    "days_overdue": "how long the oldest invoice is overdue, e.g. 12 days",
    "today": "the date of the message",
    "interest": "the interest the law allows, to today (formal steps)",
    "compensation": "the fixed compensation for recovery costs (formal steps)",
    "fees": "the contract's late-payment fees (formal steps)",
    "penalty": "the contract's penalty (formal steps)",
    "total_claimed": "balance, interest, compensation, fees and penalty together",
    "legal_basis": "the law the interest rests on",
    "earlier_contacts": "the dates of the earlier reminders, letters and calls",
    "deadline": "the final date for payment",
    "payment_instructions": "how to pay: the account and the reference",
    "portal_link": "the link to the client's own page",
    "contract": "the contract's id and title",
    "instalment_number": "the number of the instalment (payment plans)",
    "instalment_amount": "the amount of the instalment",
    "instalment_due_date": "the due date of the instalment",
    "promise_date": "the date the client promised to pay by",
}

LADDER_KEYS: Final = (
    "pre_due_reminder",
    "reminder",
    "invoice_copy",
    "call",
    "payer_contact",
    "formal_notice",
    "credit_hold",
    "work_stop",
    "demand_letter",
    "agency_handoff",
    "legal",
)
"""The steps of the standard policy, in ladder order."""

OTHER_KEYS: Final = (
    "instalment_pre_due_reminder",
    "instalment_reminder",
    "broken_promise",
    "callback",
    "plan_broken",
    "hold_lifted",
    "work_resumed",
)
"""The other action kinds that reach a client: instalment reminders, the call scripts of
a broken promise and a call-back, and the notices of a broken plan and a lifted hold or
work stop."""

KEYS: Final = LADDER_KEYS + OTHER_KEYS

LETTER_KEYS: Final = frozenset({"formal_notice", "credit_hold", "work_stop", "demand_letter"})
"""The steps whose default sends a letter; their texts have a letter body."""

SCRIPT_KEYS: Final = frozenset({"call", "broken_promise", "callback"})
"""Call tasks: their body is a script for the caller, one point a paragraph."""

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class TextError(ValueError):
    """A text that cannot be used; `problems` says each thing wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Wording:
    """The texts of one step in one language."""

    subject: str
    body: str
    letter_body: str = ""
    source: str = "default"
    """``default`` (shipped with owed) or ``organization`` (a StepTemplate)."""


# --- placeholders ----------------------------------------------------------------------------


def placeholders_in(text: str) -> list[str]:
    """The placeholder names `text` uses, in order of first use."""
    found: list[str] = []
    for match in _TOKEN.finditer(text or ""):
        name = match.group(1)
        if name is not None and name not in found:
            found.append(name)
    return found


def unknown_placeholders(text: str) -> list[str]:
    """The names in `text` that are not placeholders (``{ name }`` included, as written)."""
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def stray_braces(text: str) -> int:
    """How many ``{`` or ``}`` in `text` neither open a placeholder nor are doubled."""
    return sum(
        1 for m in _TOKEN.finditer(text or "") if m.group(0) in ("{", "}") and m.group(1) is None
    )


# --- reading the defaults --------------------------------------------------------------------


def _parse(text: str, *, where: str) -> tuple[str, str]:
    """(subject, body) of a message file: ``Subject: ...``, a blank line, the body."""
    head, _, body = text.partition("\n")
    if not head.startswith("Subject:"):
        raise TextError([f"{where}: the first line must be 'Subject: ...'"])
    if body and not body.startswith("\n"):
        raise TextError([f"{where}: a blank line must follow the subject"])
    return head.removeprefix("Subject:").strip(), body.strip("\n") + "\n"


@cache
def default_wording(key: str, language: str) -> Wording:
    """The text owed ships for `key` in `language`; `KeyError` when there is none."""
    code = check_language(language)
    folder = WORDING / code
    path = folder / f"{key}.txt"
    if key not in KEYS or not path.is_file():
        raise KeyError(key)
    subject, body = _parse(path.read_text(encoding="utf-8"), where=str(path))
    letter = folder / f"{key}.letter.txt"
    letter_body = letter.read_text(encoding="utf-8").strip("\n") + "\n" if letter.is_file() else ""
    return Wording(subject, body, letter_body)


@cache
def parts(language: str) -> Mapping[str, str]:
    """The phrases values are written with in `language` (``parts.txt``)."""
    code = check_language(language)
    found: dict[str, str] = {}
    for line in (WORDING / code / "parts.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, value = line.partition(" = ")
        if not sep:
            raise TextError([f"{code}/parts.txt: {line!r} is not 'name = text'"])
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]  # quoted to keep its spaces: list_separator = ", "
        found[name.strip()] = value
    return found


def wording_for(*, organization, key: str, language: str) -> Wording:
    """The organization's own text for `key` in `language`, else the default one.

    An organization's text without a letter body takes the default letter body.
    `KeyError` when neither exists (a step of the organization's own with no text yet).
    """
    from owed.documents.models import StepTemplate

    code = check_language(language)
    own = StepTemplate.objects.filter(organization=organization, step=key, language=code).first()
    try:
        default = default_wording(key, code)
    except KeyError:
        default = None
    if own is not None:
        letter = own.letter_body or (default.letter_body if default else "")
        return Wording(own.subject, own.body, letter, source="organization")
    if default is None:
        raise KeyError(key)
    return default


def missing_defaults() -> list[str]:
    """``language/key`` of every default text that is missing (should be none)."""
    return [
        f"{language}/{key}"
        for language in LANGUAGES
        for key in KEYS
        if not (WORDING / language / f"{key}.txt").is_file()
    ]


# --- filling in ------------------------------------------------------------------------------


def render(
    text: str,
    values: Mapping[str, str],
    *,
    escape: Callable[[str], str] = lambda s: s,
) -> str:
    """`text` with its placeholders filled in from `values`.

    A line with a placeholder whose value is empty or missing is left out, and the blank
    lines this leaves doubled are closed up. `escape` is applied to the literal text (not
    to the values: escape those before), e.g. ``html.escape`` for an HTML part.
    Unknown placeholders and stray braces raise `TextError`; check texts before saving.
    """
    problems = [f"unknown placeholder {{{name}}}" for name in unknown_placeholders(text)]
    if stray_braces(text):
        problems.append("a brace that opens or closes nothing (write {{ or }} for one)")
    if problems:
        raise TextError(problems)
    out: list[str] = []
    for line in text.splitlines():
        filled = _fill(line, values, escape)
        if filled is None:
            continue
        if not filled.strip() and (not out or not out[-1].strip()):
            continue  # no blank line at the start, none doubled
        out.append(filled)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


def _fill(line: str, values: Mapping[str, str], escape: Callable[[str], str]) -> str | None:
    pieces: list[str] = []
    at = 0
    for match in _TOKEN.finditer(line):
        pieces.append(escape(line[at : match.start()]))
        token, name = match.group(0), match.group(1)
        if name is None:
            pieces.append(escape(token[0]))  # "{{" -> "{", "}}" -> "}"
        else:
            value = values.get(name) or ""
            if not value.strip():
                return None
            pieces.append(value)
        at = match.end()
    pieces.append(escape(line[at:]))
    return "".join(pieces)


def paragraphs(text: str) -> list[str]:
    """`text` split at blank lines, each paragraph's lines kept."""
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]
