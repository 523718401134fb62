"""Reading and writing tables as CSV (UTF-8, with or without BOM) or XLSX.

A table read here is a header and rows of text cells, each row with the line number a
user sees in a spreadsheet (the header is line 1). XLSX dates and numbers are turned into
the same text a CSV would hold (ISO dates, plain decimals), so one validator serves both.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from owed.errors import OwedError


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: dict[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[Row]


def _normalize_header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_")


def read_table(path: Path) -> Table:
    """Read a CSV or XLSX file by its extension; `OwedError` when it cannot be read."""
    if not path.exists():
        raise OwedError(f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    if suffix in {".csv", ".txt", ""}:
        return _read_csv(path.read_bytes())
    raise OwedError(f"cannot read {path.name}: use a .csv or .xlsx file")


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
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise OwedError(f"line {reader.line_num}, column -: {exc}") from None
    if not records:
        raise OwedError("line 1, column -: the file is empty")
    header = [_normalize_header(cell) for cell in records[0]]
    rows: list[Row] = []
    # csv.reader does not say on which physical line a record starts when a quoted cell
    # spans lines, so count records: a spreadsheet shows one record per row.
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)
        }
        rows.append(Row(index, cells))
    return Table(header, rows)


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
    return str(value).strip()


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise OwedError(f"cannot read {path.name} as an Excel workbook: {exc}") from None
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise OwedError(f"cannot read {path.name} as an Excel workbook: {exc}") from None
    try:
        sheet = workbook.worksheets[0]
        # Read-only sheets trust the size the file declares and silently drop every row
        # and column beyond it; some programs declare it wrong (or as A1), so read it all.
        sheet.reset_dimensions()
        rows_iter = sheet.iter_rows(values_only=True)
        first = next(rows_iter, None)
        if first is None:
            raise OwedError("line 1, column -: the sheet is empty")
        header = [_normalize_header(cell) for cell in first]
        rows: list[Row] = []
        for index, values in enumerate(rows_iter, start=2):
            texts = [_cell_text(v) for v in values]
            if not any(texts):
                continue
            cells = {name: (texts[i] if i < len(texts) else "") for i, name in enumerate(header)}
            rows.append(Row(index, cells))
        return Table(header, rows)
    finally:
        workbook.close()


def write_table(header: list[str], rows: list[list[str]], fmt: str) -> bytes:
    """A table as CSV (UTF-8 with BOM, so spreadsheets open it right) or XLSX bytes."""
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
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
