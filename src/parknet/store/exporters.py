"""``parknet export KIND FILE`` and ``parknet template KIND FILE``: CSV (UTF-8 with BOM, for Excel) or XLSX.

Exports are canonical — rows sorted by the natural key, numbers in their shortest exact form — so
export → import → export reproduces the same bytes.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from parknet.errors import InvalidArgument
from parknet.store.kinds import MIN_YEAR, Kind, kind_by_name
from parknet.store.tabular import FORMULA_PREFIXES

__all__ = ["export_kind", "write_template", "format_cell", "HEADER_STYLES"]

HEADER_STYLES = ("en", "zh")


def format_cell(value: Any) -> str:
    """Canonical text of a stored value: Decimals without exponent or trailing zeros, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _check_target(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InvalidArgument("FILE", f"file must end in .csv or .xlsx, got {path.name!r}")
    return suffix


def _rows(engine: Engine, kind: Kind) -> list[list[Any]]:
    table = kind.table
    cols = [table.c[c.db_name] for c in kind.columns]
    order = [table.c[kind.column(k).db_name] for k in kind.key]
    with engine.connect() as conn:
        return [list(r) for r in conn.execute(select(*cols).order_by(*order))]


def export_kind(engine: Engine, kind_name: str, path: Path | str, *, headers: str = "en") -> int:
    """Write every row of ``kind_name`` to ``path`` (.csv or .xlsx); return the number of data rows."""
    kind = kind_by_name(kind_name)
    path = Path(path)
    suffix = _check_target(path)
    if headers not in HEADER_STYLES:
        raise InvalidArgument("--headers", f"choose one of {', '.join(HEADER_STYLES)}")
    header = [c.name if headers == "en" else c.zh for c in kind.columns]
    rows = _rows(engine, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        _write_csv(path, header, [[format_cell(v) for v in row] for row in rows])
    else:
        _write_xlsx(path, kind, header, rows)
    return len(rows)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def _xlsx_value(value: Any) -> Any:
    """Numbers stay numbers in Excel when a double holds them exactly (≤ 15 significant digits)."""
    if isinstance(value, Decimal):
        digits = len(value.normalize().as_tuple().digits)
        return float(value) if digits <= 15 else format_cell(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return format_cell(value)


def _workbook(path: Path) -> Any:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                               "strings_to_formulas": False, "strings_to_urls": False})
    # A fixed creation time (the zip entries' own 1980-01-01) keeps exports byte-reproducible.
    workbook.set_properties({"title": "ParkNet", "created": datetime(1980, 1, 1, tzinfo=UTC)})
    return workbook


def _write_xlsx(path: Path, kind: Kind, header: list[str], rows: list[list[Any]]) -> None:
    workbook = _workbook(path)
    sheet = workbook.add_worksheet(kind.name[:31])
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [_xlsx_value(v) for v in row])
    workbook.close()


def write_template(kind_name: str, path: Path | str) -> None:
    """Write an empty import template for ``kind_name``: Chinese headers, plus (xlsx) a 说明 sheet."""
    kind = kind_by_name(kind_name)
    path = Path(path)
    suffix = _check_target(path)
    header = [c.zh for c in kind.columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        _write_csv(path, header, [])
        return
    workbook = _workbook(path)
    sheet = workbook.add_worksheet(kind.name[:31])
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    sheet.set_column(0, len(header) - 1, 18)
    notes = workbook.add_worksheet("说明")
    notes.write_row(0, 0, ["中文列名", "English column", "必填 required", "说明 notes"], bold)
    for i, col in enumerate(kind.columns, start=1):
        notes.write_row(i, 0, [col.zh, col.name, "是" if col.required else "否", col.help_zh])
    row = len(kind.columns) + 2
    notes.write(row, 0, f"第一行为表头（中文或英文列名均可）；每行一条记录；年份 {MIN_YEAR} 年至今；"
                        "金额单位为万元；不要使用公式；文件编码 UTF-8 或 GBK。")
    notes.write(row + 1, 0, f"Kind: {kind.name} ({kind.title_zh}). Natural key: {', '.join(kind.key)} — "
                            "re-importing a row with the same key updates it.")
    notes.set_column(0, 3, 24)
    workbook.close()
