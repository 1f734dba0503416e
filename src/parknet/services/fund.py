"""The coordination fund from the store (协同发展基金, MECHANISMS.md §5.1): a round's inputs, its allocation
explained (:func:`parknet.enabling.fund.allocate` beside the greedy baseline) and committing it (承诺出资).
The commitment/disbursement ledger and its reports are :mod:`parknet.services.fund_ledger`; the reading
helpers both need (:func:`round_row`, :func:`typed_applications`, :func:`net_balances`) live here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import BigInteger, Connection, Engine, case, func, select, true, type_coerce
from sqlalchemy.orm import aliased

from parknet.attribution.money import AMOUNT, from_units
from parknet.enabling.fund import Allocation, Constraint, Decision, FundPolicy, allocate, allocation_digest, greedy
from parknet.errors import Conflict, NotFound
from parknet.services.network import leading_zones
from parknet.store import audit
from parknet.store.cooperation import Agreement, CoBuiltProject
from parknet.store.enabling import (
    SUBFUNDS,
    FundApplication,
    FundBudget,
    FundCommitment,
    FundDisbursement,
    FundRound,
)

__all__ = ["round_inputs", "list_rounds", "round_detail", "allocate_round", "commit_round", "round_row",
           "typed_applications", "net_balances", "SUBFUND_NAMES"]

#: sub-fund code → (Chinese, English)
SUBFUND_NAMES = {"development": ("开发基金", "development fund"), "industry": ("产业基金", "industry fund"),
                 "venture": ("创投基金", "venture fund")}

# --- reading a round ---------------------------------------------------------------------------------------

def round_row(conn: Connection, round_id: str, *, lock: bool = False) -> Any:
    """The ``fund_rounds`` row of ``round_id`` (locked ``FOR UPDATE`` when ``lock``), or :class:`NotFound`."""
    stmt = select(FundRound.__table__).where(FundRound.id == round_id)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound(f"no fund round {round_id!r} (parknet fund rounds lists them)")
    return row


def _round_dict(row: Any) -> dict[str, Any]:
    return {"round_id": row.id, "name": row.name, "province_code": row.province_code, "year": row.year,
            "zone_cap": row.zone_cap, "lagging_min_share": row.lagging_min_share,
            "partial_allowed": row.partial_allowed, "status": row.status, "is_synthetic": row.is_synthetic}


def _budgets(conn: Connection, round_id: str) -> dict[str, Decimal]:
    rows = dict(conn.execute(select(FundBudget.subfund, FundBudget.budget).where(FundBudget.round_id == round_id)).all())
    return {code: rows[code] for code in SUBFUNDS if code in rows}


def _lagging_of(engine: Engine) -> Callable[[str], bool]:
    """A zone is lagging (后发园区) unless it leads its province's 1+N network (default year)."""
    leaders = {z for network in leading_zones(engine).values() for z in network["leaders"]}
    return lambda zone: zone not in leaders


def typed_applications() -> tuple[Any, Any]:
    """fund_applications joined to the cooperation type (合作类型) of the linked agreement, else of the linked
    co-built project's agreement: (the join, the ``cooperation_type`` column)."""
    a, pj = FundApplication, CoBuiltProject
    direct, via = aliased(Agreement), aliased(Agreement)
    joined = (a.__table__.outerjoin(direct, direct.id == a.agreement_id).outerjoin(pj, pj.id == a.project_id)
              .outerjoin(via, via.id == pj.agreement_id))
    return joined, func.coalesce(direct.cooperation_type, via.cooperation_type).label("cooperation_type")


def _applications(conn: Connection, round_id: str, lagging: Callable[[str], bool]) -> pl.DataFrame:
    a = FundApplication
    joined, kind = typed_applications()
    apps = conn.execute(select(a.id, a.zone_id, a.title, a.amount, a.impact, a.eligible, a.partial, a.min_amount,
                               a.agreement_id, a.project_id, kind).select_from(joined)
                        .where(a.round_id == round_id).order_by(a.id)).all()
    return pl.DataFrame(
        [{"application_id": r.id, "zone_id": r.zone_id, "title": r.title, "amount": r.amount, "impact": r.impact,
          "eligible": [c for c in r.eligible.split(",") if c], "lagging": lagging(r.zone_id), "partial": r.partial,
          "min_amount": r.min_amount, "cooperation_type": r.cooperation_type, "agreement_id": r.agreement_id,
          "project_id": r.project_id} for r in apps],
        schema={"application_id": pl.String, "zone_id": pl.String, "title": pl.String, "amount": AMOUNT,
                "impact": pl.Float64, "eligible": pl.List(pl.String), "lagging": pl.Boolean, "partial": pl.Boolean,
                "min_amount": AMOUNT, "cooperation_type": pl.String, "agreement_id": pl.String,
                "project_id": pl.String}, orient="row")


def _inputs(conn: Connection, round_id: str, lagging: Callable[[str], bool]
            ) -> tuple[Any, pl.DataFrame, pl.DataFrame, FundPolicy]:
    row = round_row(conn, round_id)
    budgets = _budgets(conn, round_id)
    if not budgets:
        raise Conflict(f"round {round_id} has no sub-fund budgets yet: import them with "
                       "'parknet import fund-budgets FILE' (round_id, subfund, budget)")
    subfunds = pl.DataFrame({"subfund": list(budgets), "budget": list(budgets.values())},
                            schema={"subfund": pl.String, "budget": AMOUNT})
    policy = FundPolicy(zone_cap=row.zone_cap, lagging_min_share=row.lagging_min_share,
                        partial_allowed=row.partial_allowed)
    return row, _applications(conn, round_id, lagging), subfunds, policy


def round_inputs(engine: Engine, round_id: str) -> tuple[pl.DataFrame, pl.DataFrame, FundPolicy]:
    """(applications, subfunds, policy) of a stored round, as :func:`parknet.enabling.fund.allocate` takes
    them: ``lagging`` when the applicant zone is not its province's leading zone
    (:func:`parknet.services.network.leading_zones`, default year); ``cooperation_type`` from the linked
    agreement, else the linked co-built project's agreement, else null; ``eligible`` as a list."""
    lagging = _lagging_of(engine)
    with engine.connect() as conn:
        _, applications, subfunds, policy = _inputs(conn, round_id, lagging)
    return applications, subfunds, policy


def _units_by(conn: Connection, model: Any, positive: str, where: Any, *keys: Any) -> dict[tuple, int]:
    """Σ amount (+ for ``positive`` kind, − otherwise) in integer units, grouped by ``keys``."""
    units = type_coerce(model.amount, BigInteger)
    signed = func.sum(case((model.kind == positive, units), else_=-units))
    rows = conn.execute(select(*keys, signed).where(where).group_by(*keys)).all()
    return {tuple(r[:-1]): int(r[-1] or 0) for r in rows}


def net_balances(conn: Connection, where_commit: Any, where_paid: Any,
                 *keys: str) -> dict[tuple, tuple[int, int]]:
    """(net committed, net disbursed) units per ``keys`` (columns of both ledger tables)."""
    committed = _units_by(conn, FundCommitment, "commit", where_commit, *(getattr(FundCommitment, k) for k in keys))
    paid = _units_by(conn, FundDisbursement, "payment", where_paid, *(getattr(FundDisbursement, k) for k in keys))
    return {k: (committed.get(k, 0), paid.get(k, 0)) for k in sorted(committed.keys() | paid.keys())}


def list_rounds(engine: Engine) -> list[dict[str, Any]]:
    """Every round (newest year first) with its budgets, status, applications, amount asked, and what is
    committed and disbursed (net), 万元."""
    with engine.connect() as conn:
        rounds = conn.execute(select(FundRound.__table__).order_by(FundRound.year.desc(), FundRound.id)).all()
        asked = {r: (n, u) for r, n, u in conn.execute(
            select(FundApplication.round_id, func.count(), func.sum(type_coerce(FundApplication.amount, BigInteger)))
            .group_by(FundApplication.round_id))}
        balances = net_balances(conn, true(), true(), "application_id")
        app_round = dict(conn.execute(select(FundApplication.id, FundApplication.round_id)).all())
        out = []
        for row in rounds:
            mine = [v for (app,), v in balances.items() if app_round.get(app) == row.id]
            n, units = asked.get(row.id, (0, 0))
            budgets = _budgets(conn, row.id)
            out.append({**_round_dict(row), "budgets": budgets, "budget_total": sum(budgets.values(), Decimal(0)),
                        "applications": n, "asked": from_units(int(units or 0)),
                        "committed": from_units(sum(c for c, _ in mine)), "disbursed": from_units(sum(p for _, p in mine))})
    return out


def round_detail(engine: Engine, round_id: str) -> dict[str, Any]:
    """A round, its budgets and its applications (in id order, with lagging flag and cooperation type)."""
    lagging = _lagging_of(engine)
    with engine.connect() as conn:
        row = round_row(conn, round_id)
        budgets = _budgets(conn, round_id)
        applications = _applications(conn, round_id, lagging)
        extra = {r.id: r for r in conn.execute(select(FundApplication.id, FundApplication.partners,
                                                      FundApplication.co_funding, FundApplication.impact_basis)
                                               .where(FundApplication.round_id == round_id))}
    items = []
    for r in applications.iter_rows(named=True):
        e = extra[r["application_id"]]
        items.append({**r, "partners": e.partners.split("+") if e.partners else [], "co_funding": e.co_funding,
                      "impact_basis": e.impact_basis})
    return {"round": _round_dict(row), "budgets": [{"subfund": c, "name": SUBFUND_NAMES[c][0], "budget": b}
                                                   for c, b in budgets.items()], "applications": items}


# --- the allocation explained ----------------------------------------------------------------------------

def _constraint(c: Constraint) -> dict[str, Any]:
    return {"kind": str(c.kind), "name": c.name, "key": c.key, "limit": c.limit, "used": c.used, "slack": c.slack,
            "binding": c.binding, "shadow_price": c.shadow_price}


def _decision(d: Decision, info: dict[str, Any]) -> dict[str, Any]:
    return {"application_id": d.application_id, "zone_id": d.zone_id, "title": info["title"],
            "lagging": info["lagging"], "cooperation_type": info["cooperation_type"], "outcome": str(d.outcome),
            "asked": d.asked, "awarded": d.awarded, "by_subfund": dict(d.by_subfund), "impact": d.impact,
            "credited": d.credited, "impact_per_wan": d.impact_per_wan, "causes": [str(c) for c in d.causes],
            "constraints": list(d.constraints), "reasons": list(d.reasons)}


def _awards(result: Allocation) -> list[dict[str, Any]]:
    return [{"application_id": a, "subfund": s, "amount": m} for a, s, m in result.awards.iter_rows()]


def _rules(row: Any) -> dict[str, Any]:
    """The round's rules as the allocation digest records them (not its status)."""
    return {k: v for k, v in _round_dict(row).items() if k not in ("status", "is_synthetic")}


def _totals(decisions: list[dict[str, Any]], codes: list[str]) -> dict[str, Any]:
    awarded = sum((d["awarded"] for d in decisions), Decimal(0))
    lagging = sum((d["awarded"] for d in decisions if d["lagging"]), Decimal(0))
    by_subfund = {c: sum((d["by_subfund"].get(c, Decimal(0)) for d in decisions), Decimal(0)) for c in codes}
    return {"awarded": awarded, "by_subfund": by_subfund, "lagging_awarded": lagging,
            "lagging_share": float(lagging / awarded) if awarded else None}


def _solve(conn: Connection, round_id: str, lagging: Callable[[str], bool]) -> dict[str, Any]:
    row, applications, subfunds, policy = _inputs(conn, round_id, lagging)
    result = allocate(applications, subfunds, policy)
    baseline = greedy(applications, subfunds, policy)
    info = {r["application_id"]: r for r in applications.iter_rows(named=True)}
    decisions = [_decision(d, info[d.application_id]) for d in result.explain()]
    marginal = result.marginal
    awards = _awards(result)
    budgets = dict(subfunds.iter_rows())
    return {"round_id": round_id, "round": _round_dict(row),
            "budgets": [{"subfund": c, "name": SUBFUND_NAMES[c][0], "budget": b} for c, b in budgets.items()],
            "optimal": result.optimal, "objective": result.objective, "bound": result.bound, "status": result.status,
            "method": result.method, "awards": awards,
            "binding": [_constraint(c) for c in result.binding],
            "constraints": [_constraint(c) for c in result.constraints],
            "marginal": None if marginal is None else _decision(marginal, info[marginal.application_id]),
            "decisions": decisions, "totals": _totals(decisions, list(budgets)),
            "greedy_objective": baseline.objective, "allocation_sha256": allocation_digest(_rules(row), subfunds, applications, result.awards)}


def _commitments(conn: Connection, round_id: str) -> tuple[list[dict[str, Any]], set[str]]:
    """Per application × sub-fund: committed, released, net committed, disbursed (net), undisbursed; and the
    allocation hashes the commitments name."""
    c = FundCommitment
    where = c.round_id == round_id
    committed = _units_by(conn, c, "commit", where & (c.kind == "commit"), c.application_id, c.subfund)
    net = _units_by(conn, c, "commit", where, c.application_id, c.subfund)
    apps = select(FundApplication.id).where(FundApplication.round_id == round_id)
    paid = _units_by(conn, FundDisbursement, "payment", FundDisbursement.application_id.in_(apps),
                     FundDisbursement.application_id, FundDisbursement.subfund)
    hashes = set(conn.execute(select(c.allocation_sha256).where(where, c.allocation_sha256.is_not(None))).scalars())
    rows = []
    for key in sorted(committed.keys() | net.keys() | paid.keys()):
        n, p = net.get(key, 0), paid.get(key, 0)
        rows.append({"application_id": key[0], "subfund": key[1], "committed": from_units(committed.get(key, 0)),
                     "released": from_units(committed.get(key, 0) - n), "net_committed": from_units(n),
                     "disbursed": from_units(p), "undisbursed": from_units(n - p)})
    return rows, hashes


def allocate_round(engine: Engine, round_id: str) -> dict[str, Any]:
    """The round's optimal allocation, explained, beside the greedy baseline — always solved afresh from the
    stored inputs; nothing is written.

    Keys: ``round_id, round, budgets, optimal, objective, bound, status, method, awards, binding,
    constraints`` (``kind, name, key, limit, used, slack, binding, shadow_price``), ``marginal`` (the best
    application not fully funded, or None), ``decisions`` (every application: ``outcome, asked, awarded,
    by_subfund, impact, impact_per_wan, causes, reasons`` …), ``totals`` (``awarded, by_subfund,
    lagging_awarded, lagging_share``), ``greedy_objective``, ``allocation_sha256``, ``committed``; for a
    committed round also ``commitments`` (per application × sub-fund with what was released and disbursed)
    and ``commitments_match`` (the commit entries equal the fresh awards and name the same hash). Money is
    Decimal 万元. The core's refusals (an application asking more than its sub-funds hold, a lagging minimum
    no award can meet) raise :class:`InvalidArgument` with its message."""
    lagging = _lagging_of(engine)
    with engine.connect() as conn:
        result = _solve(conn, round_id, lagging)
        result["committed"] = result["round"]["status"] == "committed"
        if result["committed"]:
            rows, hashes = _commitments(conn, round_id)
            result["commitments"] = rows
            fresh = {(a["application_id"], a["subfund"]): a["amount"] for a in result["awards"]}
            stored = {(r["application_id"], r["subfund"]): r["committed"] for r in rows if r["committed"]}
            result["commitments_match"] = fresh == stored and hashes <= {result["allocation_sha256"]}
    return result


def commit_round(engine: Engine, round_id: str, actor: str) -> dict[str, Any]:
    """Commit a round's allocation (承诺出资): solve it, refuse unless proven optimal, write one ``commit``
    entry per award naming the allocation and its SHA-256, mark the round committed, audit — one transaction.
    A committed round can no longer change (its budgets and applications refuse imports) → :class:`Conflict`
    on a second commit."""
    lagging = _lagging_of(engine)
    with engine.begin() as conn:
        row = round_row(conn, round_id, lock=True)
        if row.status == "committed":
            raise Conflict(f"round {round_id} is committed already; correct it with releases (parknet fund release)")
        result = _solve(conn, round_id, lagging)
        if not result["optimal"]:
            raise Conflict(f"round {round_id}: the allocation is not proven optimal ({result['status']}); "
                           "nothing was committed")
        digest, now = result["allocation_sha256"], datetime.now(UTC)
        reason = (f"基金分配 {round_id} 承诺出资（最优解，目标值 {result['objective']:.6g}）/ commitment of the optimal "
                  f"allocation of round {round_id} (objective {result['objective']:.6g}, sha256 {digest[:12]}…)")
        entries = [{"round_id": round_id, "application_id": a["application_id"], "subfund": a["subfund"],
                    "kind": "commit", "amount": a["amount"], "reason": reason, "allocation_sha256": digest,
                    "recorded_at": now, "recorded_by": actor, "is_synthetic": row.is_synthetic}
                   for a in result["awards"]]
        if entries:
            conn.execute(FundCommitment.__table__.insert(), entries)
        conn.execute(FundRound.__table__.update().where(FundRound.id == round_id).values(status="committed"))
        audit.append(conn, actor=actor, action="commit", entity="fund_round", entity_key=round_id,
                     before={"status": row.status},
                     after={"status": "committed", "allocation_sha256": digest, "objective": result["objective"],
                            "awards": result["awards"]})
    return {"round_id": round_id, "status": "committed", "commitments": len(entries), "allocation_sha256": digest,
            "total": result["totals"]["awarded"], "objective": result["objective"]}
