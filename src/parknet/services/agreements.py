"""Cooperation agreements (合作协议) and their co-built projects (共建项目/平台).

Lifecycle: draft 草稿 → proposed 已提交 → active 生效 → terminated 终止. An agreement becomes active only
when every party's zone admin has confirmed it (the last confirmation activates it); edits are possible only
in draft. Every change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from parknet.domain import INDICATOR_CODES, CooperationType
from parknet.errors import Conflict, Forbidden, InvalidArgument, NotFound
from parknet.services import frameworks
from parknet.services.accounts import Principal
from parknet.store import audit, models
from parknet.store.cooperation import (
    AGREEMENT_FORMS,
    Agreement,
    AgreementParty,
    CoBuiltProject,
    ProjectPartner,
    ProjectValue,
)
from parknet.store.ledger import refuse_closed
from parknet.store.types import to_decimal

__all__ = ["AgreementDraft", "create", "propose", "confirm", "activate", "terminate", "detail", "list_agreements",
           "add_project", "set_project_values", "PartnerShare"]


@dataclass(frozen=True)
class AgreementDraft:
    """What a new agreement says: ≥ 2 zones (the first is the lead unless ``lead`` names another), its type
    (科技赋能型 / 产业链互补型 / 跨界融合型), form, fields (GB/T 4754 codes), dates, and rule overrides."""

    title: str
    zones: Sequence[str]
    cooperation_type: str
    form: str
    starts_on: date
    ends_on: date | None = None
    fields: Sequence[str] = ()
    rules: Mapping[str, Any] | None = None
    lead: str | None = None
    agreement_id: str | None = None
    is_synthetic: bool = False


@dataclass(frozen=True)
class PartnerShare:
    """A partner's statistics weight w_p (> 0) and investment (万元, ≥ 0) in a co-built project."""

    zone_id: str
    weight: Decimal
    investment: Decimal = Decimal(0)


def _now() -> datetime:
    return datetime.now(UTC)


def _row(conn: Connection, agreement_id: str) -> Any:
    row = conn.execute(select(Agreement.__table__).where(Agreement.id == agreement_id)).first()
    if row is None:
        raise NotFound(f"no agreement {agreement_id!r}")
    return row


def _state(conn: Connection, agreement_id: str) -> dict[str, Any]:
    a = _row(conn, agreement_id)
    parties = conn.execute(select(AgreementParty.__table__).where(AgreementParty.agreement_id == agreement_id)
                           .order_by(AgreementParty.role, AgreementParty.zone_id)).all()
    return {"id": a.id, "status": a.status, "title": a.title, "province_code": a.province_code,
            "framework_version": a.framework_version, "cooperation_type": a.cooperation_type, "form": a.form,
            "fields": json.loads(a.fields), "starts_on": a.starts_on.isoformat(),
            "ends_on": a.ends_on.isoformat() if a.ends_on else None, "rules": json.loads(a.rules),
            "termination_reason": a.termination_reason, "is_synthetic": a.is_synthetic,
            "parties": [{"zone_id": p.zone_id, "role": p.role, "confirmed_by": p.confirmed_by,
                         "confirmed_at": p.confirmed_at.isoformat() if p.confirmed_at else None} for p in parties]}


def _validate(conn: Connection, draft: AgreementDraft) -> tuple[str, str]:
    zones = list(dict.fromkeys(draft.zones))
    if len(zones) != len(draft.zones):
        raise InvalidArgument("zones", "a zone is listed twice")
    if len(zones) < 2:
        raise InvalidArgument("zones", "an agreement names at least two zones")
    if not draft.title.strip():
        raise InvalidArgument("title", "give the agreement a title")
    if draft.cooperation_type not in {c.value for c in CooperationType}:
        raise InvalidArgument("cooperation_type", "choose tech_enabling (科技赋能型), chain_complement (产业链互补型) "
                                                  f"or cross_fusion (跨界融合型), got {draft.cooperation_type!r}")
    if draft.form not in AGREEMENT_FORMS:
        raise InvalidArgument("form", f"choose one of {', '.join(AGREEMENT_FORMS)}, got {draft.form!r}")
    if draft.ends_on is not None and draft.ends_on < draft.starts_on:
        raise InvalidArgument("ends_on", f"{draft.ends_on} is before the start {draft.starts_on}")
    lead = draft.lead or zones[0]
    if lead not in zones:
        raise InvalidArgument("lead", f"the lead zone {lead!r} is not one of the parties")
    found = dict(conn.execute(select(models.Zone.id, models.Zone.province_code).where(models.Zone.id.in_(zones))).all())
    missing = [z for z in zones if z not in found]
    if missing:
        raise InvalidArgument("zones", f"unknown zones {missing}")
    provinces = {found[z] for z in zones}
    if len(provinces) > 1:
        raise InvalidArgument("zones", "the parties are in different provinces "
                                       f"({', '.join(sorted(provinces))}); a 1+N agreement is made under one "
                                       "province's guiding framework")
    known = set(conn.execute(select(models.Industry.code).where(models.Industry.code.in_(list(draft.fields)))).scalars())
    unknown = [f for f in draft.fields if f not in known]
    if unknown:
        raise InvalidArgument("fields", f"unknown GB/T 4754 industry codes {unknown}")
    return lead, provinces.pop()


def create(engine: Engine, draft: AgreementDraft, principal: Principal) -> str:
    """Create an agreement in draft under the province's current framework; returns its id (AG-省码-序号).

    The province admin drafts any agreement; a zone admin only one its own zone is party to.
    """
    if principal.role not in ("admin", "zone_admin"):
        raise Forbidden(f"{principal.username} ({principal.role}) may not draft agreements")
    if principal.role == "zone_admin" and principal.zone_id not in draft.zones:
        raise Forbidden(f"{principal.username} is the zone admin of {principal.zone_id}, which is not among the "
                        f"parties {list(draft.zones)}")
    actor = principal.username
    with engine.begin() as conn:
        lead, province = _validate(conn, draft)
        framework = frameworks.current(conn, province)
        document = frameworks.merge(dict(framework) if framework else frameworks.template(), dict(draft.rules or {}))
        frameworks.relocation_rule(document)  # overrides must still give a valid rule
        frameworks.support_ratio(document)
        if framework and framework.get("cooperation_types") and draft.cooperation_type not in framework["cooperation_types"]:
            raise InvalidArgument("cooperation_type", f"province {province}'s framework does not provide for "
                                                      f"{draft.cooperation_type}")
        agreement_id = draft.agreement_id or _next_id(conn, province)
        if conn.execute(select(Agreement.id).where(Agreement.id == agreement_id)).scalar():
            raise Conflict(f"agreement {agreement_id} exists already")
        now = _now()
        conn.execute(Agreement.__table__.insert().values(
            id=agreement_id, province_code=province, framework_version=framework["version"] if framework else None,
            title=draft.title.strip(), cooperation_type=draft.cooperation_type, form=draft.form,
            fields=frameworks.canonical_json(list(draft.fields)), starts_on=draft.starts_on, ends_on=draft.ends_on,
            rules=frameworks.canonical_json(dict(draft.rules or {})), status="draft", created_at=now,
            created_by=actor, changed_at=now, is_synthetic=draft.is_synthetic))
        conn.execute(AgreementParty.__table__.insert(), [
            {"agreement_id": agreement_id, "zone_id": z, "role": "lead" if z == lead else "partner"}
            for z in dict.fromkeys(draft.zones)])
        audit.append(conn, actor=actor, action="create", entity="agreement", entity_key=agreement_id,
                     after=_state(conn, agreement_id))
    return agreement_id


def _next_id(conn: Connection, province: str) -> str:
    prefix = f"AG-{province[:2]}-"
    taken = conn.execute(select(func.count()).select_from(Agreement).where(Agreement.id.like(prefix + "%"))).scalar()
    n = (taken or 0) + 1
    while conn.execute(select(Agreement.id).where(Agreement.id == f"{prefix}{n:04d}")).scalar():
        n += 1
    return f"{prefix}{n:04d}"


def _transition(conn: Connection, agreement_id: str, allowed: tuple[str, ...], to: str, actor: str, action: str,
                **values: Any) -> None:
    before = _state(conn, agreement_id)
    if before["status"] not in allowed:
        raise Conflict(f"agreement {agreement_id} is {before['status']}; {action} needs it to be "
                       f"{' or '.join(allowed)}")
    conn.execute(Agreement.__table__.update().where(Agreement.id == agreement_id)
                 .values(status=to, changed_at=_now(), **values))
    audit.append(conn, actor=actor, action=action, entity="agreement", entity_key=agreement_id, before=before,
                 after=_state(conn, agreement_id))


def _may_act_for_agreement(principal: Principal, state: dict[str, Any]) -> None:
    if principal.role == "admin":
        return
    if principal.role == "zone_admin" and principal.zone_id in {p["zone_id"] for p in state["parties"]}:
        return
    raise Forbidden(f"{principal.username} ({principal.role}) is neither the province admin nor an admin of a "
                    f"party to {state['id']}")


def propose(engine: Engine, agreement_id: str, principal: Principal) -> None:
    """draft → proposed: the parties are asked to confirm (提交各方确认)."""
    with engine.begin() as conn:
        _may_act_for_agreement(principal, _state(conn, agreement_id))
        _transition(conn, agreement_id, ("draft",), "proposed", principal.username, "propose")


def confirm(engine: Engine, agreement_id: str, zone_id: str, principal: Principal) -> str:
    """A party's zone admin confirms (确认); the last confirmation activates the agreement. Returns the status."""
    with engine.begin() as conn:
        state = _state(conn, agreement_id)
        party = next((p for p in state["parties"] if p["zone_id"] == zone_id), None)
        if party is None:
            raise InvalidArgument("zone", f"{zone_id} is not a party to {agreement_id}")
        if principal.role != "zone_admin" or principal.zone_id != zone_id:
            raise Forbidden(f"only {zone_id}'s zone admin can confirm for {zone_id}; {principal.username} is "
                            f"{principal.role}" + (f" of {principal.zone_id}" if principal.zone_id else ""))
        if state["status"] != "proposed":
            raise Conflict(f"agreement {agreement_id} is {state['status']}; parties confirm a proposed agreement")
        if party["confirmed_at"]:
            raise Conflict(f"{zone_id} confirmed {agreement_id} already ({party['confirmed_by']})")
        conn.execute(AgreementParty.__table__.update()
                     .where(AgreementParty.agreement_id == agreement_id, AgreementParty.zone_id == zone_id)
                     .values(confirmed_at=_now(), confirmed_by=principal.username))
        audit.append(conn, actor=principal.username, action="confirm", entity="agreement",
                     entity_key=f"{agreement_id}/{zone_id}", before=party, after=_state(conn, agreement_id)["parties"])
        if all(p["confirmed_at"] for p in _state(conn, agreement_id)["parties"]):
            _transition(conn, agreement_id, ("proposed",), "active", principal.username, "activate")
            return "active"
    return "proposed"


def activate(engine: Engine, agreement_id: str, principal: Principal) -> None:
    """Explicit activation: refused, naming the parties, unless every party has confirmed."""
    with engine.begin() as conn:
        state = _state(conn, agreement_id)
        _may_act_for_agreement(principal, state)
        waiting = [p["zone_id"] for p in state["parties"] if not p["confirmed_at"]]
        if waiting:
            raise Conflict(f"agreement {agreement_id} cannot become active: not confirmed by {', '.join(waiting)}")
        _transition(conn, agreement_id, ("proposed",), "active", principal.username, "activate")


def terminate(engine: Engine, agreement_id: str, reason: str, principal: Principal) -> None:
    """Any state but terminated → terminated (终止), with a reason."""
    if not reason.strip():
        raise InvalidArgument("reason", "say why the agreement is terminated")
    with engine.begin() as conn:
        _may_act_for_agreement(principal, _state(conn, agreement_id))
        _transition(conn, agreement_id, ("draft", "proposed", "active"), "terminated", principal.username,
                    "terminate", termination_reason=reason.strip())


def detail(engine: Engine, agreement_id: str) -> dict[str, Any]:
    """The agreement with its parties, its effective rules (framework ← overrides) and its projects."""
    with engine.connect() as conn:
        state = _state(conn, agreement_id)
        framework = (frameworks.load(conn, state["province_code"], state["framework_version"])
                     if state["framework_version"] else None)
        state["effective_rules"] = frameworks.merge(dict(framework) if framework else frameworks.template(),
                                                    state["rules"])
        state["projects"] = _projects(conn, [agreement_id])
    return state


def _projects(conn: Connection, agreement_ids: list[str]) -> list[dict[str, Any]]:
    projects = conn.execute(select(CoBuiltProject.__table__).where(CoBuiltProject.agreement_id.in_(agreement_ids))
                            .order_by(CoBuiltProject.id)).all()
    ids = [p.id for p in projects]
    partners: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(select(ProjectPartner.__table__).where(ProjectPartner.project_id.in_(ids))
                            .order_by(ProjectPartner.zone_id)):
        partners.setdefault(row.project_id, []).append(
            {"zone_id": row.zone_id, "weight": row.weight, "investment": row.investment})
    values: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(select(ProjectValue.__table__).where(ProjectValue.project_id.in_(ids))
                            .order_by(ProjectValue.year, ProjectValue.indicator_code)):
        values.setdefault(row.project_id, []).append(
            {"year": row.year, "indicator": row.indicator_code, "value": row.value})
    out = []
    for p in projects:
        shares = partners.get(p.id, [])
        total = sum((s["weight"] for s in shares), Decimal(0))
        out.append({"project_id": p.id, "agreement_id": p.agreement_id, "name": p.name, "kind": p.kind,
                    "industry_code": p.industry_code, "started_on": p.started_on.isoformat(), "partners": shares,
                    "weight_total": total, "inflation": max(total - 1, Decimal(0)), "values": values.get(p.id, [])})
    return out


def list_agreements(engine: Engine, *, province: str | None = None, zone: str | None = None,
                    status: str | None = None) -> list[dict[str, Any]]:
    """Agreements filtered by province code, party zone and status, newest first, with their parties."""
    stmt = select(Agreement.id).order_by(Agreement.created_at.desc(), Agreement.id)
    if province:
        stmt = stmt.where(Agreement.province_code == province)
    if status:
        stmt = stmt.where(Agreement.status == status)
    if zone:
        stmt = stmt.where(Agreement.id.in_(select(AgreementParty.agreement_id).where(AgreementParty.zone_id == zone)))
    with engine.connect() as conn:
        return [_state(conn, agreement_id) for agreement_id in conn.execute(stmt).scalars()]


def add_project(engine: Engine, agreement_id: str, *, project_id: str, name: str, kind: str, started_on: date,
                partners: Sequence[PartnerShare], principal: Principal, industry_code: str | None = None,
                is_synthetic: bool = False) -> None:
    """A platform or project co-built under the agreement, with each partner's weight and investment.

    Partners must be parties; weights > 0 (Σ w may exceed 1 — the excess is reported as incentive
    inflation); investment ≥ 0, exact.
    """
    if kind not in ("platform", "project"):
        raise InvalidArgument("kind", f"platform (共建平台) or project (共建项目), got {kind!r}")
    if not partners:
        raise InvalidArgument("partners", "a co-built project has at least one partner")
    with engine.begin() as conn:
        state = _state(conn, agreement_id)
        _may_act_for_agreement(principal, state)
        if state["status"] == "terminated":
            raise Conflict(f"agreement {agreement_id} is terminated")
        parties = {p["zone_id"] for p in state["parties"]}
        rows = []
        for share in partners:
            if share.zone_id not in parties:
                raise InvalidArgument("partners", f"{share.zone_id} is not a party to {agreement_id}")
            weight, investment = to_decimal(share.weight), to_decimal(share.investment)
            if weight <= 0:
                raise InvalidArgument("weight", f"{share.zone_id}: a weight must be > 0, got {weight}")
            if investment < 0:
                raise InvalidArgument("investment", f"{share.zone_id}: investment must be ≥ 0, got {investment}")
            rows.append({"project_id": project_id, "zone_id": share.zone_id, "weight": weight,
                         "investment": investment})
        if len({r["zone_id"] for r in rows}) != len(rows):
            raise InvalidArgument("partners", "a partner is listed twice")
        if conn.execute(select(CoBuiltProject.id).where(CoBuiltProject.id == project_id)).scalar():
            raise Conflict(f"project {project_id} exists already")
        if industry_code is not None and conn.execute(
                select(models.Industry.code).where(models.Industry.code == industry_code)).scalar() is None:
            raise InvalidArgument("industry_code", f"unknown GB/T 4754 industry code {industry_code!r}")
        conn.execute(CoBuiltProject.__table__.insert().values(
            id=project_id, agreement_id=agreement_id, name=name, kind=kind, industry_code=industry_code,
            started_on=started_on, is_synthetic=is_synthetic))
        conn.execute(ProjectPartner.__table__.insert(), rows)
        audit.append(conn, actor=principal.username, action="create", entity="cobuilt_project", entity_key=project_id,
                     after={"agreement_id": agreement_id, "name": name, "kind": kind, "partners": rows})


def set_project_values(engine: Engine, project_id: str, year: int, values: Mapping[str, Any],
                       principal: Principal) -> None:
    """Record a project's yearly values (whole project, before sharing); refused for a closed year."""
    unknown = [c for c in values if c not in INDICATOR_CODES]
    if unknown:
        raise InvalidArgument("indicator", f"unknown indicator codes {unknown}")
    parsed = {code: to_decimal(v) for code, v in values.items()}
    negative = [c for c, v in parsed.items() if v < 0]
    if negative:
        raise InvalidArgument("value", f"values must be ≥ 0 ({negative})")
    with engine.begin() as conn:
        project = conn.execute(select(CoBuiltProject.__table__).where(CoBuiltProject.id == project_id)).first()
        if project is None:
            raise NotFound(f"no co-built project {project_id!r}")
        _may_act_for_agreement(principal, _state(conn, project.agreement_id))
        refuse_closed(conn, {year}, f"values of project {project_id} for {year}")
        table = ProjectValue.__table__
        before = {r.indicator_code: r.value for r in conn.execute(
            select(table).where(table.c.project_id == project_id, table.c.year == year))}
        for code, value in parsed.items():
            if code in before:
                conn.execute(table.update().where(table.c.project_id == project_id, table.c.year == year,
                                                  table.c.indicator_code == code).values(value=value))
            else:
                conn.execute(table.insert().values(project_id=project_id, year=year, indicator_code=code, value=value))
        audit.append(conn, actor=principal.username, action="set_values", entity="cobuilt_project",
                     entity_key=f"{project_id}/{year}", before=before or None, after=parsed)
