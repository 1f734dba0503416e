"""``parknet tickets …``: the sci-tech platform's service tickets (服务工单) — 人才对接 talent matching, 项目对接
project matching, 情报服务 intelligence service — through their lifecycle open → assigned → in_service →
delivered → closed, and the delivery statistics behind spillover performance (辐射带动绩效)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from parknet.commands.common import AsJson, AsUser, emit_json, engine, fail, out, parse_date, principal
from parknet.errors import ParkNetError

app = typer.Typer(help="服务工单 / service tickets: list, open, assign, advance, close, show, stats",
                  no_args_is_help=True)

KIND_ZH = {"talent": "人才对接", "project": "项目对接", "intelligence": "情报服务"}
STATUS_ZH = {"open": "待受理", "assigned": "已分派", "in_service": "服务中", "delivered": "已交付", "closed": "已办结"}
OUTCOME_ZH = {"resolved": "已解决", "partly_resolved": "部分解决", "not_resolved": "未解决", "withdrawn": "已撤回"}


def _label(mapping: dict[str, str], value: str | None) -> str:
    return f"{mapping.get(value, value)} {value}" if value else "—"


@app.command("list")
def tickets_list(status: Annotated[str | None, typer.Option(help="open | assigned | in_service | delivered | "
                                                                  "closed")] = None,
                 zone: Annotated[str | None, typer.Option(help="需求方或服务方园区 / requester or provider zone")] = None,
                 kind: Annotated[str | None, typer.Option(help="talent | project | intelligence")] = None,
                 overdue: Annotated[bool, typer.Option("--overdue", help="只看逾期 / overdue tickets only")] = False,
                 as_json: AsJson = False) -> None:
    """工单列表 / list tickets, newest first, with the overdue flag (逾期)."""
    from parknet.services.tickets import list_tickets

    try:
        rows = list_tickets(engine(), status=status, zone=zone, kind=kind, overdue=True if overdue else None)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"服务工单 / service tickets ({len(rows)})")
    table.add_column("编号 id", no_wrap=True)
    for column in ("类型 kind", "标题 title", "需求方 requester", "服务方 provider", "状态 status", "截止 due",
                   "逾期 overdue"):
        table.add_column(column)
    for t in rows:
        table.add_row(t["id"], KIND_ZH[t["kind"]], t["title"], t["requester_zone"], t["provider_zone"] or "—",
                      STATUS_ZH[t["status"]], t["due_on"], "⚠ 逾期" if t["overdue"] else "")
    out.print(table)


@app.command("open")
def tickets_open(kind: Annotated[str, typer.Option(help="talent 人才对接 | project 项目对接 | intelligence 情报服务")],
                 zone: Annotated[str, typer.Option(help="需求方园区 / the requester zone")],
                 title: Annotated[str, typer.Option(help="服务内容 / what the service is for")],
                 due: Annotated[str, typer.Option(help="办结期限 / due date YYYY-MM-DD")],
                 provider: Annotated[str | None, typer.Option(help="服务方园区 / provider zone (default: the "
                                                                   "province's leading zone)")] = None,
                 demand: Annotated[str | None, typer.Option(help="关联需求编号 / linked demand id")] = None,
                 match: Annotated[str | None, typer.Option(help="关联匹配 library:id, e.g. technology:T-0001")] = None,
                 as_user: AsUser = None) -> None:
    """新建工单 / open a ticket (a zone admin: for its own zone)."""
    from parknet.services.tickets import open_ticket

    eng = engine()
    try:
        ticket_id = open_ticket(eng, principal(eng, as_user), kind=kind, requester_zone=zone, title=title,
                                due_on=parse_date(due, "--due"), provider_zone=provider, demand_id=demand, match_ref=match)
    except ParkNetError as exc:
        fail(exc)
    out.print(f"工单已受理 / ticket opened: {ticket_id}")


def _moved(state: dict[str, Any]) -> None:
    out.print(f"{state['id']} → {STATUS_ZH[state['status']]} ({state['status']})"
              + (f"，下一步 / next: {STATUS_ZH[state['next_status']]}" if state["next_status"] else ""))


@app.command("assign")
def tickets_assign(ticket_id: Annotated[str, typer.Argument(help="工单编号 / ticket id")],
                   to: Annotated[str, typer.Option("--to", help="专家编号或 staff:姓名 / expert id or staff:NAME")],
                   as_user: AsUser = None) -> None:
    """分派 / open → assigned, to an expert of the expert library or a member of staff."""
    from parknet.services.tickets import assign

    eng = engine()
    try:
        _moved(assign(eng, principal(eng, as_user), ticket_id, to))
    except ParkNetError as exc:
        fail(exc)


@app.command("advance")
def tickets_advance(ticket_id: Annotated[str, typer.Argument(help="工单编号 / ticket id")],
                    to: Annotated[str, typer.Option("--to", help="in_service 服务中 | delivered 已交付")],
                    on: Annotated[str | None, typer.Option(help="日期 / date YYYY-MM-DD (default today)")] = None,
                    as_user: AsUser = None) -> None:
    """推进 / assigned → in_service → delivered, one step at a time."""
    from parknet.services.tickets import advance

    eng = engine()
    try:
        _moved(advance(eng, principal(eng, as_user), ticket_id, to, on=parse_date(on, "--on")))
    except ParkNetError as exc:
        fail(exc)


@app.command("close")
def tickets_close(ticket_id: Annotated[str, typer.Argument(help="工单编号 / ticket id")],
                  outcome: Annotated[str, typer.Option(help="resolved | partly_resolved | not_resolved | withdrawn")],
                  rating: Annotated[int, typer.Option(help="满意度 / the requester's rating 1–5")],
                  note: Annotated[str | None, typer.Option(help="办结说明 / note")] = None,
                  as_user: AsUser = None) -> None:
    """办结 / delivered → closed, with the outcome and the requester's rating."""
    from parknet.services.tickets import close

    eng = engine()
    try:
        _moved(close(eng, principal(eng, as_user), ticket_id, outcome, rating, note=note))
    except ParkNetError as exc:
        fail(exc)


@app.command("show")
def tickets_show(ticket_id: Annotated[str, typer.Argument(help="工单编号 / ticket id")],
                 as_json: AsJson = False) -> None:
    """工单详情与流转记录 / a ticket with its history."""
    from parknet.services.tickets import ticket

    try:
        t = ticket(engine(), ticket_id)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(t)
        return
    out.print(f"{t['id']} {t['title']} — {_label(KIND_ZH, t['kind'])}，{_label(STATUS_ZH, t['status'])}"
              + ("，⚠ 逾期 overdue" if t["overdue"] else ""))
    out.print(f"需求方 requester: {t['requester_zone']}；服务方 provider: {t['provider_zone'] or '—'}；"
              f"受理 opened {t['opened_on']}，期限 due {t['due_on']}")
    out.print(f"承办 assignee: {t['assignee_name'] or t['assignee'] or '—'}；需求 demand: "
              f"{t['demand_id'] or '—'} {t['demand_title'] or ''}；匹配 match: {t['match_ref'] or '—'}")
    if t["status"] == "closed":
        out.print(f"办结 closed {t['closed_on']}：{_label(OUTCOME_ZH, t['outcome'])}，满意度 rating {t['rating']}/5")
    table = Table(title="流转记录 / history")
    for column in ("日期 on", "状态 status", "操作人 actor", "说明 note"):
        table.add_column(column)
    for h in t["history"]:
        table.add_row(h["on"], STATUS_ZH[h["status"]], h["actor"], h["note"] or "")
    out.print(table)


@app.command("stats")
def tickets_stats(year: Annotated[int, typer.Option(help="交付年份 / year of delivery")],
                  as_json: AsJson = False) -> None:
    """服务统计（辐射带动绩效）/ tickets delivered per provider zone: to other zones, on time, mean rating."""
    from parknet.services.tickets import ticket_statistics

    try:
        stats = ticket_statistics(engine(), year)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(stats)
        return
    table = Table(title=f"{year} 年服务工单交付统计 / tickets delivered")
    for column in ("服务方 provider", "交付 delivered", "服务其他园区 to other zones", "按期 on time",
                   "平均满意度 mean rating"):
        table.add_column(column, justify="right")
    for s in stats["providers"]:
        table.add_row(s["provider_zone"], str(s["delivered"]), str(s["delivered_to_other_zones"]), str(s["on_time"]),
                      "—" if s["mean_rating"] is None else f"{s['mean_rating']:.2f}")
    out.print(table)
    out.print(f"口径 / definition: {stats['definition']}")
