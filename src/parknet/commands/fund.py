"""``parknet fund …``: the coordination fund (协同发展基金) — rounds, the allocation explained (computed, never
written), committing it, releases, disbursements and reversals, an application's ledger, and reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.table import Table

from parknet.commands.common import AsJson, AsUser, emit_json, engine, fail, operator, out, parse_date, principal
from parknet.errors import Forbidden, InvalidArgument, ParkNetError

app = typer.Typer(help="协同发展基金 / coordination fund: rounds, allocation, commitments, disbursements, reports",
                  no_args_is_help=True)

RoundId = Annotated[str, typer.Option("--round", help="批次编号 / fund round id")]
AppId = Annotated[str, typer.Argument(help="申请编号 / application id")]
SubFund = Annotated[str, typer.Option("--subfund", help="development 开发基金 | industry 产业基金 | venture 创投基金")]
Amount = Annotated[str, typer.Option("--amount", help="金额（万元，最多4位小数）/ amount, 万元")]
PaidOn = Annotated[str, typer.Option("--on", help="拨付日期 / date paid, YYYY-MM-DD")]
Reference = Annotated[str, typer.Option("--reference", help="凭证号 / voucher or payment order number")]

STATUS_ZH = {"open": "申报中 open", "committed": "已承诺 committed"}
OUTCOME_ZH = {"funded": "全额资助 funded", "partly_funded": "部分资助 partly funded", "not_funded": "未资助 not funded"}
KIND_ZH = {"budget": "子基金预算 budget", "zone_cap": "单园区上限 zone cap", "lagging_share": "后发园区最低占比 lagging share"}
BY = {"zone": "zone", "subfund": "subfund", "type": "cooperation_type", "cooperation_type": "cooperation_type",
      "round": "round"}


def _strings(value: Any) -> Any:
    """Decimals as exact strings (JSON numbers would be floats)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k if k is None or isinstance(k, str) else str(k): _strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strings(v) for v in value]
    return value


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.4f}"


def _actor(eng: Any, as_user: str | None) -> str:
    """The audit actor: ``--as USER`` (who must hold fund:write), else the CLI operator."""
    from parknet.web.policy import roles_for

    if as_user is None:
        return operator()
    who = principal(eng, as_user)
    if who.role not in roles_for("fund:write"):
        raise Forbidden(f"{who.username} ({who.role}) may not write the fund ledger (fund:write)")
    return who.username


@app.command("rounds")
def rounds(as_json: AsJson = False) -> None:
    """基金批次 / fund rounds with budgets, status, amounts asked, committed and disbursed."""
    from parknet.services.fund import list_rounds

    try:
        rows = list_rounds(engine())
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(_strings(rows))
        return
    table = Table(title=f"协同发展基金批次 / fund rounds ({len(rows)})")
    for column in ("批次 round", "名称 name", "年度 year", "状态 status", "预算 budget", "申请 apps", "申请额 asked",
                   "已承诺 committed", "已拨付 disbursed"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["round_id"], r["name"], str(r["year"]), STATUS_ZH[r["status"]], _money(r["budget_total"]),
                      str(r["applications"]), _money(r["asked"]), _money(r["committed"]), _money(r["disbursed"]))
    out.print(table)


@app.command("allocate")
def allocate(round_id: RoundId, as_json: AsJson = False) -> None:
    """计算并解释分配方案（不写入）/ compute and explain a round's optimal allocation (writes nothing)."""
    from parknet.services.fund import allocate_round

    try:
        result = allocate_round(engine(), round_id)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(_strings(result))
        return
    _print_allocation(result)


def _print_allocation(r: dict[str, Any]) -> None:
    t = r["totals"]
    proof = "已证明最优 / proven optimal" if r["optimal"] else "未证明最优 / NOT proven optimal"
    out.print(f"{r['round_id']} {r['round']['name']}（{STATUS_ZH[r['round']['status']]}）— {proof}; "
              f"目标值 objective {r['objective']:.6g}（贪心基线 greedy {r['greedy_objective']:.6g}）; {r['status']}")
    share = "—" if t["lagging_share"] is None else f"{t['lagging_share']:.1%}"
    out.print(f"资助总额 / awarded {_money(t['awarded'])} 万元; 后发园区 / lagging zones {_money(t['lagging_awarded'])} "
              f"万元 ({share}, 最低 minimum {float(r['round']['lagging_min_share']):.1%})")
    table = Table(title="子基金使用 / sub-fund use (万元)")
    for column in ("子基金 sub-fund", "预算 budget", "已分配 used", "余额 left"):
        table.add_column(column, justify="right")
    for b in r["budgets"]:
        used = t["by_subfund"].get(b["subfund"], Decimal(0))
        table.add_row(f"{b['name']} {b['subfund']}", _money(b["budget"]), _money(used), _money(b["budget"] - used))
    out.print(table)
    table = Table(title="紧约束与影子价格 / binding constraints and shadow prices")
    for column in ("约束 constraint", "限额 limit", "使用 used", "松弛 slack", "影子价格 shadow price"):
        table.add_column(column)
    for c in r["binding"]:
        price = "—" if c["shadow_price"] is None else f"{c['shadow_price']:.4g}"
        table.add_row(f"{KIND_ZH[c['kind']]} {c['name'] if c['kind'] != 'lagging_share' else ''}".strip(),
                      _money(c["limit"]), _money(c["used"]), _money(c["slack"]), price)
    out.print(table)
    out.print("影子价格：预算/上限每增加1万元、或后发占比每降低1个百分点可增加的预期成效（仅就部分资助而言）/ shadow price: "
              "impact gained per 万元 more budget or cap, or per percentage point less lagging share")
    if r["marginal"] is not None:
        m = r["marginal"]
        out.print(f"边际申请 / marginal application: {m['application_id']} {m['title']}（{m['zone_id']}）")
        for reason in m["reasons"]:
            out.print(f"  · {reason}")
    left = [d for d in r["decisions"] if d["outcome"] != "funded"]
    if left:
        table = Table(title=f"未全额资助 / not fully funded ({len(left)})")
        for column in ("申请 application", "园区 zone", "结果 outcome", "申请额 asked", "资助 awarded", "原因 reasons"):
            table.add_column(column)
        for d in left:
            table.add_row(d["application_id"], d["zone_id"] + (" (后发)" if d["lagging"] else ""),
                          OUTCOME_ZH[d["outcome"]], _money(d["asked"]), _money(d["awarded"]), "\n".join(d["reasons"][1:]))
        out.print(table)
    if r.get("committed"):
        same = "一致 / matches" if r["commitments_match"] else "不一致 / DIFFERS from"
        out.print(f"本批次已承诺；已记录的承诺与重新求解的结果{same} the fresh solve")


@app.command("commit")
def commit(round_id: RoundId, as_user: AsUser = None) -> None:
    """承诺出资：按最优分配写入承诺并锁定批次 / commit the optimal allocation and lock the round (audited)."""
    from parknet.services.fund import commit_round

    eng = engine()
    try:
        done = commit_round(eng, round_id, _actor(eng, as_user))
    except ParkNetError as exc:
        fail(exc)
    out.print(f"{round_id} 已承诺 / committed: {done['commitments']} 笔承诺 commitments, {_money(done['total'])} 万元; "
              f"sha256 {done['allocation_sha256']}")


@app.command("release")
def release_(application: AppId, subfund: SubFund, amount: Amount,
             reason: Annotated[str, typer.Option("--reason", help="释放原因 / why (audited)")],
             as_user: AsUser = None) -> None:
    """释放承诺 / release part of a commitment (never below what is disbursed)."""
    from parknet.services.fund_ledger import release

    eng = engine()
    try:
        state = release(eng, application, subfund, amount, reason, _actor(eng, as_user))
    except ParkNetError as exc:
        fail(exc)
    _print_state("已释放 / released", state)


def _print_state(what: str, s: dict[str, Any]) -> None:
    out.print(f"{what}: {s['application_id']} / {s['subfund']} — 净承诺 net committed {_money(s['net_committed'])}, "
              f"净拨付 net disbursed {_money(s['net_disbursed'])}, 未拨付 undisbursed {_money(s['undisbursed'])} 万元")


@app.command("disburse")
def disburse_(application: AppId, subfund: SubFund, amount: Amount, paid_on: PaidOn, reference: Reference,
              as_user: AsUser = None) -> None:
    """拨付 / record a payment on a commitment (never more than committed)."""
    from parknet.services.fund_ledger import disburse

    eng = engine()
    try:
        state = disburse(eng, application, subfund, amount, parse_date(paid_on, "--on"), reference, _actor(eng, as_user))
    except ParkNetError as exc:
        fail(exc)
    _print_state("已拨付 / paid", state)


@app.command("reverse")
def reverse_(application: AppId, subfund: SubFund, amount: Amount, paid_on: PaidOn, reference: Reference,
             as_user: AsUser = None) -> None:
    """冲回 / reverse a payment (net disbursed never below 0)."""
    from parknet.services.fund_ledger import reverse

    eng = engine()
    try:
        state = reverse(eng, application, subfund, amount, parse_date(paid_on, "--on"), reference, _actor(eng, as_user))
    except ParkNetError as exc:
        fail(exc)
    _print_state("已冲回 / reversed", state)


@app.command("ledger")
def ledger(application: AppId, as_json: AsJson = False) -> None:
    """申请的资金台账 / an application's commitments and disbursements with running balances."""
    from parknet.services.fund_ledger import application_ledger

    try:
        result = application_ledger(engine(), application)
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(_strings(result))
        return
    table = Table(title=f"{result['application_id']} {result['title']}（{result['zone_id']}，批次 {result['round_id']}）")
    for column in ("时间 recorded", "类型 kind", "子基金 sub-fund", "金额 amount", "净承诺 committed", "净拨付 disbursed",
                   "未拨付 undisbursed", "说明 note"):
        table.add_column(column)
    for e in result["entries"]:
        note = e["reason"] if e["table"] == "commitment" else f"{e['paid_on']} {e['reference']}"
        table.add_row(str(e["recorded_at"])[:19], e["kind"], e["subfund"], _money(e["signed"]),
                      _money(e["net_committed"]), _money(e["net_disbursed"]), _money(e["undisbursed"]), note)
    out.print(table)
    out.print(f"合计 / total: 净承诺 {_money(result['net_committed'])}，净拨付 {_money(result['net_disbursed'])}，"
              f"未拨付 {_money(result['undisbursed'])} 万元")


@app.command("report")
def report_(round_id: Annotated[str | None, typer.Option("--round", help="只看该批次 / one round only")] = None,
            by: Annotated[str, typer.Option("--by", help="zone | subfund | type | round")] = "zone",
            as_json: AsJson = False) -> None:
    """基金报表 / fund report by zone, sub-fund, cooperation type or round (committed and disbursed, net)."""
    from parknet.services.fund_ledger import report

    try:
        if by not in BY:
            raise InvalidArgument("--by", f"choose zone, subfund, type or round, got {by!r}")
        result = report(engine(), round_id=round_id, by=BY[by])
    except ParkNetError as exc:
        fail(exc)
    if as_json:
        emit_json(_strings(result))
        return
    table = Table(title=f"基金报表 / fund report by {result['by']}" + (f" · {round_id}" if round_id else ""))
    for column in ("分组 group", "申请数 apps", "申请额 asked", "净承诺 committed", "净拨付 disbursed",
                   "未拨付 undisbursed"):
        table.add_column(column)
    for row in result["rows"]:
        label = row["label_zh"] if row["label_zh"] == row["key"] else f"{row['label_zh']} ({row['key'] or '—'})"
        table.add_row(label, str(row["applications"]), _money(row["asked"]), _money(row["committed"]),
                      _money(row["disbursed"]), _money(row["undisbursed"]))
    t = result["totals"]
    table.add_row("合计 total", str(t["applications"]), _money(t["asked"]), _money(t["committed"]),
                  _money(t["disbursed"]), _money(t["undisbursed"]))
    out.print(table)
