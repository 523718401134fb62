"""PDF documents from the Typst templates in `owed/documents/typst/`.

A template never sees Python objects or pasted text: the data goes in as one JSON string
through Typst's `sys.inputs`, and the template shows each value as text, so nothing a
user typed can become markup. Dates and amounts arrive formatted (owed.core.localize);
a `Decimal`, `date` or other non-JSON value is refused rather than printed raw.

Fonts come only from the three Noto font packages owed depends on (Latin and
Vietnamese, Arabic script for Persian, Thai); system fonts are ignored, so a document
comes out the same, byte for byte, on every machine.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final

import fontpkg
import typst

from owed.core.localize import check_language, direction
from owed.errors import OwedError

TEMPLATES: Final = Path(__file__).resolve().parent / "typst"

# The families every template may use, each from its own font package.
FONT_FAMILIES: Final = ("Noto Sans", "Noto Sans Arabic", "Noto Sans Thai")

# Documents carry no creation time of their own: the same data gives the same bytes.
_EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)


class DocumentError(OwedError):
    """A document that cannot be made from the data given."""


def safe_name(text: str, fallback: str = "file") -> str:
    """`text` (an invoice number, a client id, a subject) as a file name: separators and
    other odd characters become -; `fallback` when nothing is left."""
    return re.sub(r"[^\w.-]+", "-", text).strip(".-") or fallback


@cache
def font_paths() -> tuple[str, ...]:
    """The folders of the font files of `FONT_FAMILIES`, as their packages install them."""
    folders: list[str] = []
    for name in FONT_FAMILIES:
        try:
            family = fontpkg.family(name)
        except fontpkg.FontpkgError as exc:
            raise DocumentError(f"the font {name!r} is not installed: {exc}") from None
        for file in family.files:
            folder = str(Path(file.path).parent)
            if folder not in folders:
                folders.append(folder)
    return tuple(folders)


@cache
def _fonts() -> typst.Fonts:
    # Reading the fonts costs more than a page: read them once per process.
    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=list(font_paths())
    )


def template_path(template_name: str) -> Path:
    """The template file called `template_name` (``invoice`` or ``invoice.typ``)."""
    name = template_name.removesuffix(".typ")
    path = TEMPLATES / f"{name}.typ"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or not path.is_file():
        known = ", ".join(sorted(p.stem for p in TEMPLATES.glob("*.typ") if p.stem != "base"))
        raise DocumentError(f"no document template {template_name!r}; there are: {known}")
    return path


def render_pdf(template_name: str, data: dict[str, Any]) -> bytes:
    """The PDF of template `template_name` filled with `data`.

    `data` holds only JSON values (str, int, bool, None, lists and dicts), every date and
    amount already written as text, and ``language`` (en, vi, fa or th); ``direction``
    (ltr or rtl) is added from the language.
    """
    path = template_path(template_name)
    if not isinstance(data, dict):
        raise TypeError(f"document data must be a dict, not {type(data).__name__}")
    language = check_language(str(data.get("language", "")))
    payload = {**data, "language": language, "direction": direction(language)}
    try:
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"document data must hold only JSON values: {exc}") from None
    try:
        pdf = typst.compile(
            str(path),
            root=str(TEMPLATES),
            font_paths=_fonts(),
            ignore_system_fonts=True,
            format="pdf",
            sys_inputs={"data": text},
            timestamp=_EPOCH,
        )
    except typst.TypstError as exc:
        raise DocumentError(f"the {path.stem} template failed: {exc.message}") from None
    assert isinstance(pdf, bytes)
    return pdf
