"""``parknet ledger …``: the statistics-attribution ledger (统计归属台账) — year close, a zone's raw vs
attributed figures with every entry explained, the diff between versions, reopening a closed year."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.table import Table

from parknet.commands.common import AsJson, emit_json, engine, fail, operator, out
from parknet.errors import ParkNetError

app = typer.Typer(help="统计归属台账 / statistics-attribution ledger: close, show, diff, reopen", no_args_is_help=True)

Year = Annotated[int, typer.Option("--year", help="年份 / year")]


def _money(value: Decimal) -> str:
    return f"{value:,.4f}"


@app.command("close")
def close(year: Year, as_json: AsJson = False) -> None:
    """年度结账 / close a year: compute the ledger and store it as an immutable new version."""
    from parknet.services.ledger import close_year

    try:
        result = close_year(engine(), year, actor=operator())
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(result.to_dict())
        return
    if result.created:
        out.print(f"{year} 年已结账 / closed: version {result.version}, {result.entries:,} entries"
                  + (f" (previous version {result.previous_version}; see parknet ledger diff --year {year} "
                     f"--from {result.previous_version} --to {result.version})" if result.previous_version else ""))
    else:
        out.print(f"{year} 年已于 version {result.version} 结账，输入未变，未写入 / already closed, inputs unchanged")
    table = Table(title="守恒核对 / conservation (Σ attributed = Σ raw + declared inflation)")
    for column in ("指标 indicator", "原始 raw", "共建项目 project value", "激励放大 inflation", "归属 attributed", "平衡"):
        table.add_column(column, justify="right")
    for r in result.conservation:
        table.add_row(r["indicator"], r["raw"], r.get("project_value", "—"), r["inflation"], r["attributed"],
                      "✓" if r.get("balanced", True) else "✗")
    out.print(table)


@app.command("show")
def show(zone: Annotated[str, typer.Option("--zone", help="园区代码 / zone id")], year: Year,
         indicator: Annotated[str | None, typer.Option("--indicator", help="指标代码 / indicator code")] = None,
         explain: Annotated[bool, typer.Option("--explain", help="列出每条分录及原因 / every entry with its reason")] = False,
         version: Annotated[int | None, typer.Option("--version", help="结账版本 / snapshot version (default latest)")] = None,
         as_json: AsJson = False) -> None:
    """园区原始与归属统计 / a zone's raw vs attributed figures (from the year's close, or a preview)."""
    from parknet.services.ledger import zone_figures

    try:
        result = zone_figures(engine(), zone, year, indicator=indicator, explain=explain, version=version)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(result)
        return
    basis = (f"version {result['version']} ({'locked 已锁定' if result['locked'] else 'reopened 已重开'})"
             if result["closed"] else "预览，未结账 / preview, not closed")
    table = Table(title=f"{zone} {year} 原始与归属统计 / raw vs attributed — {basis}")
    for column in ("指标 indicator", "原始 raw", "归属 attributed", "差额 difference"):
        table.add_column(column, justify="right")
    for r in result["figures"]:
        table.add_row(r["indicator"], _money(r["raw"]), _money(r["attributed"]), _money(r["difference"]))
    out.print(table)
    if explain:
        _print_entries(result["entries"])


def _print_entries(entries: list[dict[str, Any]]) -> None:
    table = Table(title="分录 / entries")
    for column in ("指标", "来源 source", "类型 kind", "金额 amount", "规则 rule", "协议 agreement", "原因 reason"):
        table.add_column(column)
    for e in entries:
        table.add_row(e["indicator"], e["source_id"], e["source_kind"], _money(e["amount"]), e["rule_id"],
                      e["agreement_id"] or "", e["reason"])
    out.print(table)


@app.command("diff")
def diff(year: Year, from_version: Annotated[int, typer.Option("--from", help="旧版本 / from version")],
         to_version: Annotated[int, typer.Option("--to", help="新版本 / to version")], as_json: AsJson = False) -> None:
    """两次结账之间的差异及原因 / what moved between two versions of a year's close, and why."""
    from parknet.services.ledger import diff as run

    try:
        result = run(engine(), year, from_version, to_version)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(result)
        return
    if result["identical"]:
        out.print(f"{year} v{from_version} 与 v{to_version} 完全相同 / identical")
        return
    for change in result["inputs_changed"]:
        out.print(f"输入变化 / input changed: {change['input']} ({change['rows_from']} → {change['rows_to']} rows)")
    for change in result["rules_changed"]:
        out.print(f"规则变化 / rule changed in {change['province']}: {change['from']} → {change['to']}")
    table = Table(title=f"{year} v{from_version} → v{to_version} 统计变化 / totals that moved")
    for column in ("园区 zone", "指标", "原始 raw", "归属 attributed", "变化 change"):
        table.add_column(column, justify="right")
    for r in result["totals"]:
        table.add_row(r["zone_id"], r["indicator"], f"{_money(r['raw_from'])} → {_money(r['raw_to'])}",
                      f"{_money(r['attributed_from'])} → {_money(r['attributed_to'])}", _money(r["change"]))
    out.print(table)
    table = Table(title="原因：变化的分录 / why: entries added, removed or changed")
    for column in ("园区 zone", "指标", "来源 source", "规则 rule", "旧 from", "新 to", "变化"):
        table.add_column(column)
    for e in result["entries"]:
        table.add_row(e["zone_id"], e["indicator"], f"{e['source_kind']} {e['source_id']}", e["rule_id"],
                      _money(e["from"]), _money(e["to"]), e["change"])
    out.print(table)


@app.command("reopen")
def reopen(year: Year, reason: Annotated[str, typer.Option("--reason", help="重开原因 / why")]) -> None:
    """重开已结账年度以更正输入 / reopen a closed year so its inputs can be corrected (audited)."""
    from parknet.services.ledger import reopen_year

    try:
        version = reopen_year(engine(), year, reason=reason, actor=operator())
    except ParkNetError as exc:
        fail(exc)
    out.print(f"{year} 年（version {version}）已重开；更正后再次结账将生成 version {version + 1} / reopened")


@app.command("status")
def status(as_json: AsJson = False) -> None:
    """各年度结账状态 / which years are closed, their latest version and lock."""
    from parknet.services.ledger import status as run

    rows = run(engine())
    if as_json:
        emit_json(rows)
        return
    table = Table(title="结账状态 / ledger status")
    for column in ("年 year", "版本 version", "结账时间 closed at", "结账人 by", "锁定 locked"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["year"]), str(r["version"]), r["closed_at"], r["closed_by"], "是" if r["locked"] else "否")
    out.print(table)
