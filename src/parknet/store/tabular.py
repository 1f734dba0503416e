"""Reading tabular files (CSV in UTF-8 / UTF-8 with BOM / GBK / GB18030, and XLSX) into header + rows.

Everything is read as text cells; typing and validation belong to :mod:`parknet.store.kinds`. Problems
that make a file unreadable are reported as :class:`~parknet.errors.Problem` with the spreadsheet row
(header = 1) — never as a traceback.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from xml.etree import ElementTree

from parknet.errors import ImportRejected, Problem

__all__ = ["Table", "read_table", "FORMULA_PREFIXES"]

#: Leading characters that make spreadsheet programs evaluate a cell (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_UTF8_BOM = b"\xef\xbb\xbf"
_XLSX_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass
class Table:
    """A file's header and rows of text cells. ``rows`` holds (spreadsheet row number, cells)."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = "utf-8"
    problems: list[Problem] = field(default_factory=list)


def read_table(path: Path, *, max_bytes: int) -> Table:
    """Read ``path`` (.csv or .xlsx) into a :class:`Table`.

    Raises
    ------
    ImportRejected
        When the file cannot be read as a table at all: missing, too large, empty, binary, of an unknown
        encoding or of mixed encodings, badly quoted, or an xlsx containing formulas.
    """
    name = str(path)
    if not path.is_file():
        raise ImportRejected([Problem(name, 0, "-", "file not found")])
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportRejected([Problem(
            name, 0, "-",
            f"file is {size / 2**20:.1f} MiB, more than the limit of {max_bytes / 2**20:.0f} MiB "
            "(PARKNET_IMPORT_MAX_BYTES); split it into smaller files")])
    if size == 0:
        raise ImportRejected([Problem(name, 0, "-", "file is empty: expected a header row and data rows")])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        table = _read_csv(path)
    else:
        raise ImportRejected([Problem(name, 0, "-", f"unsupported file type {suffix or '(none)'}: use .csv or .xlsx")])
    if not any(h.strip() for h in table.header):
        raise ImportRejected([Problem(name, 1, "-", "the header row is empty")])
    return table


# --- CSV ---------------------------------------------------------------------------------------------

def _decode(name: str, raw: bytes) -> tuple[str, str]:
    """Decode ``raw`` as UTF-8 (with or without BOM) or GB18030 (a superset of GBK); refuse a mixture."""
    if b"\x00" in raw[:65536] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected([Problem(name, 0, "-", "not a text file (binary data): expected CSV text or .xlsx")])
    if raw.startswith(_UTF8_BOM):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ImportRejected([Problem(name, _line_of(raw, exc.start), "-",
                                          "file starts with a UTF-8 BOM but this row is not UTF-8 "
                                          "(mixed encodings?): save the whole file as UTF-8")]) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ImportRejected([Problem(name, 0, "-", "invalid UTF-16 text")]) from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = _line_of(raw, exc.start)
    utf8_rows = [i + 1 for i, line in enumerate(raw.split(b"\n"))
                 if not line.isascii() and _is_utf8(line)]
    if utf8_rows:
        raise ImportRejected([Problem(
            name, first_bad, "-",
            f"mixed encodings: row {utf8_rows[0]} is UTF-8 but this row is not (GBK?); "
            "save the whole file in one encoding, preferably UTF-8")])
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ImportRejected([Problem(name, _line_of(raw, exc.start), "-",
                                      "text is neither UTF-8 nor GBK/GB18030: save the file as UTF-8")]) from None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _read_csv(path: Path) -> Table:
    name = str(path)
    text, encoding = _decode(name, path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if ("\t" in first_line and "," not in first_line) or path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected([Problem(name, 0, "-", "file is empty: expected a header row")]) from None
    except csv.Error as exc:
        raise ImportRejected([Problem(name, 1, "-", f"header row is not valid CSV: {exc}")]) from None
    table = Table(name, [h.strip() for h in header], encoding=encoding)
    row_no = 1
    try:
        for row_no, cells in enumerate(reader, start=2):
            stripped = [c.strip() for c in cells]
            if any(stripped):
                table.rows.append((row_no, stripped))
    except csv.Error as exc:
        reason = ("the file ends inside a quoted cell — was it cut off?" if "unexpected end" in str(exc)
                  else f"not valid CSV: {exc}")
        raise ImportRejected([Problem(name, row_no + 1, "-", reason)]) from None
    if table.rows and not text.endswith(("\n", "\r")):
        last_no, last = table.rows[-1]
        if len(last) < len(table.header):
            table.problems.append(Problem(
                name, last_no, "-",
                f"the file ends in the middle of this row ({len(last)} of {len(table.header)} columns) "
                "— was it cut off?"))
    return table


# --- XLSX --------------------------------------------------------------------------------------------

def _read_xlsx(path: Path) -> Table:
    name = str(path)
    if not zipfile.is_zipfile(path):
        raise ImportRejected([Problem(name, 0, "-", "not a valid .xlsx file (not a zip archive): was it cut off?")])
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        start_row = sheet.start[0] if sheet.start else 0
        values = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several error types for damaged files
        raise ImportRejected([Problem(name, 0, "-", f"cannot read the workbook: {exc}")]) from None
    if not values:
        raise ImportRejected([Problem(name, 0, "-", "the first sheet is empty: expected a header row")])
    del start_row  # skip_empty_area=False keeps row 1 at index 0
    header = [_cell_text(v).strip() for v in values[0]]
    formulas = _xlsx_formulas(path)
    if formulas:
        raise ImportRejected([
            Problem(name, row, _column_name(header, col), f"cell contains a formula ({formula[:60]}): paste values only")
            for row, col, formula in formulas[:50]
        ])
    table = Table(name, header, encoding="xlsx")
    for i, row in enumerate(values[1:], start=2):
        cells = [_cell_text(v).strip() for v in row]
        if any(cells):
            table.rows.append((i, cells))
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _column_name(header: list[str], letters: str) -> str:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - ord("A") + 1
    return header[index - 1] if 0 < index <= len(header) and header[index - 1] else letters


def _xlsx_formulas(path: Path) -> list[tuple[int, str, str]]:
    """(row, column letters, formula) of every formula cell in the first worksheet."""
    with zipfile.ZipFile(path) as zf:
        sheets = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        if not sheets:
            return []
        found: list[tuple[int, str, str]] = []
        with zf.open(sheets[0]) as fh:
            for _event, elem in ElementTree.iterparse(fh):
                if elem.tag == f"{_XLSX_NS}c":
                    f = elem.find(f"{_XLSX_NS}f")
                    if f is not None:
                        ref = elem.get("r", "")
                        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
                        row, col = (int(m.group(2)), m.group(1)) if m else (0, ref)
                        found.append((row, col, "=" + (f.text or "")))
                    elem.clear()
        return found
