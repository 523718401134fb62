"""Reading and writing tables as CSV (UTF-8, with or without BOM) or XLSX.

A table read here is a header and rows of text cells, each row with the line number a
user sees in a spreadsheet (the header is line 1). XLSX dates and numbers are turned into
the same text a CSV would hold (ISO dates, plain decimals), so one validator serves both.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from owed.core.money import excerpt
from owed.errors import OwedError

# A text cell that a spreadsheet would run as a formula starts with one of these. A CSV
# export puts a `'` before such a cell (as spreadsheets themselves do to mark text), and
# reading takes one `'` off again when one of these follows it, so a round trip is exact.
FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

# The longest cell read (the csv module's own default limit); Excel holds at most 32,767.
MAX_CELL = 131_072
_CSV_LIMIT = threading.Lock()

_SEPARATORS = {",": "a comma", ";": "a semicolon", "\t": "a tab"}


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: dict[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[Row]
    # Problems in the rows' shape found while reading, as (line, column, reason): a row
    # with more cells than the header, a value under an untitled column, a cell too long.
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def _normalize_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def unguard(text: str) -> str:
    """`text` without the `'` a CSV export puts before a cell that looks like a formula."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def guard(text: str) -> str:
    """`text` with a `'` before it when a spreadsheet would run it as a formula.

    Plain numbers (`-5`, `12.50`) are left as they are: a spreadsheet reads them as numbers.
    """
    if text and text[0] in FORMULA_START and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def read_table(path: Path) -> Table:
    """Read a CSV or XLSX file by its extension; `OwedError` when it cannot be read.

    Whole-file errors read `line N, column -: reason`, like the import's row problems.
    """
    if path.is_dir():
        raise OwedError(f"line 1, column -: {path} is a folder, not a file")
    if not path.exists():
        raise OwedError(f"line 1, column -: file not found: {path}")
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".xlsm", ".csv", ".txt", ""}:
        raise OwedError(f"line 1, column -: cannot read {path.name}: use a .csv or .xlsx file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OwedError(f"line 1, column -: cannot read {path}: {exc.strerror or exc}") from None
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path.name, data)
    if data.startswith(b"PK\x03\x04"):
        raise OwedError(
            f"line 1, column -: {path.name} is an Excel workbook, not CSV text; "
            f"rename it to {path.stem}.xlsx and import again"
        )
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OwedError(
            f"line {line}, column -: the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save it as 'CSV UTF-8' and import again"
        ) from None
    if "\x00" in text:  # UTF-16 without a byte-order mark decodes as UTF-8 full of NULs
        line = text[: text.index("\x00")].count("\n") + 1
        raise OwedError(
            f"line {line}, column -: the file is not UTF-8 text (it holds NUL characters, "
            "as UTF-16 does); save it as 'CSV UTF-8' and import again"
        )
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # The csv module refuses a cell over its field limit without saying which column it
    # is in. No cell can be longer than the file, so read with that as the limit and
    # check each cell's length here, where its column is known. The limit is global to
    # the module: set it back afterwards, one reader at a time.
    with _CSV_LIMIT:
        previous = csv.field_size_limit(max(len(text) + 1, csv.field_size_limit()))
        try:
            records = list(reader)
        except csv.Error as exc:
            raise OwedError(f"line {reader.line_num}, column -: {exc}") from None
        finally:
            csv.field_size_limit(previous)
    if not records:
        raise OwedError("line 1, column -: the file is empty")
    header = [_normalize_header(cell) for cell in records[0]]
    rows: list[Row] = []
    problems: list[tuple[int, str, str]] = []
    separator = _SEPARATORS.get(delimiter, repr(delimiter))
    inside = "an amount or text" if delimiter == "," else "a text"
    # csv.reader does not say on which physical line a record starts when a quoted cell
    # spans lines, so count records: a spreadsheet shows one record per row.
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        texts = [unguard(cell.strip()) for cell in record]
        used = max(i for i, t in enumerate(texts) if t) + 1
        if used > len(header):
            problems.append(
                (
                    index,
                    "-",
                    f"the row has {used} cells but the header has {len(header)} "
                    f"({separator} inside {inside} needs quotes)",
                )
            )
        _check_cells(index, header, texts, lambda i: f"cell {i + 1}", problems)
        rows.append(Row(index, _cells(header, texts)))
    return Table(header, rows, problems)


def _delimiter(text: str) -> str:
    """The separator: as `csv.Sniffer` finds it, else the one the header line uses most.

    The sniffer gives up when rows disagree (one row with a stray separator is enough),
    and that row is better reported than the whole file read with the wrong separator.
    """
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        first = text.split("\n", 1)[0]
        counts = {sep: first.count(sep) for sep in _SEPARATORS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def _cells(header: list[str], texts: list[str]) -> dict[str, str]:
    return {name: (texts[i] if i < len(texts) else "") for i, name in enumerate(header)}


def _check_cells(
    line: int,
    header: list[str],
    texts: list[str],
    label,
    problems: list[tuple[int, str, str]],
) -> None:
    """Note a value under a column the header does not name, and a cell too long."""
    for i, text in enumerate(texts):
        if not text:
            continue
        name = header[i] if i < len(header) else ""
        if not name and i < len(header):
            problems.append(
                (line, "-", f"{label(i)} holds {excerpt(text)!r} but the header gives it no name")
            )
        if len(text) > MAX_CELL:
            problems.append(
                (line, name or "-", f"the cell holds {len(text)} characters; at most {MAX_CELL}")
            )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Excel keeps 15 significant digits and shows no more: a cell computed as
        # 1234.5600000000002 shows, and means, 1234.56. The text is written out in full
        # (1e+16 as 10000000000000000), as a CSV would hold it.
        return format(Decimal(format(value, ".15g")).normalize(), "f")
    return unguard(str(value).strip())


def _not_a_workbook(name: str, data: bytes) -> OwedError:
    """Why `data` is not an .xlsx workbook, saying what it is when that is clear."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return OwedError(
            f"line 1, column -: {name} is an Excel 97-2003 workbook (.xls); "
            "save it as .xlsx or as CSV UTF-8 and import again"
        )
    try:
        text = data[:4096].decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    first = text.splitlines()[0] if text.strip() else ""
    if first and "\x00" not in text and any(sep in first for sep in _SEPARATORS):
        return OwedError(
            f"line 1, column -: {name} holds CSV text, not an Excel workbook; "
            f"rename it to {Path(name).stem}.csv and import again"
        )
    return OwedError(
        f"line 1, column -: {name} is not an Excel workbook; "
        "save it as .xlsx or as CSV UTF-8 and import again"
    )


def _read_xlsx(name: str, data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if not data.startswith(b"PK"):
        raise _not_a_workbook(name, data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # InvalidFileException, zipfile.BadZipFile, KeyError and friends
        raise OwedError(
            f"line 1, column -: cannot read {name} as an Excel workbook: {exc}"
        ) from None
    line = 0  # the last line read, to say where a damaged sheet stops being readable
    try:
        if not workbook.worksheets:
            raise OwedError("line 1, column -: the workbook has no sheet")
        sheet = workbook.worksheets[0]
        # Read-only sheets trust the size the file declares and silently drop every row
        # and column beyond it; some programs declare it wrong (or as A1), so read it all.
        sheet.reset_dimensions()
        rows_iter = sheet.iter_rows(values_only=True)
        first = next(rows_iter, None)
        if first is None:
            raise OwedError("line 1, column -: the sheet is empty")
        line = 1
        header = [_normalize_header(cell) for cell in first]
        rows: list[Row] = []
        problems: list[tuple[int, str, str]] = []
        for line, values in enumerate(rows_iter, start=2):
            texts = [_cell_text(v) for v in values]
            if not any(texts):
                continue
            for i, text in enumerate(texts[len(header) :], start=len(header)):
                if text:
                    problems.append(
                        (
                            line,
                            "-",
                            f"column {get_column_letter(i + 1)} holds {excerpt(text)!r} "
                            "but the header gives it no name",
                        )
                    )
                    break
            _check_cells(
                line, header, texts, lambda i: f"column {get_column_letter(i + 1)}", problems
            )
            rows.append(Row(line, _cells(header, texts)))
        return Table(header, rows, problems)
    except OwedError:
        raise
    except Exception as exc:  # a damaged sheet: broken XML, a bad shared string, ...
        # The parser's own message places the fault in the XML, not in the sheet: leave it.
        raise OwedError(
            f"line {line + 1}, column -: {name} is damaged from this row on and cannot be "
            f"read ({type(exc).__name__}); open it in Excel, save it again and import again"
        ) from None
    finally:
        workbook.close()


def write_table(header: list[str], rows: list[list[str]], fmt: str) -> bytes:
    """A table as CSV (UTF-8 with BOM, so spreadsheets open it right) or XLSX bytes.

    A CSV cell that a spreadsheet would run as a formula (`=...`, `+...`, `-...`, `@...`,
    or starting with a tab or carriage return) gets a `'` in front; `read_table` takes it
    off again. Plain numbers are written as they are.
    """
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([guard(str(value)) for value in row] for row in rows)
        return buffer.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        import xlsxwriter
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # xlsxwriter writes rows as it goes (about four times faster than openpyxl here).
        # Every cell is written as text: "=..." stays text rather than becoming a formula a
        # spreadsheet would run, and amounts keep their exact digits. Control characters
        # cannot be stored in a workbook at all.
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        for r, values in enumerate([header, *rows]):
            for c, value in enumerate(values):
                sheet.write_string(r, c, ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        workbook.close()
        return buffer.getvalue()
    raise OwedError(f"unknown format {fmt!r} (use csv or xlsx)")
