"""``parknet platform …``: the leading zone's platform company (领头园区平台公司) — its service catalogue,
partner zones' orders at the price of the day, and statements per period with exact amounts (万元)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from parknet.commands.common import AsJson, AsUser, emit_json, engine, fail, out, parse_date, principal
from parknet.errors import ParkNetError

app = typer.Typer(help="平台公司服务 / the leading zone's platform company: catalogue, orders, statements",
                  no_args_is_help=True)

CATEGORY_ZH = {"park_operation": "园区运营", "innovation": "创新服务", "industry": "产业服务"}


@app.command("catalogue")
def platform_catalogue(zone: Annotated[str | None, typer.Option(help="服务园区 / provider zone")] = None,
                       as_json: AsJson = False) -> None:
    """服务目录 / the catalogue: services by provider zone and category, price per unit (万元)."""
    from parknet.services.platform import catalogue

    try:
        rows = catalogue(engine(), zone)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"平台公司服务目录 / catalogue ({len(rows)})")
    for column in ("服务园区 provider", "类别 category", "编码 code", "名称 name", "单位 unit", "单价 price (万元)"):
        table.add_column(column, justify="right" if column.startswith("单价") else "left")
    for r in rows:
        table.add_row(r["provider_zone"], CATEGORY_ZH[r["category"]], r["code"], r["name"], r["unit"], str(r["price"]))
    out.print(table)


@app.command("order")
def platform_order(zone: Annotated[str, typer.Option(help="购买方园区 / the buying partner zone")],
                   service: Annotated[str, typer.Option(help="服务编码 / service code")],
                   quantity: Annotated[str, typer.Option(help="数量 / quantity (units of the service)")],
                   on: Annotated[str | None, typer.Option(help="下单日期 / date YYYY-MM-DD (default today)")] = None,
                   as_user: AsUser = None) -> None:
    """下单 / a partner zone orders a service at today's catalogue price (a zone admin: for its own zone)."""
    from parknet.services.platform import orders, place_order

    eng = engine()
    try:
        order_id = place_order(eng, principal(eng, as_user), zone, service, quantity,
                               parse_date(on, "--on") if on else None)
        placed = next(o for o in orders(eng, buyer_zone=zone) if o["id"] == order_id)
    except ParkNetError as exc:
        fail(exc)
    out.print(f"订单已登记 / order placed: {order_id} — {placed['name']} {placed['quantity']} {placed['unit']} × "
              f"{placed['unit_price']} = {placed['amount']} 万元")


@app.command("orders")
def platform_orders(zone: Annotated[str | None, typer.Option(help="购买方或服务方园区 / buyer or provider zone")] = None,
                    as_json: AsJson = False) -> None:
    """订单列表 / orders, newest first, at the unit price of the day they were placed."""
    from parknet.services.platform import orders

    try:
        rows = orders(engine(), zone=zone)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"服务订单 / orders ({len(rows)})")
    table.add_column("编号 id", no_wrap=True)
    for column in ("日期 on", "购买方 buyer", "服务方 provider", "服务 service", "数量 quantity",
                   "单价 unit price", "金额 amount (万元)"):
        table.add_column(column)
    for o in rows:
        table.add_row(o["id"], o["ordered_on"], o["buyer_zone"], o["provider_zone"], f"{o['code']} {o['name']}",
                      f"{o['quantity']} {o['unit']}", str(o["unit_price"]), str(o["amount"]))
    out.print(table)


@app.command("statement")
def platform_statement(provider: Annotated[str, typer.Option(help="服务园区 / provider zone")],
                       start: Annotated[str, typer.Option("--from", help="起始日期 / from YYYY-MM-DD")],
                       end: Annotated[str, typer.Option("--to", help="截止日期 / to YYYY-MM-DD (included)")],
                       as_json: AsJson = False) -> None:
    """对账单 / what each buyer owes the provider for the period, line by line, with exact totals."""
    from parknet.services.platform import statement

    try:
        s = statement(engine(), provider, parse_date(start, "--from"), parse_date(end, "--to"))
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(s)
        return
    out.print(f"{provider} 对账单 / statement {s['start']} – {s['end']}")
    for b in s["buyers"]:
        table = Table(title=f"购买方 buyer: {b['buyer_zone']} — 合计 total {b['total']} 万元")
        for column in ("订单 order", "日期 on", "服务 service", "数量 quantity", "单价 unit price", "金额 amount"):
            table.add_column(column)
        for line in b["lines"]:
            table.add_row(line["order_id"], line["ordered_on"], f"{line['code']} {line['name']}", str(line["quantity"]),
                          str(line["unit_price"]), str(line["amount"]))
        out.print(table)
    out.print(f"总计 / grand total: {s['grand_total']} 万元（{len(s['buyers'])} 个购买方 / buyers）")
    out.print(f"口径 / rounding: {s['rounding']}")
