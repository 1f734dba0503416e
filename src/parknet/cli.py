"""``parknet`` command line. Human output is Chinese first; ``--json`` output uses English snake_case keys.

Exit codes: 0 success, 2 invalid input (nothing written), 1 unexpected error.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from parknet.commands import agreements as agreement_commands
from parknet.commands import evaluate as evaluate_command
from parknet.commands import fund as fund_commands
from parknet.commands import ledger as ledger_commands
from parknet.commands import match as match_commands
from parknet.commands import platform as platform_commands
from parknet.commands import sharing as sharing_commands
from parknet.commands import tickets as ticket_commands
from parknet.commands.common import emit_json as _json
from parknet.commands.common import engine as _engine
from parknet.commands.common import err, out
from parknet.commands.common import fail as _fail
from parknet.errors import InvalidArgument, ParkNetError

app = typer.Typer(
    help="ParkNet 国家高新区协同发展平台 — coordination platform for China's national high-tech zones.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)


@app.command()
def init() -> None:
    """创建或升级数据库结构并同步参考数据 / create or migrate the schema (Alembic upgrade head) and sync reference data."""
    from parknet.services.reference import init_database

    sync = init_database(_engine())
    out.print(f"数据库已就绪 / database ready ({sync.total} reference rows inserted or updated)")


@app.command("load-demo")
def load_demo(seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 20191231) -> None:
    """载入参考数据与合成演示数据 / load reference data and the synthetic demo data."""
    from parknet.services.demo import STEPS
    from parknet.services.demo import load_demo as run

    with _progress() as progress:
        task = progress.add_task("演示数据 / demo data", total=len(STEPS))

        def step(name: str) -> None:
            progress.update(task, completed=STEPS.index(name), description=f"演示数据 / demo data: {name}")

        result = run(_engine(), seed=seed, progress=step)
        progress.update(task, completed=len(STEPS))
    out.print(f"已载入合成演示数据 / loaded {result.label} (seed {result.seed}, batch {result.batch_id})")
    for table, n in result.rows.items():
        out.print(f"  {table}: {n:,}")
    for table, n in result.kept.items():
        out.print(f"  {table}: 保留 {n:,} 条后来写入的数据 / kept {n:,} rows written after the demo (not overwritten)")
    if result.reopened:
        years = ", ".join(str(y) for y in result.reopened)
        out.print(f"  已结账年度 {years} 因演示数据重载而重开（已记录）/ closed years reopened by the reload (recorded)")


@app.command()
def serve(host: Annotated[str, typer.Option(envvar="PARKNET_HOST", help="监听地址 / address")] = "127.0.0.1",
          port: Annotated[int, typer.Option(envvar="PARKNET_PORT", help="端口 / port")] = 8000,
          workers: Annotated[int, typer.Option(help="进程数 / worker processes")] = 1) -> None:
    """启动网页与API / start the web app and API (PARKNET_HOST, PARKNET_PORT)."""
    import uvicorn

    from parknet.web.app import create_app

    try:
        create_app()  # fail fast with a clear message when the schema is not ready
    except ParkNetError as exc:
        _fail(exc)
    out.print(f"ParkNet: http://{host}:{port}/")
    uvicorn.run("parknet.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_level="warning")


@app.command("import")
def import_(kind: Annotated[str, typer.Argument(help="zones, indicators, industry-output, enterprises, enterprise-years, relocations, entities, holdings, coalition-values, fund-rounds, fund-budgets, fund-applications, technologies, experts, science-projects, demands, platform-services")],
            file: Annotated[Path, typer.Argument(help=".csv (UTF-8/GBK) or .xlsx")]) -> None:
    """导入数据文件（整文件校验，全部成功才写入）/ import a file: validated whole, written in one transaction."""
    from parknet.store.importers import import_file

    try:
        with _progress() as progress:
            task = progress.add_task(f"导入 / importing {file.name}", total=None)
            summary = import_file(_engine(), kind, file, user=f"cli:{getpass.getuser()}")
            progress.update(task, total=1, completed=1)
    except ParkNetError as exc:
        _fail(exc)
    if summary.batch_id is None:
        out.print(f"{file}: {summary.rows_read} 行均未变化，未写入 / {summary.rows_read} rows unchanged, nothing written")
    else:
        out.print(f"{file}: 读取 {summary.rows_read} 行，新增 {summary.inserted}，更新 {summary.updated}，"
                  f"未变 {summary.unchanged}（批次 {summary.batch_id}，编码 {summary.encoding}）")


@app.command()
def export(kind: Annotated[str, typer.Argument(help="zones, indicators, industry-output, enterprises, enterprise-years, relocations, entities, holdings, coalition-values, fund-rounds, fund-budgets, fund-applications, technologies, experts, science-projects, demands, platform-services")],
           file: Annotated[Path, typer.Argument(help="target .csv or .xlsx")],
           headers: Annotated[str, typer.Option(help="en (default) or zh column headers")] = "en") -> None:
    """导出数据为 CSV 或 XLSX / export a kind of data to CSV or XLSX."""
    from parknet.store.exporters import export_kind

    try:
        n = export_kind(_engine(), kind, file, headers=headers)
    except ParkNetError as exc:
        _fail(exc)
    out.print(f"已导出 {n} 行到 {file} / exported {n} rows")


@app.command()
def template(kind: Annotated[str, typer.Argument(help="zones, indicators, industry-output, enterprises, enterprise-years, relocations, entities, holdings, coalition-values, fund-rounds, fund-budgets, fund-applications, technologies, experts, science-projects, demands, platform-services")],
             file: Annotated[Path, typer.Argument(help="target .xlsx (with a 说明 sheet) or .csv")]) -> None:
    """生成导入模板 / write an empty import template."""
    from parknet.store.exporters import write_template

    try:
        write_template(kind, file)
    except ParkNetError as exc:
        _fail(exc)
    out.print(f"模板已生成 / template written: {file}")


@app.command()
def zones(level: Annotated[str | None, typer.Option(help="national | provincial | other")] = None,
          province: Annotated[str | None, typer.Option(help="省份代码或名称 / GB/T 2260 code or name")] = None,
          year: Annotated[int | None, typer.Option(help="该年已设立的园区，并显示该年GDP")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False) -> None:
    """列出园区 / list zones."""
    from parknet.services.zones import list_zones

    try:
        rows = list_zones(_engine(), level=level, province=province, year=year)
    except ParkNetError as exc:
        _fail(exc)
    if as_json:
        _json([r.to_dict() for r in rows])
        return
    table = Table(title=f"园区 Zones ({len(rows)})")
    for title in ("代码 id", "名称 name", "级别 level", "省份 province", "城市 city", "批准 approved"):
        table.add_column(title)
    if year is not None:
        table.add_column(f"{year} GDP (万元)", justify="right")
    for r in rows:
        cells = [r.zone_id, r.name + (" *" if r.is_synthetic else ""), r.level, r.province, r.city or "",
                 str(r.approved_year or "")]
        if year is not None:
            cells.append("" if r.gdp is None else f"{r.gdp:,.0f}")
        table.add_row(*cells)
    out.print(table)
    if any(r.is_synthetic for r in rows):
        out.print("* 合成演示数据 / synthetic demo data")


@app.command()
def indicators(as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False) -> None:
    """列出指标定义 / list indicator definitions."""
    from parknet.domain import INDICATORS

    if as_json:
        _json([{"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "unit": d.unit,
                "direction": d.direction.value, "kind": d.kind.value} for d in INDICATORS])
        return
    table = Table(title="指标 Indicators")
    for title in ("代码 code", "名称", "name", "单位 unit", "方向 direction"):
        table.add_column(title)
    for d in INDICATORS:
        table.add_row(d.code, d.name_zh, d.name_en, d.unit, d.direction.value)
    out.print(table)


@app.command()
def summary(year: Annotated[int | None, typer.Option(help="年份（默认2019）")] = None,
            as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False) -> None:
    """全国高新区概览 / national key figures for one year."""
    from parknet.services.overview import default_year, latest_year, overview

    engine = _engine()
    try:
        result = overview(engine, year or default_year(latest_year(engine)))
    except ParkNetError as exc:
        _fail(exc)
    if as_json:
        _json(result.to_dict())
        return

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x:.1%}"

    def times(x: float | None) -> str:
        return "—" if x is None else f"{x:.2f}×"

    table = Table(title=f"{result.year} 年国家高新区概览 / national high-tech zones")
    table.add_column("指标 figure")
    table.add_column("数值 value", justify="right")
    table.add_row("国家高新区数量 national zones", str(result.zones))
    table.add_row("省级高新区数量 provincial zones", str(result.provincial_zones))
    table.add_row("占全国GDP比重 share of national GDP", pct(result.gdp_share_of_nation))
    table.add_row("占全国土地比重 share of land", f"{result.land_share_of_nation:.2%}" if result.land_share_of_nation else "—")
    table.add_row("前10位GDP占比 top-10 GDP share", pct(result.top10_gdp_share))
    table.add_row("前10位发明专利授权占比 top-10 invention patents", pct(result.top10_invention_patent_share))
    table.add_row("R&D强度/全国 R&D intensity vs nation", times(result.rd_intensity_vs_nation))
    table.add_row("人才密度/全国 talent density vs nation", times(result.talent_density_vs_nation))
    out.print(table)
    if result.data_label:
        out.print(f"注意：以上数字为合成演示数据 / NOTE: these figures are {result.data_label}")


@app.command()
def diagnose(indicator: Annotated[str, typer.Option(help="指标代码 / indicator code, e.g. gdp")] = "gdp",
             year: Annotated[int | None, typer.Option(help="年份 / year (cross-section)")] = None,
             by: Annotated[str, typer.Option(help="分组 / grouping: province | region")] = "province",
             level: Annotated[str, typer.Option(help="园区级别 / zone level")] = "national",
             trend: Annotated[bool, typer.Option("--trend", help="逐年序列与动态 / the series over years")] = False,
             as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False) -> None:
    """分化与极化诊断 / polarization diagnosis: concentration, inequality, decompositions, mobility, convergence."""
    from parknet.services.diagnosis import diagnose as run, diagnose_trend

    engine = _engine()
    try:
        if trend:
            result = diagnose_trend(engine, indicator, by=by, level=level)
        else:
            if year is None:
                _fail(InvalidArgument("--year", "give the year, or --trend for all years"))
            result = run(engine, year, indicator, by=by, level=level)
    except ParkNetError as exc:
        _fail(exc)
    if as_json:
        _json(result)
        return
    if trend:
        _print_trend(result)
    else:
        _print_diagnosis(result)


def _print_diagnosis(d: dict[str, Any]) -> None:
    table = Table(title=f"{d['year']} {d['indicator']} 分化诊断 / polarization ({d['level']}, n = {d['n']}, by {d['by']})")
    table.add_column("指标 measure")
    table.add_column("数值 value", justify="right")
    rows = [("前10位占比 top-10 share", d["top10_share"]), ("HHI", d["hhi"]), ("基尼系数 Gini", d["gini"]),
            ("变异系数 CV", d["cv"]), ("泰尔T total", d["theil"]["total"]), ("  组间 between", d["theil"]["between"]),
            ("  组内 within", d["theil"]["within"])]
    if d["dagum"]:
        rows += [("Dagum 组内 within", d["dagum"]["within"]), ("Dagum 组间净值 between (net)", d["dagum"]["between_net"]),
                 ("Dagum 超变密度 transvariation", d["dagum"]["transvariation"])]
    rows += [(f"Atkinson ε={d['atkinson_epsilon']}", d["atkinson"]), ("Wolfson", d["wolfson"]),
             ("Esteban–Ray α=1.3", d["esteban_ray"])]
    for name, value in rows:
        table.add_row(name, "—" if value is None else f"{value:.4f}")
    out.print(table)
    for note in d["notes"]:
        out.print(f"注 / note: {note}")


def _print_trend(t: dict[str, Any]) -> None:
    table = Table(title=f"{t['indicator']} 分化趋势 / polarization over time ({t['level']}, by {t['by']})")
    for title in ("年 year", "n", "前10 top-10", "Gini", "Theil", "组间 between", "Dagum 组内", "净组间 net", "超变 trans"):
        table.add_column(title, justify="right")
    for r in t["series"]:
        if "gini" not in r:
            table.add_row(str(r["year"]), str(r["n"]), *["—"] * 7)
            continue
        dg = r["dagum"] or {}
        table.add_row(str(r["year"]), str(r["n"]), f"{r['top10_share']:.3f}", f"{r['gini']:.3f}",
                      f"{r['theil']['total']:.3f}", f"{r['theil']['between']:.3f}",
                      *(f"{dg[k]:.3f}" if dg else "—" for k in ("within", "between_net", "transvariation")))
    out.print(table)
    dyn = t["dynamics"]
    if dyn.get("beta"):
        b = dyn["beta"]
        significant = abs(b["t"]) >= 1.96
        if not significant:
            verdict = "斜率在5%水平不显著 / slope not significant at 5%: no evidence of β-convergence"
        elif b["beta"]:
            verdict = f"收敛 converging, β = {b['beta']:.4f}, half-life {b['half_life']:.1f} years"
        else:
            verdict = "发散 diverging"
        out.print(f"β收敛 / β-convergence {dyn['first_year']}–{dyn['last_year']} ({dyn['balanced_zones']} zones): "
                  f"slope {b['slope']:.4f} (se {b['slope_se']:.4f}, t {b['t']:.2f}) → {verdict}")
    if dyn.get("markov"):
        out.print(f"Markov 流动性 / Shorrocks mobility: {dyn['markov']['shorrocks']:.4f}")
    for note in dyn["notes"]:
        out.print(f"注 / note: {note}")


@app.command()
def network(province: Annotated[str | None, typer.Option(help="省份代码或名称 / province code or name")] = None,
            year: Annotated[int, typer.Option(help="年份 / year")] = 2019,
            n_max: Annotated[int | None, typer.Option("--n-max", help="每个牵头园区最多伙伴数 N / partners per leader (default: all)")] = None,
            all_provinces: Annotated[bool, typer.Option("--all", help="全部省份 / every province")] = False,
            as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False) -> None:
    """"1+N"合作网络 / the province's 1+N network: leader, partners by cooperation type, form, reasons."""
    from parknet.services.network import all_networks, province_network

    if not all_provinces and not province:
        _fail(InvalidArgument("--province", "give a province (code or name), or --all"))
    try:
        result = (all_networks(_engine(), year, n_max=n_max) if all_provinces
                  else province_network(_engine(), province or "", year, n_max=n_max))
    except ParkNetError as exc:
        _fail(exc)
    if as_json:
        _json(result)
        return
    for net in result["provinces"] if all_provinces else [result]:
        _print_network(net)
    metrics = result["backbone"].get("metrics", {})
    out.print(f"全国主干网 / national backbone: {metrics.get('nodes', 0)} 个牵头园区, {metrics.get('edges', 0)} 条连接, "
              f"{metrics.get('total_km', 0):,.0f} km")


def _print_network(net: dict[str, Any]) -> None:
    leaders = ", ".join(f"{l['zone_id']}" for l in net["leaders"]) or "—"
    table = Table(title=f"{net['province']} {net['year']} 1+N 网络 / network — 牵头 leaders: {leaders} "
                        f"(objective {net['objective']:.3f}, optimal {net['optimal']})")
    for title in ("牵头 leader", "伙伴 partner", "类型 type", "形式 form", "得分 score"):
        table.add_column(title)
    for link in net["links"]:
        table.add_row(link["leader"], link["partner"], link["type"], link["form"], f"{link['score']:.3f}")
    out.print(table)
    for u in net["unassigned"][:10]:
        out.print(f"  未纳入 / left out: {u['partner']} — {u['reason']}")
    if len(net["unassigned"]) > 10:
        out.print(f"  … {len(net['unassigned']) - 10} more")


users = typer.Typer(help="用户与令牌 / users and API tokens", no_args_is_help=True)
app.add_typer(users, name="users")
audit_app = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(ledger_commands.app, name="ledger")
app.add_typer(agreement_commands.framework_app, name="framework")
app.add_typer(agreement_commands.agreements_app, name="agreements")
app.add_typer(agreement_commands.projects_app, name="projects")
app.command("evaluate")(evaluate_command.evaluate)
app.add_typer(sharing_commands.app, name="sharing")
app.add_typer(ticket_commands.app, name="tickets")
app.add_typer(platform_commands.app, name="platform")
app.add_typer(fund_commands.app, name="fund")
app.command("match")(match_commands.match)
app.add_typer(match_commands.demands_app, name="demands")


def _read_password(password_stdin: bool) -> str:
    if not password_stdin:
        _fail(InvalidArgument("--password-stdin", "give the password on standard input with --password-stdin"))
    password = sys.stdin.readline().rstrip("\r\n")
    return password


@users.command("add")
def users_add(name: Annotated[str, typer.Argument(help="用户名 / user name")],
              role: Annotated[str, typer.Option(help="admin | zone_admin | analyst | expert | viewer")],
              zone: Annotated[str | None, typer.Option(help="zone_admin 所属园区代码 / the zone a zone_admin writes")] = None,
              password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码 / read the password from stdin")] = False) -> None:
    """新增用户 / add a user."""
    from parknet.services.accounts import add_user

    password = _read_password(password_stdin)
    try:
        add_user(_engine(), name, role, password, zone_id=zone, actor=f"cli:{getpass.getuser()}")
    except ParkNetError as exc:
        _fail(exc)
    out.print(f"已创建用户 / user created: {name} ({role}{', ' + zone if zone else ''})")


@users.command("token")
def users_token(name: Annotated[str, typer.Argument(help="用户名 / user name")]) -> None:
    """生成API令牌（仅显示一次）/ print a new API token for 'Authorization: Bearer TOKEN'."""
    from parknet.services.accounts import issue_token

    try:
        print(issue_token(_engine(), name, actor=f"cli:{getpass.getuser()}"))
    except ParkNetError as exc:
        _fail(exc)


@users.command("set-password")
def users_set_password(name: Annotated[str, typer.Argument(help="用户名 / user name")],
                       password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")] = False) -> None:
    """重设密码 / set a user's password."""
    from parknet.services.accounts import set_password

    try:
        set_password(_engine(), name, _read_password(password_stdin), actor=f"cli:{getpass.getuser()}")
    except ParkNetError as exc:
        _fail(exc)
    out.print(f"密码已更新 / password set for {name}")


@users.command("ensure-admin")
def users_ensure_admin(name: Annotated[str, typer.Option(help="管理员用户名")] = "admin") -> None:
    """确保存在管理员账号（make demo 使用）/ make sure an admin exists: PARKNET_ADMIN_PASSWORD sets its
    password; otherwise a new admin gets a random password, printed once."""
    import os
    import secrets

    from parknet.services.accounts import add_user, set_password, user_exists

    engine = _engine()
    wanted = os.environ.get("PARKNET_ADMIN_PASSWORD")
    actor = f"cli:{getpass.getuser()}"
    try:
        if user_exists(engine, name):
            if wanted:
                set_password(engine, name, wanted, actor=actor)
                out.print(f"登录 / sign in: {name} / PARKNET_ADMIN_PASSWORD")
            else:
                out.print(f"登录 / sign in: {name} (password printed when it was created; reset it with "
                          "PARKNET_ADMIN_PASSWORD=... make demo)")
            return
        password = wanted or secrets.token_urlsafe(12)
        add_user(engine, name, "admin", password, actor=actor)
    except ParkNetError as exc:
        _fail(exc)
    shown = "PARKNET_ADMIN_PASSWORD" if wanted else password
    out.print(f"登录 / sign in: {name} / {shown}" + ("" if wanted else "  (只显示这一次 / shown only this once)"))


@audit_app.command("verify")
def audit_verify() -> None:
    """校验审计日志哈希链 / verify the audit log's hash chain (exit 1 when broken)."""
    from parknet.store.audit import verify_chain

    check = verify_chain(_engine())
    if check.ok:
        out.print(f"审计日志完整 / audit chain intact: {check.entries} entries")
        return
    print(f"审计日志被篡改 / audit chain broken at entry {check.first_bad_id}: {check.reason}", file=sys.stderr)
    raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console entry point
    app()
