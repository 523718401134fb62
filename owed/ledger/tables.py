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
        # repr gives the shortest text that reads back as the same float: 1234.5, not
        # 1234.4999999.
        text = repr(value)
        if text.endswith(".0"):
            text = text[:-2]
        return str(Decimal(text)) if "e" in text.lower() else text
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
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise OwedError(f"unknown format {fmt!r} (use csv or xlsx)")
