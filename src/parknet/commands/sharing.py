"""``parknet sharing …``: a co-built project's settlement explained step by step, and the cross-shareholding
view (look-through shares, control, community of interest)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from parknet.commands.common import AsJson, emit_json, engine, fail, out
from parknet.errors import ParkNetError

app = typer.Typer(help="利益共享 / fair sharing: project settlement, cross-shareholding", no_args_is_help=True)


@app.command("settle")
def settle(project: Annotated[str, typer.Option("--project", help="共建项目编号 / co-built project id")],
           method: Annotated[str | None, typer.Option(help="shapley | nucleolus | proportional (default: the "
                                                           "agreement's revenue-sharing rule)")] = None,
           as_json: AsJson = False) -> None:
    """共建项目利益结算 / settle a co-built project: fair allocation, transfers, provincial support, compensation."""
    from parknet.services.sharing import settle_project

    try:
        result = settle_project(engine(), project, method)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(result)
        return
    _print_settlement(result)


def _print_settlement(r: dict[str, Any]) -> None:
    out.print(f"{r['project_id']} {r['name']}（协议 {r['agreement_id']}）— 方法 / method: {r['method']} "
              f"({r['method_source']}); v(N) = {r['grand_value']} 万元")
    table = Table(title="各方结算 / per partner (万元)")
    for column in ("园区 zone", "投资 investment", "单干 stand-alone", "默认分成 default", "公平分配 allocation",
                   "转移 transfer", "补偿 compensation"):
        table.add_column(column, justify="right")
    for p in r["partners"]:
        table.add_row(p["zone_id"] + (" ⚠" if p["loses_out"] else ""), p["investment"], p["stand_alone"],
                      p["default_share"], p["allocation"], p["transfer"], p["compensation"])
    out.print(table)
    for step in r["steps"]:
        out.print(step)
    for warning in r["warnings"]:
        out.print(f"注意 / warning: {warning}")


@app.command("ownership")
def ownership(zone: Annotated[str | None, typer.Option(help="只看与该园区有关的 / only what concerns this zone")] = None,
              as_json: AsJson = False) -> None:
    """交叉持股穿透 / look-through ownership, control and the community of interest."""
    from parknet.services.sharing import ownership as run

    try:
        result = run(engine(), zone)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(result)
        return
    table = Table(title="穿透持股 / look-through shares of ultimate owners")
    for column in ("最终所有者 owner", "公司 company", "穿透比例 share"):
        table.add_column(column)
    for row in result["look_through"]:
        table.add_row(row["owner"], row["company"], f"{row['share']:.2%}")
    out.print(table)
    table = Table(title="利益共同体 / community of interest: zones' holdings in co-built projects")
    for column in ("园区 zone", "项目 project", "穿透比例 share", "合作方 partners"):
        table.add_column(column)
    for row in result["community"]:
        table.add_row(row["zone_id"], f"{row['project_id']} {row['project'] or ''}", f"{row['share']:.2%}",
                      ", ".join(row["partner_zones"]))
    out.print(table)
