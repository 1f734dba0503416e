"""The coordination fund's ledger from the store (协同发展基金台账, MECHANISMS.md §5.1): releasing part of a
commitment, recording payments and their reversals, an application's ledger with running balances, and the
fund report. Rounds, their allocation and committing it are :mod:`parknet.services.fund`.

The ledger is append-only (``fund_commitments``: commit 承诺出资 / release 释放; ``fund_disbursements``:
payment 拨付 / reversal 冲回). Per application × sub-fund, in integer units of 0.0001 万元 (1 yuan):

    net committed = Σ commit − Σ release  ≥  net disbursed = Σ payment − Σ reversal  ≥  0

Every write checks this inside its transaction (the application row locked on PostgreSQL), refuses with the
figures when it would break, and is audited in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Connection, Engine, select, true, type_coerce

from parknet.attribution.money import from_units, to_units
from parknet.errors import Conflict, InvalidArgument, NotFound
from parknet.services.fund import SUBFUND_NAMES, net_balances, round_row, typed_applications
from parknet.store import audit, models
from parknet.store.enabling import (
    SUBFUNDS,
    FundApplication,
    FundBudget,
    FundCommitment,
    FundDisbursement,
    FundRound,
)

__all__ = ["release", "disburse", "reverse", "application_ledger", "report", "TYPE_NAMES", "REPORT_BY"]

#: cooperation type of the linked agreement → (Chinese, English); None: no agreement linked
TYPE_NAMES: dict[str | None, tuple[str, str]] = {
    "tech_enabling": ("科技赋能型", "tech-enabling"), "chain_complement": ("产业链延补型", "chain complement"),
    "cross_fusion": ("跨界融合型", "cross-sector fusion"), None: ("未关联协议", "no agreement linked")}
#: the groupings of :func:`report`
REPORT_BY = ("zone", "subfund", "cooperation_type", "round")


def _money(argument: str, value: object) -> Decimal:
    """A positive amount of money with at most 4 decimals (万元), or InvalidArgument naming ``argument``."""
    try:
        units = to_units(value)
    except InvalidArgument as exc:
        raise InvalidArgument(argument, f"{exc.reason} (万元, at most 4 decimals)") from None
    if units <= 0:
        raise InvalidArgument(argument, f"must be positive (万元), got {value}")
    return from_units(units)


def _text(argument: str, value: str | None, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidArgument(argument, "must not be empty")
    if len(text) > limit:
        raise InvalidArgument(argument, f"at most {limit} characters, got {len(text)}")
    return text


def _position(conn: Connection, application_id: str, subfund: str) -> tuple[Any, int, int]:
    """The application (locked on PostgreSQL) and its (net committed, net disbursed) units in ``subfund``."""
    if subfund not in SUBFUNDS:
        raise InvalidArgument("subfund", f"use {', '.join(SUBFUNDS)} (开发基金/产业基金/创投基金), got {subfund!r}")
    app = conn.execute(select(FundApplication.id, FundApplication.round_id, FundApplication.is_synthetic)
                       .where(FundApplication.id == application_id).with_for_update()).first()
    if app is None:
        raise NotFound(f"no fund application {application_id!r}")
    c, d = FundCommitment, FundDisbursement
    net, paid = net_balances(conn, (c.application_id == application_id) & (c.subfund == subfund),
                          (d.application_id == application_id) & (d.subfund == subfund), "subfund").get(
        (subfund,), (0, 0))
    return app, net, paid


def _figures(net: int, paid: int) -> str:
    return (f"净承诺 {from_units(net):,f} 万元、净拨付 {from_units(paid):,f} 万元 / net committed "
            f"{from_units(net):,f}, net disbursed {from_units(paid):,f} 万元")


def _state(application_id: str, subfund: str, net: int, paid: int) -> dict[str, Any]:
    return {"application_id": application_id, "subfund": subfund, "net_committed": from_units(net),
            "net_disbursed": from_units(paid), "undisbursed": from_units(net - paid)}


def release(engine: Engine, application_id: str, subfund: str, amount: object, reason: str,
            actor: str) -> dict[str, Any]:
    """Release (释放) part of a commitment: net committed may not fall below what is disbursed."""
    money, why = _money("amount", amount), _text("reason", reason, 2000)
    units = to_units(money)
    with engine.begin() as conn:
        app, net, paid = _position(conn, application_id, subfund)
        if net - units < paid:
            raise Conflict(f"{application_id} / {subfund}: releasing {money:,f} 万元 would leave the net commitment "
                           f"{from_units(net - units):,f} below what is disbursed; {_figures(net, paid)}")
        conn.execute(FundCommitment.__table__.insert().values(
            round_id=app.round_id, application_id=application_id, subfund=subfund, kind="release", amount=money,
            reason=why, allocation_sha256=None, recorded_at=datetime.now(UTC), recorded_by=actor,
            is_synthetic=app.is_synthetic))
        after = _state(application_id, subfund, net - units, paid)
        audit.append(conn, actor=actor, action="release", entity="fund_commitment",
                     entity_key=f"{application_id}/{subfund}", before=_state(application_id, subfund, net, paid),
                     after={**after, "amount": money, "reason": why})
    return after


def _disbursement(engine: Engine, kind: str, application_id: str, subfund: str, amount: object, paid_on: date,
                  reference: str, actor: str) -> dict[str, Any]:
    money, ref = _money("amount", amount), _text("reference", reference, 100)
    if not isinstance(paid_on, date):
        raise InvalidArgument("paid_on", f"must be a date (YYYY-MM-DD), got {paid_on!r}")
    units = to_units(money) if kind == "payment" else -to_units(money)
    with engine.begin() as conn:
        app, net, paid = _position(conn, application_id, subfund)
        if paid + units > net:
            raise Conflict(f"{application_id} / {subfund}: paying {money:,f} 万元 would disburse "
                           f"{from_units(paid + units):,f} 万元, more than is committed; {_figures(net, paid)}")
        if paid + units < 0:
            raise Conflict(f"{application_id} / {subfund}: reversing {money:,f} 万元 would leave net disbursed "
                           f"{from_units(paid + units):,f} 万元 below 0; {_figures(net, paid)}")
        conn.execute(FundDisbursement.__table__.insert().values(
            application_id=application_id, subfund=subfund, kind=kind, amount=money, paid_on=paid_on, reference=ref,
            recorded_at=datetime.now(UTC), recorded_by=actor, is_synthetic=app.is_synthetic))
        after = _state(application_id, subfund, net, paid + units)
        audit.append(conn, actor=actor, action=kind, entity="fund_disbursement",
                     entity_key=f"{application_id}/{subfund}", before=_state(application_id, subfund, net, paid),
                     after={**after, "amount": money, "paid_on": paid_on.isoformat(), "reference": ref})
    return after


def disburse(engine: Engine, application_id: str, subfund: str, amount: object, paid_on: date, reference: str,
             actor: str) -> dict[str, Any]:
    """Record a payment (拨付) on a commitment: net disbursed may not exceed net committed."""
    return _disbursement(engine, "payment", application_id, subfund, amount, paid_on, reference, actor)


def reverse(engine: Engine, application_id: str, subfund: str, amount: object, paid_on: date, reference: str,
            actor: str) -> dict[str, Any]:
    """Record the reversal (冲回) of a payment: net disbursed may not fall below 0."""
    return _disbursement(engine, "reversal", application_id, subfund, amount, paid_on, reference, actor)


def application_ledger(engine: Engine, application_id: str) -> dict[str, Any]:
    """Every ledger entry of an application in the order recorded, each with the running balances of its
    sub-fund (net committed, net disbursed, undisbursed), and the final balances per sub-fund."""
    c, d = FundCommitment, FundDisbursement
    with engine.connect() as conn:
        app = conn.execute(select(FundApplication.__table__).where(FundApplication.id == application_id)).first()
        if app is None:
            raise NotFound(f"no fund application {application_id!r}")
        commits = conn.execute(select(c.__table__).where(c.application_id == application_id)).all()
        payments = conn.execute(select(d.__table__).where(d.application_id == application_id)).all()
    raw = [("commitment", r.recorded_at, r.id, r) for r in commits] + [("disbursement", r.recorded_at, r.id, r)
                                                                       for r in payments]
    balance: dict[str, list[int]] = {}
    entries = []
    for table, _, _, r in sorted(raw, key=lambda e: (e[1], e[0] == "disbursement", e[2])):
        units = to_units(r.amount)
        sign = 1 if r.kind in ("commit", "payment") else -1
        b = balance.setdefault(r.subfund, [0, 0])
        b[0 if table == "commitment" else 1] += sign * units
        entries.append({"table": table, "id": r.id, "kind": r.kind, "subfund": r.subfund, "amount": r.amount,
                        "signed": from_units(sign * units), "recorded_at": r.recorded_at, "recorded_by": r.recorded_by,
                        "paid_on": getattr(r, "paid_on", None), "reference": getattr(r, "reference", None),
                        "reason": getattr(r, "reason", None), "net_committed": from_units(b[0]),
                        "net_disbursed": from_units(b[1]), "undisbursed": from_units(b[0] - b[1])})
    balances = [_state(application_id, s, *balance[s]) for s in SUBFUNDS if s in balance]
    return {"application_id": application_id, "round_id": app.round_id, "zone_id": app.zone_id, "title": app.title,
            "asked": app.amount, "entries": entries, "balances": balances,
            "net_committed": sum((b["net_committed"] for b in balances), Decimal(0)),
            "net_disbursed": sum((b["net_disbursed"] for b in balances), Decimal(0)),
            "undisbursed": sum((b["undisbursed"] for b in balances), Decimal(0))}


def report(engine: Engine, *, round_id: str | None = None, by: str = "zone") -> dict[str, Any]:
    """The fund report (基金报表) by zone, sub-fund, cooperation type of the linked agreement, or round:
    ``rows`` of ``key, label_zh, label_en, applications, asked, committed, disbursed, undisbursed`` (exact
    Decimal 万元; committed and disbursed net of releases and reversals) and ``totals``. By sub-fund, the
    amount asked is not split (an application may draw on several sub-funds): ``asked`` is None and
    ``budget`` says what the sub-fund held; ``applications`` counts those with entries in it."""
    if by not in REPORT_BY:
        raise InvalidArgument("by", f"choose one of {', '.join(REPORT_BY)}, got {by!r}")
    a, c, d = FundApplication, FundCommitment, FundDisbursement
    joined, kind = typed_applications()
    with engine.connect() as conn:
        if round_id is not None:
            round_row(conn, round_id)
        scope = true() if round_id is None else a.round_id == round_id
        apps = {r.id: r for r in conn.execute(select(a.id, a.round_id, a.zone_id, a.amount, kind)
                                              .select_from(joined).where(scope))}
        in_scope = select(a.id).where(scope)
        balances = net_balances(conn, c.application_id.in_(in_scope), d.application_id.in_(in_scope),
                             "application_id", "subfund")
        names = {"zone": dict(conn.execute(select(models.Zone.id, models.Zone.name)).all()),
                 "round": dict(conn.execute(select(FundRound.id, FundRound.name)).all())}
        budgets: dict[str, int] = {}
        for code, units in conn.execute(select(FundBudget.subfund, type_coerce(FundBudget.budget, BigInteger))
                                        .where(true() if round_id is None else FundBudget.round_id == round_id)):
            budgets[code] = budgets.get(code, 0) + int(units)
    groups: dict[Any, dict[str, Any]] = {}

    def group(key: Any) -> dict[str, Any]:
        return groups.setdefault(key, {"apps": set(), "asked": 0, "committed": 0, "disbursed": 0})

    key_of = {"zone": lambda r: r.zone_id, "round": lambda r: r.round_id, "cooperation_type": lambda r: r.cooperation_type}
    if by != "subfund":
        for r in apps.values():
            g = group(key_of[by](r))
            g["apps"].add(r.id)
            g["asked"] += to_units(r.amount)
    for (app_id, subfund), (net, paid) in balances.items():
        g = group(subfund if by == "subfund" else key_of[by](apps[app_id]))
        g["apps"].add(app_id)
        g["committed"] += net
        g["disbursed"] += paid
    order = SUBFUNDS if by == "subfund" else sorted(groups, key=lambda k: (k is None, k or ""))
    rows = [_report_row(by, k, groups.get(k), names, budgets) for k in order
            if k in groups or (by == "subfund" and k in budgets)]
    totals = {"applications": len(apps), "asked": from_units(sum(to_units(r.amount) for r in apps.values())),
              "committed": from_units(sum(n for n, _ in balances.values())),
              "disbursed": from_units(sum(p for _, p in balances.values()))}
    totals["undisbursed"] = totals["committed"] - totals["disbursed"]
    return {"by": by, "round_id": round_id, "rows": rows, "totals": totals}


def _report_row(by: str, key: Any, g: dict[str, Any] | None, names: dict[str, dict[str, str]],
                budgets: dict[str, int]) -> dict[str, Any]:
    g = g or {"apps": set(), "asked": 0, "committed": 0, "disbursed": 0}
    if by == "subfund":
        label = SUBFUND_NAMES[key]
    elif by == "cooperation_type":
        label = TYPE_NAMES[key]
    else:
        label = (names[by].get(key, key),) * 2
    row = {"key": key, "label_zh": label[0], "label_en": label[1], "applications": len(g["apps"]),
           "asked": None if by == "subfund" else from_units(g["asked"]), "committed": from_units(g["committed"]),
           "disbursed": from_units(g["disbursed"]), "undisbursed": from_units(g["committed"] - g["disbursed"])}
    if by == "subfund":
        row["budget"] = from_units(budgets.get(key, 0))
    return row
