"""``parknet evaluate``: rank zones under an evaluation scheme (考评方案), or two schemes side by side with
each zone's rank change and its reason."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from parknet.commands.common import emit_json, engine, fail, out
from parknet.errors import InvalidArgument, ParkNetError


def evaluate(
        year: Annotated[int, typer.Option("--year", help="年份 / year")],
        scheme: Annotated[str | None, typer.Option("--scheme", help="baseline | reformed | 方案 JSON 文件 / a scheme file")] = None,
        compare: Annotated[tuple[str, str] | None, typer.Option("--compare", help="两个方案对比 / two schemes, e.g. "
                                                                              "--compare baseline reformed")] = None,
        level: Annotated[str, typer.Option(help="园区级别 / zone level (national | provincial | all)")] = "national",
        province: Annotated[str | None, typer.Option(help="省份代码或名称 / only one province")] = None,
        top: Annotated[int, typer.Option(help="显示前 N 名 / rows shown (the JSON has all)")] = 30,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False) -> None:
    """园区考评排名 / rank zones under a scheme; --compare shows the rank changes between two schemes."""
    from parknet.services.evaluation import run, run_compare
    from parknet.services.zones import resolve_province

    if (scheme is None) == (compare is None):
        fail(InvalidArgument("--scheme", "give either --scheme NAME or --compare FIRST SECOND"))
    eng = engine()
    try:
        code = resolve_province(eng, province) if province else None
        lvl = None if level == "all" else level
        if compare is not None:
            result = run_compare(eng, compare[0], compare[1], year, level=lvl, province=code)
        else:
            evaluation, basis = run(eng, scheme, year, level=lvl, province=code)
            result = {**evaluation.to_json(), "basis": basis}
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(result)
        return
    if compare is not None:
        _print_changes(result, top)
    else:
        _print_ranking(result, top)


def _basis_note(basis: dict[str, Any]) -> None:
    for year, info in sorted(basis.get("ledger", {}).items()):
        state = f"结账 version {info['version']}" if info.get("closed") else "未结账，预览 / not closed, preview"
        out.print(f"归属统计来源 / attributed figures {year}: {state}")
    if basis.get("excluded"):
        out.print(f"未参评 {len(basis['excluded'])} 个园区 / zones left out: "
                  + "; ".join(f"{e['zone_id']} ({e['reason']})" for e in basis["excluded"][:5])
                  + (" …" if len(basis["excluded"]) > 5 else ""))


def _print_ranking(result: dict[str, Any], top: int) -> None:
    ranking = result["ranking"]
    dims = list(ranking[0]["dimensions"]) if ranking else []
    table = Table(title=f"{result['year']} 考评排名 / ranking — {result['scheme']} ({len(ranking)} zones)")
    for column in ("名次 rank", "园区 zone", "得分 score", *dims):
        table.add_column(column, justify="right")
    for r in ranking[:top]:
        table.add_row(str(r["rank"]), r["zone_id"], f"{r['score']:.2f}", *(f"{r['dimensions'][d]:.1f}" for d in dims))
    out.print(table)
    for w in result.get("warnings", [])[:5]:
        out.print(f"注 / note: {w['zone_id']} {w['indicator']}: {w['message']}")
    _basis_note(result["basis"])


def _print_changes(result: dict[str, Any], top: int) -> None:
    first, second = result["schemes"]
    table = Table(title=f"{result['year']} 排名变化 / rank changes: {first} → {second}")
    for column in ("园区 zone", f"{first} 名次", f"{second} 名次", "变化 change", f"{first} 得分", f"{second} 得分",
                   "原因 reason"):
        table.add_column(column, justify="right")
    for r in result["changes"][:top]:
        change = r["rank_change"]
        table.add_row(r["zone_id"], str(r["rank_a"]), str(r["rank_b"]), f"{'+' if change > 0 else ''}{change}",
                      f"{r['score_a']:.2f}", f"{r['score_b']:.2f}", r["reason"] or "")
    out.print(table)
    _basis_note(result["basis"])
