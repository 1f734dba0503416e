"""/api/v1/agreements, /api/v1/projects, /api/v1/frameworks: cooperation agreements (合作协议) and their
lifecycle, co-built projects (共建项目/平台) and their yearly values, and the provinces' guiding frameworks
(指导性意见).

Readers see every agreement; admins and zone admins write, and the service refuses a zone admin acting on an
agreement its zone is not party to (403) — only a party's own zone admin confirms for it. Weights,
investments and values are exact decimals and travel as strings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from parknet.domain import CooperationType
from parknet.errors import InvalidArgument, NotFound
from parknet.services import agreements, frameworks
from parknet.services.accounts import Principal
from parknet.services.zones import resolve_province
from parknet.store.cooperation import AGREEMENT_FORMS, AGREEMENT_STATUSES
from parknet.web.api.ledger import exact
from parknet.web.api.zones import ZONE_ID
from parknet.web.security import Allow, engine_of

__all__ = ["router", "AgreementIn", "ProjectIn", "draft_of", "province_code", "RECORD_ID"]

router = APIRouter(prefix="/api/v1", tags=["agreements"])
#: agreement and project ids (AG-42-0001, PJ-42-0001-1; at most 32 characters)
RECORD_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"

ZoneId = Annotated[str, StringConstraints(pattern=ZONE_ID)]
IndustryCode = Annotated[str, StringConstraints(pattern=r"^([A-T]|[0-9]{2,4})$")]
IndicatorCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Status = Literal[AGREEMENT_STATUSES]  # type: ignore[valid-type]
Form = Literal[AGREEMENT_FORMS]  # type: ignore[valid-type]
Kind = Literal[tuple(c.value for c in CooperationType)]  # type: ignore[valid-type]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("900000000000000"), decimal_places=4)]
Day = Annotated[date, Field(ge=date(1985, 1, 1), le=date(2100, 12, 31))]


class RelocationRuleIn(BaseModel):
    """Override of the relocation statistics-sharing rule (迁移企业统计分成)."""

    model_config = ConfigDict(extra="forbid")
    preset: Literal["origin_all", "split_50_50", "split_30_70", "split_70_30"] | None = None
    origin_share: Decimal | None = Field(None, ge=0, le=1, decimal_places=4)
    window_months: int | None = Field(None, ge=1, le=120)
    indicators: list[IndicatorCode] | None = Field(None, min_length=1, max_length=20)
    min_years_registered: int | None = Field(None, ge=1, le=100)


class StatisticsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    relocation: RelocationRuleIn | None = None


class SupportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    direct_support_ratio: Decimal | None = Field(None, ge=0, le=1, decimal_places=4)


class RulesIn(BaseModel):
    """What the parties agree differently from the framework (only these rules may be overridden)."""

    model_config = ConfigDict(extra="forbid")
    statistics: StatisticsIn | None = None
    provincial_support: SupportIn | None = None


class AgreementIn(BaseModel):
    """A new agreement (draft): ≥ 2 zones of one province; the first leads unless ``lead`` names another."""

    title: str = Field(min_length=1, max_length=200)
    zones: list[ZoneId] = Field(min_length=2, max_length=50)
    lead: ZoneId | None = None
    cooperation_type: Kind
    form: Form
    fields: list[IndustryCode] = Field(default_factory=list, max_length=100)
    starts_on: Day
    ends_on: Day | None = None
    rules: RulesIn | None = None


class PartnerIn(BaseModel):
    zone_id: ZoneId
    weight: Decimal = Field(gt=0, le=100, decimal_places=4,
                            description="statistics weight w_p (Σw may exceed 1)")
    investment: Amount = Field(Decimal(0), description="investment in 万元")


class ProjectIn(BaseModel):
    """A platform or project co-built under the agreement, with each partner's weight and investment."""

    project_id: str = Field(pattern=RECORD_ID)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["platform", "project"]
    started_on: Day
    industry_code: IndustryCode | None = None
    partners: list[PartnerIn] = Field(min_length=1, max_length=50)


class Confirmation(BaseModel):
    zone_id: ZoneId


class Termination(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="why the agreement ends (audited)")


def province_code(request: Request, province: str | None) -> str | None:
    """A province given as code or name → its code (None stays None; unknown → 422)."""
    return resolve_province(engine_of(request), province) if province else None


def draft_of(body: AgreementIn) -> agreements.AgreementDraft:
    """The service draft of ``body`` (the service checks who may draft it)."""
    rules = body.rules.model_dump(mode="json", exclude_none=True) if body.rules else None
    return agreements.AgreementDraft(title=body.title, zones=body.zones, lead=body.lead,
                                     cooperation_type=body.cooperation_type, form=body.form,
                                     fields=body.fields, starts_on=body.starts_on, ends_on=body.ends_on,
                                     rules=rules)


def _agreement_id() -> Any:
    return Path(..., pattern=RECORD_ID, description="agreement id, e.g. AG-42-0001")


def _written(request: Request) -> None:
    """After a write: cached aggregates (evaluation reads agreements and projects) are stale."""
    request.app.state.cache.invalidate()


@router.get("/agreements", response_model=list[dict[str, Any]])
def get_agreements(request: Request, province: str | None = Query(None, min_length=2, max_length=50),
                   zone: str | None = Query(None, pattern=ZONE_ID), status: Status | None = Query(None),
                   _: Any = Depends(Allow("agreements:read"))) -> list[dict[str, Any]]:
    """Agreements, newest first, filtered by province (code or name), party zone and status (draft 草稿,
    proposed 待确认, active 生效, terminated 终止), each with its parties and their confirmations."""
    return agreements.list_agreements(engine_of(request), province=province_code(request, province),
                                      zone=zone, status=status)


@router.get("/agreements/{agreement_id}", response_model=dict[str, Any])
def get_agreement(request: Request, agreement_id: str = _agreement_id(),
                  _: Any = Depends(Allow("agreements:read"))) -> dict[str, Any]:
    """One agreement: parties and confirmations, effective rules (framework version ← the agreement's
    overrides), and co-built projects with partners' weights, Σw (``weight_total``), the incentive inflation
    max(Σw − 1, 0) (激励性放大) and yearly values."""
    return exact(agreements.detail(engine_of(request), agreement_id))


@router.post("/agreements", status_code=201, response_model=dict[str, str])
def post_agreement(request: Request, body: AgreementIn,
                   principal: Principal = Depends(Allow("agreements:write"))) -> dict[str, str]:
    """Create an agreement in draft under the province's current framework; returns its id. A zone admin
    may only create an agreement its zone is party to."""
    new_id = agreements.create(engine_of(request), draft_of(body), principal)
    _written(request)
    return {"id": new_id}


@router.post("/agreements/{agreement_id}/propose", response_model=dict[str, str])
def post_propose(request: Request, agreement_id: str = _agreement_id(),
                 principal: Principal = Depends(Allow("agreements:write"))) -> dict[str, str]:
    """draft → proposed (提交各方确认): every party's zone admin is asked to confirm. 409 out of order."""
    agreements.propose(engine_of(request), agreement_id, principal)
    _written(request)
    return {"id": agreement_id, "status": "proposed"}


@router.post("/agreements/{agreement_id}/confirm", response_model=dict[str, str])
def post_confirm(request: Request, body: Confirmation, agreement_id: str = _agreement_id(),
                 principal: Principal = Depends(Allow("agreements:write"))) -> dict[str, str]:
    """A party's own zone admin confirms (确认) for ``zone_id``; the last confirmation activates it.
    403 for anyone else (admins included), 409 unless the agreement is proposed and not yet confirmed."""
    status = agreements.confirm(engine_of(request), agreement_id, body.zone_id, principal)
    _written(request)
    return {"id": agreement_id, "status": status}


@router.post("/agreements/{agreement_id}/activate", response_model=dict[str, str])
def post_activate(request: Request, agreement_id: str = _agreement_id(),
                  principal: Principal = Depends(Allow("agreements:write"))) -> dict[str, str]:
    """proposed → active, refused (409, naming the parties still to confirm) unless every party confirmed."""
    agreements.activate(engine_of(request), agreement_id, principal)
    _written(request)
    return {"id": agreement_id, "status": "active"}


@router.post("/agreements/{agreement_id}/terminate", response_model=dict[str, str])
def post_terminate(request: Request, body: Termination, agreement_id: str = _agreement_id(),
                   principal: Principal = Depends(Allow("agreements:write"))) -> dict[str, str]:
    """Terminate (终止) an agreement in any other state, with a reason (422 without one)."""
    agreements.terminate(engine_of(request), agreement_id, body.reason, principal)
    _written(request)
    return {"id": agreement_id, "status": "terminated"}


@router.post("/agreements/{agreement_id}/projects", status_code=201, response_model=dict[str, str])
def post_project(request: Request, body: ProjectIn, agreement_id: str = _agreement_id(),
                 principal: Principal = Depends(Allow("agreements:write"))) -> dict[str, str]:
    """Add a co-built platform or project: partners must be parties, weights > 0 (Σw above 1 is reported as
    incentive inflation), investments ≥ 0 (万元, exact)."""
    partners = [agreements.PartnerShare(p.zone_id, p.weight, p.investment) for p in body.partners]
    agreements.add_project(engine_of(request), agreement_id, project_id=body.project_id, name=body.name,
                           kind=body.kind, started_on=body.started_on, partners=partners, principal=principal,
                           industry_code=body.industry_code)
    _written(request)
    return {"id": body.project_id}


@router.put("/projects/{project_id}/values/{year}", response_model=dict[str, Any])
def put_project_values(request: Request,
                       values: Annotated[dict[IndicatorCode, Amount], Body(min_length=1, max_length=50)],
                       project_id: str = Path(..., pattern=RECORD_ID),
                       year: int = Path(..., ge=1985, le=2100),
                       principal: Principal = Depends(Allow("agreements:write"))) -> dict[str, Any]:
    """Record a co-built project's values of ``year`` (the whole project, before sharing): JSON
    ``{indicator: value}``, values ≥ 0 with at most 4 decimals. 409 when the year's ledger is closed."""
    agreements.set_project_values(engine_of(request), project_id, year, values, principal)
    _written(request)
    return {"project_id": project_id, "year": year, "values": exact(values)}


@router.get("/frameworks/{province}", response_model=dict[str, Any])
def get_framework(request: Request, province: str = Path(..., min_length=2, max_length=50),
                  version: int | None = Query(None, ge=1, le=100_000),
                  _: Any = Depends(Allow("agreements:read"))) -> dict[str, Any]:
    """A version (default: the latest) of a province's guiding framework (指导性意见), the defaults its
    agreements inherit; the province by code or name. 404 when it has adopted none."""
    try:
        code = resolve_province(engine_of(request), province)
    except InvalidArgument as exc:
        raise NotFound(str(exc)) from exc
    return dict(frameworks.get(engine_of(request), code, version))
