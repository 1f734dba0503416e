"""Fair sharing from the store (利益共享): a co-built project's settlement under its agreement's rules, and
the cross-shareholding view (交叉持股) with look-through shares, control and the community of interest.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import BigInteger, Engine, select, type_coerce

from parknet.errors import InvalidArgument, NotFound
from parknet.services import agreements, frameworks
from parknet.sharing.ownership import control, look_through
from parknet.sharing.transfers import METHODS, settle
from parknet.store import models
from parknet.store.cooperation import CoBuiltProject, ProjectPartner
from parknet.store.sharing import COALITION_SEPARATOR, CoalitionValue, Entity, Holding
from parknet.store.types import SCALE

__all__ = ["settle_project", "ownership", "default_method"]

_RULE_TO_METHOD = {"shapley": "shapley", "nucleolus": "nucleolus", "proportional": "proportional",
                   "by_investment": "proportional", "by_agreement": "proportional"}


def default_method(effective_rules: dict[str, Any]) -> str:
    """The settlement method an agreement's rules name (收益分享规则); Shapley when they name none."""
    rule = str((effective_rules.get("revenue_sharing") or {}).get("rule", "shapley"))
    return _RULE_TO_METHOD.get(rule, "shapley")


def settle_project(engine: Engine, project_id: str, method: str | None = None) -> dict[str, Any]:
    """Settle ``project_id``: partners' investments and the coalition values from the store, the method
    from ``method`` or the agreement's revenue-sharing rule, the support ratio from its effective rules."""
    if method is not None and method not in METHODS:
        raise InvalidArgument("--method", f"choose one of {', '.join(METHODS)}, got {method!r}")
    with engine.connect() as conn:
        project = conn.execute(select(CoBuiltProject.__table__).where(CoBuiltProject.id == project_id)).first()
        if project is None:
            raise NotFound(f"no co-built project {project_id!r}")
        investments = {zone: investment for zone, investment in conn.execute(
            select(ProjectPartner.zone_id, ProjectPartner.investment).where(ProjectPartner.project_id == project_id))}
        rows = conn.execute(select(CoalitionValue.coalition, CoalitionValue.value, CoalitionValue.basis,
                                   CoalitionValue.source).where(CoalitionValue.project_id == project_id)).all()
    if not rows:
        raise NotFound(f"project {project_id} has no coalition values v(S) yet: import them with "
                       "'parknet import coalition-values FILE' (columns project_id, coalition, value, basis)")
    agreement = agreements.detail(engine, project.agreement_id)
    rules = agreement["effective_rules"]
    chosen = method or default_method(rules)
    values = {frozenset(c.split(COALITION_SEPARATOR)): v for c, v, _, _ in rows}
    result = settle(investments, values, method=chosen, direct_support_ratio=frameworks.support_ratio(rules))
    return {"project_id": project_id, "name": project.name, "agreement_id": project.agreement_id,
            "agreement_title": agreement["title"], "method_source": "--method" if method else "agreement rules",
            "bases": sorted({b for _, _, b, _ in rows}), "sources": sorted({s for _, _, _, s in rows if s}),
            **result.to_dict()}


def _holdings_frame(engine: Engine) -> tuple[pl.DataFrame, dict[str, dict[str, Any]]]:
    with engine.connect() as conn:
        entities = {r.id: {"entity_id": r.id, "name": r.name, "kind": r.kind, "zone_id": r.zone_id,
                           "province_code": r.province_code, "project_id": r.project_id, "is_synthetic": r.is_synthetic}
                    for r in conn.execute(select(Entity.__table__))}
        rows = conn.execute(select(Holding.holder_id, Holding.company_id, type_coerce(Holding.share, BigInteger))).all()
    frame = pl.DataFrame([(h, c, u / SCALE) for h, c, u in rows],
                         schema={"holder": pl.String, "company": pl.String, "share": pl.Float64}, orient="row")
    return frame, entities


def ownership(engine: Engine, zone: str | None = None) -> dict[str, Any]:
    """Entities, direct holdings, look-through shares of ultimate owners U = E(I − A)⁻¹, control (> 50% chain
    rule), and the community of interest: what each zone (through its committee) ultimately holds in
    co-built projects with partner zones. ``zone`` keeps only what concerns that zone."""
    frame, entities = _holdings_frame(engine)
    if frame.is_empty():
        return {"entities": list(entities.values()), "holdings": [], "look_through": [], "control": [],
                "community": [], "note": "no holdings recorded (parknet import holdings FILE)"}
    through = look_through(frame)
    controls = control(frame)
    with engine.connect() as conn:
        partners: dict[str, set[str]] = {}
        for project, z in conn.execute(select(ProjectPartner.project_id, ProjectPartner.zone_id)):
            partners.setdefault(project, set()).add(z)
        names = dict(conn.execute(select(CoBuiltProject.id, CoBuiltProject.name)).all())
        zone_names = dict(conn.execute(select(models.Zone.id, models.Zone.name)).all())
    community = []
    for r in through.iter_rows(named=True):
        owner, company = entities.get(r["owner"], {}), entities.get(r["company"], {})
        project = company.get("project_id")
        if owner.get("kind") != "committee" or not project:
            continue
        others = sorted(partners.get(project, set()) - {owner.get("zone_id")})
        community.append({"zone_id": owner.get("zone_id"), "zone": zone_names.get(owner.get("zone_id")),
                          "project_id": project, "project": names.get(project), "company_id": r["company"],
                          "share": round(r["share"], 6), "partner_zones": others,
                          "in_partner_project": owner.get("zone_id") not in partners.get(project, set())
                          or bool(others)})
    holdings = [{"holder": h, "company": c, "share": s} for h, c, s in frame.iter_rows()]
    look = [{"owner": o, "company": c, "share": round(s, 6)} for o, c, s in through.iter_rows()]
    ctrl = controls.to_dicts()
    if zone is not None:
        if zone not in zone_names:
            raise NotFound(f"no zone {zone!r}")
        mine = {e for e, d in entities.items() if d["zone_id"] == zone} | {
            e for e, d in entities.items() if d["project_id"] and zone in partners.get(d["project_id"], set())}
        holdings = [h for h in holdings if h["holder"] in mine or h["company"] in mine]
        look = [row for row in look if row["owner"] in mine or row["company"] in mine]
        ctrl = [row for row in ctrl if row["owner"] in mine or row["company"] in mine]
        community = [row for row in community if row["zone_id"] == zone or zone in row["partner_zones"]]
        shown = {h["holder"] for h in holdings} | {h["company"] for h in holdings}
        entity_list = [d for e, d in entities.items() if e in shown]
    else:
        entity_list = list(entities.values())
    return {"entities": entity_list, "holdings": holdings, "look_through": look, "control": ctrl,
            "community": sorted(community, key=lambda r: (r["zone_id"] or "", r["project_id"]))}
