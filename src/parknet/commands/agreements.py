"""``parknet framework …``, ``parknet agreements …`` and ``parknet projects …``: the guiding framework
(指导性意见), cooperation agreements (合作协议) through their lifecycle, and co-built projects (共建项目)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from parknet.commands.common import AsJson, AsUser, emit_json, engine, fail, operator, out, parse_date, principal
from parknet.errors import InvalidArgument, ParkNetError

framework_app = typer.Typer(help="指导性意见 / the province's guiding framework (versioned)", no_args_is_help=True)
agreements_app = typer.Typer(help="合作协议 / cooperation agreements: create, propose, confirm, terminate",
                             no_args_is_help=True)
projects_app = typer.Typer(help="共建项目 / co-built projects and platforms", no_args_is_help=True)

STATUS_ZH = {"draft": "草稿", "proposed": "待确认", "active": "生效", "terminated": "终止"}


def _json_file(path: Path | None, argument: str) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(InvalidArgument(argument, f"{path}: {exc}"))
    if not isinstance(data, dict):
        fail(InvalidArgument(argument, f"{path}: a JSON object is expected"))
    return data


@framework_app.command("template")
def framework_template() -> None:
    """打印 ParkNet 模板 / print ParkNet's template framework (JSON) to start a province's own from."""
    from parknet.services.frameworks import template

    emit_json(template())


@framework_app.command("adopt")
def framework_adopt(province: Annotated[str, typer.Option(help="省份代码或名称 / province code or name")],
                    file: Annotated[Path, typer.Argument(help="框架 JSON 文件 / framework JSON file")],
                    adopted_on: Annotated[str | None, typer.Option("--adopted-on", help="YYYY-MM-DD")] = None) -> None:
    """发布新版本指导性意见 / adopt a new version of a province's guiding framework (audited)."""
    from parknet.services.frameworks import adopt
    from parknet.services.zones import resolve_province

    eng = engine()
    try:
        code = resolve_province(eng, province)
        version = adopt(eng, code, _json_file(file, "FILE"), adopted_on=parse_date(adopted_on, "--adopted-on") or date.today(),
                        actor=operator())
    except ParkNetError as exc:
        fail(exc)
    out.print(f"{code} 指导性意见 version {version} 已发布 / adopted")


@framework_app.command("show")
def framework_show(province: Annotated[str, typer.Option(help="省份代码或名称 / province code or name")],
                   version: Annotated[int | None, typer.Option(help="版本 / version (default latest)")] = None) -> None:
    """查看指导性意见 / show a version of a province's framework (JSON)."""
    from parknet.services.frameworks import get
    from parknet.services.zones import resolve_province

    eng = engine()
    try:
        emit_json(get(eng, resolve_province(eng, province), version))
    except ParkNetError as exc:
        fail(exc)


@agreements_app.command("list")
def agreements_list(province: Annotated[str | None, typer.Option(help="省份代码或名称 / province")] = None,
                    zone: Annotated[str | None, typer.Option(help="参与园区 / a party zone")] = None,
                    status: Annotated[str | None, typer.Option(help="draft | proposed | active | terminated")] = None,
                    as_json: AsJson = False) -> None:
    """协议列表 / list agreements."""
    from parknet.services.agreements import list_agreements
    from parknet.services.zones import resolve_province

    eng = engine()
    try:
        rows = list_agreements(eng, province=resolve_province(eng, province) if province else None, zone=zone,
                               status=status)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"合作协议 / agreements ({len(rows)})")
    for column in ("编号 id", "名称 title", "类型 type", "模式 form", "状态 status", "各方 parties (✓ confirmed)"):
        table.add_column(column)
    for a in rows:
        parties = ", ".join(f"{p['zone_id']}{'✓' if p['confirmed_at'] else ''}{'*' if p['role'] == 'lead' else ''}"
                            for p in a["parties"])
        table.add_row(a["id"], a["title"], a["cooperation_type"], a["form"], STATUS_ZH[a["status"]], parties)
    out.print(table)


@agreements_app.command("show")
def agreements_show(agreement_id: Annotated[str, typer.Argument(help="协议编号 / agreement id")]) -> None:
    """协议详情（含生效规则与共建项目）/ an agreement with its effective rules and projects (JSON)."""
    from parknet.services.agreements import detail

    try:
        emit_json(detail(engine(), agreement_id))
    except ParkNetError as exc:
        fail(exc)


@agreements_app.command("create")
def agreements_create(
        title: Annotated[str, typer.Option(help="协议名称 / title")],
        zones: Annotated[str, typer.Option(help="参与园区，逗号分隔 / party zones, comma-separated (≥ 2)")],
        cooperation_type: Annotated[str, typer.Option("--type", help="tech_enabling | chain_complement | cross_fusion")],
        form: Annotated[str, typer.Option(help="branch_park | special_cooperation_zone | co_built_platform | "
                                               "project_cooperation")],
        starts_on: Annotated[str, typer.Option("--starts-on", help="YYYY-MM-DD")],
        ends_on: Annotated[str | None, typer.Option("--ends-on", help="YYYY-MM-DD")] = None,
        lead: Annotated[str | None, typer.Option(help="牵头园区 / lead zone (default: the first)")] = None,
        fields: Annotated[str, typer.Option(help="合作领域行业代码，逗号分隔 / GB/T 4754 codes")] = "",
        rules: Annotated[Path | None, typer.Option(help="对指导性意见的约定调整 (JSON) / overrides of the framework")] = None,
        agreement_id: Annotated[str | None, typer.Option("--id", help="协议编号 / id (default AG-省-序号)")] = None,
        as_user: AsUser = None) -> None:
    """新建协议（草稿）/ create an agreement in draft."""
    from parknet.services.agreements import AgreementDraft, create

    eng = engine()
    draft = AgreementDraft(title=title, zones=[z.strip() for z in zones.split(",") if z.strip()],
                           cooperation_type=cooperation_type, form=form, starts_on=parse_date(starts_on, "--starts-on"),
                           ends_on=parse_date(ends_on, "--ends-on"), fields=[f.strip() for f in fields.split(",") if f.strip()],
                           rules=_json_file(rules, "--rules"), lead=lead, agreement_id=agreement_id)
    try:
        new_id = create(eng, draft, principal(eng, as_user))
    except ParkNetError as exc:
        fail(exc)
    out.print(f"协议已创建（草稿）/ agreement created (draft): {new_id}")


def _step(action: str, agreement_id: str, as_user: str | None, **kwargs: Any) -> Any:
    from parknet.services import agreements

    eng = engine()
    try:
        return getattr(agreements, action)(eng, agreement_id, principal=principal(eng, as_user), **kwargs)
    except ParkNetError as exc:
        fail(exc)


@agreements_app.command("propose")
def agreements_propose(agreement_id: Annotated[str, typer.Argument(help="协议编号")], as_user: AsUser = None) -> None:
    """提交各方确认 / draft → proposed."""
    _step("propose", agreement_id, as_user)
    out.print(f"{agreement_id} 已提交，待各方园区管理员确认 / proposed")


@agreements_app.command("confirm")
def agreements_confirm(agreement_id: Annotated[str, typer.Argument(help="协议编号")],
                       zone: Annotated[str, typer.Option(help="确认方园区 / the confirming party")],
                       as_user: Annotated[str, typer.Option("--as", help="该园区的园区管理员 / that zone's zone admin")]) -> None:
    """园区管理员确认 / a party's zone admin confirms; the last confirmation activates the agreement."""
    status = _step("confirm", agreement_id, as_user, zone_id=zone)
    out.print(f"{zone} 已确认 {agreement_id} / confirmed — {STATUS_ZH[status]} ({status})")


@agreements_app.command("activate")
def agreements_activate(agreement_id: Annotated[str, typer.Argument(help="协议编号")], as_user: AsUser = None) -> None:
    """生效（需各方均已确认）/ proposed → active, only when every party confirmed."""
    _step("activate", agreement_id, as_user)
    out.print(f"{agreement_id} 已生效 / active")


@agreements_app.command("terminate")
def agreements_terminate(agreement_id: Annotated[str, typer.Argument(help="协议编号")],
                         reason: Annotated[str, typer.Option(help="终止原因 / why")], as_user: AsUser = None) -> None:
    """终止协议 / terminate an agreement."""
    _step("terminate", agreement_id, as_user, reason=reason)
    out.print(f"{agreement_id} 已终止 / terminated")


def _partner(text: str) -> Any:
    from parknet.services.agreements import PartnerShare

    parts = text.split(":")
    if len(parts) not in (2, 3):
        fail(InvalidArgument("--partner", f"ZONE:WEIGHT[:INVESTMENT], got {text!r}"))
    try:
        return PartnerShare(parts[0], Decimal(parts[1]), Decimal(parts[2]) if len(parts) == 3 else Decimal(0))
    except ArithmeticError:
        fail(InvalidArgument("--partner", f"weight and investment must be numbers: {text!r}"))


@projects_app.command("add")
def projects_add(agreement: Annotated[str, typer.Option(help="所属协议 / agreement id")],
                 project_id: Annotated[str, typer.Option("--id", help="项目编号 / project id")],
                 name: Annotated[str, typer.Option(help="名称 / name")],
                 started_on: Annotated[str, typer.Option("--started-on", help="YYYY-MM-DD")],
                 partner: Annotated[list[str], typer.Option(help="ZONE:WEIGHT[:INVESTMENT万元], repeat per partner")],
                 kind: Annotated[str, typer.Option(help="platform 共建平台 | project 共建项目")] = "project",
                 industry: Annotated[str | None, typer.Option(help="行业代码 / GB/T 4754 code")] = None,
                 as_user: AsUser = None) -> None:
    """新增共建项目及各方权重 / add a co-built project with each partner's statistics weight and investment."""
    from parknet.services.agreements import add_project

    eng = engine()
    try:
        add_project(eng, agreement, project_id=project_id, name=name, kind=kind,
                    started_on=parse_date(started_on, "--started-on"), partners=[_partner(p) for p in partner],
                    industry_code=industry, principal=principal(eng, as_user))
    except ParkNetError as exc:
        fail(exc)
    out.print(f"共建项目已登记 / project added: {project_id}")


@projects_app.command("values")
def projects_values(project_id: Annotated[str, typer.Argument(help="项目编号 / project id")],
                    year: Annotated[int, typer.Option(help="年份 / year")],
                    value: Annotated[list[str], typer.Option(help="CODE=VALUE, e.g. gdp=1234.5 (repeat)")],
                    as_user: AsUser = None) -> None:
    """登记项目年度数据（整体，未分成）/ record a project's yearly values (whole project, before sharing)."""
    from parknet.services.agreements import set_project_values

    values: dict[str, str] = {}
    for item in value:
        code, sep, number = item.partition("=")
        if not sep:
            fail(InvalidArgument("--value", f"CODE=VALUE, got {item!r}"))
        values[code.strip()] = number.strip()
    eng = engine()
    try:
        set_project_values(eng, project_id, year, values, principal(eng, as_user))
    except (ParkNetError, ValueError) as exc:
        fail(exc if isinstance(exc, ParkNetError) else InvalidArgument("--value", str(exc)))
    out.print(f"{project_id} {year} 已登记 / recorded: {', '.join(values)}")
