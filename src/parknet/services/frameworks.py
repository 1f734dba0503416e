"""The province's guiding framework (指导性意见): versioned defaults that agreements inherit.

A framework document is JSON (see ``data/frameworks/default.json``, ParkNet's template). Versions are only
ever added; an agreement names the version it was made under and stores just its overrides, so its
effective rules are ``merge(framework, overrides)``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from parknet.attribution import RelocationRule
from parknet.domain import INDICATOR_CODES, CooperationType
from parknet.errors import InvalidArgument, NotFound
from parknet.store import audit, models
from parknet.store.cooperation import AGREEMENT_FORMS, Framework

__all__ = ["template", "validate_document", "adopt", "current", "get", "load", "merge", "relocation_rule",
           "support_ratio", "canonical_json", "FrameworkVersion"]

_PRESETS = {"origin_all": "1", "split_50_50": "0.5", "split_30_70": "0.3", "split_70_30": "0.7"}
_KEYS = {"title_zh", "title_en", "note", "cooperation_types", "fields", "modes", "investment_sharing",
         "revenue_sharing", "statistics", "provincial_support", "rights_responsibilities_zh"}


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, Chinese kept: one text per value (stored and hashed)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def template() -> dict[str, Any]:
    """ParkNet's template framework (not an official document; see its ``note``)."""
    text = resources.files("parknet.data").joinpath("frameworks/default.json").read_text(encoding="utf-8")
    return json.loads(text)


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` applied key by key, recursively for nested objects."""
    out = dict(base)
    for key, value in overrides.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _section(document: dict[str, Any], *path: str) -> dict[str, Any]:
    node: Any = document
    for depth, key in enumerate(path):
        node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return {}
        if not isinstance(node, dict):
            raise InvalidArgument(".".join(path[:depth + 1]), f"must be an object, got {node!r}")
    return node


def relocation_rule(document: dict[str, Any]) -> RelocationRule:
    """The statistics-sharing rule for relocated enterprises (迁移企业统计分成) of a framework document."""
    spec = _section(document, "statistics", "relocation")
    preset = spec.get("preset")
    if preset is not None and preset not in _PRESETS:
        raise InvalidArgument("statistics.relocation.preset", f"choose one of {', '.join(_PRESETS)}, got {preset!r}")
    share = spec.get("origin_share", _PRESETS.get(preset or "", None))
    if share is None:
        raise InvalidArgument("statistics.relocation", "give a preset or an origin_share")
    try:
        origin = Decimal(str(share))
    except InvalidOperation:
        raise InvalidArgument("statistics.relocation.origin_share", f"not a number: {share!r}") from None
    indicators = spec.get("indicators") or ["gdp", "revenue", "tax", "exports"]
    if not isinstance(indicators, list) or not all(isinstance(c, str) for c in indicators):
        raise InvalidArgument("statistics.relocation.indicators", "a list of indicator codes")
    unknown = [c for c in indicators if c not in INDICATOR_CODES]
    if unknown:
        raise InvalidArgument("statistics.relocation.indicators", f"unknown indicator codes {unknown}")
    kwargs: dict[str, Any] = {"window_months": _whole(spec.get("window_months", 24), "window_months"),
                              "indicators": tuple(indicators),
                              "rule_id": preset if preset and "origin_share" not in spec else "custom"}
    if spec.get("min_years_registered") is not None:
        kwargs["min_years_registered"] = _whole(spec["min_years_registered"], "min_years_registered")
    return RelocationRule(origin, **kwargs)


def _whole(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise InvalidArgument(f"statistics.relocation.{key}", f"a whole number, got {value!r}")
    return int(value)


def support_ratio(document: dict[str, Any]) -> Decimal:
    """The provincial direct-support ratio of co-built investment (省级直接投资比例)."""
    raw = _section(document, "provincial_support").get("direct_support_ratio", "0")
    try:
        ratio = Decimal(str(raw))
    except InvalidOperation:
        raise InvalidArgument("provincial_support.direct_support_ratio", f"not a number: {raw!r}") from None
    if not Decimal(0) <= ratio <= Decimal(1):
        raise InvalidArgument("provincial_support.direct_support_ratio", f"must be between 0 and 1, got {raw}")
    return ratio


def validate_document(document: Any) -> dict[str, Any]:
    """Check a framework document; returns it. Every problem names the key."""
    if not isinstance(document, dict):
        raise InvalidArgument("document", "a framework is a JSON object")
    unknown = sorted(set(document) - _KEYS)
    if unknown:
        raise InvalidArgument("document", f"unknown keys {unknown}; known: {sorted(_KEYS)}")
    if not str(document.get("title_zh", "")).strip():
        raise InvalidArgument("title_zh", "a framework needs a Chinese title")
    types = document.get("cooperation_types", [])
    bad = [t for t in types if t not in {c.value for c in CooperationType}]
    if bad:
        raise InvalidArgument("cooperation_types", f"unknown cooperation types {bad}")
    modes = document.get("modes", [])
    bad = [m for m in modes if m not in AGREEMENT_FORMS]
    if bad:
        raise InvalidArgument("modes", f"unknown modes {bad}; choose from {', '.join(AGREEMENT_FORMS)}")
    relocation_rule(document)
    support_ratio(document)
    return document


class FrameworkVersion(dict[str, Any]):
    """A framework document with its ``province_code``, ``version`` and ``adopted_on`` (a plain dict)."""


def adopt(engine: Engine, province_code: str, document: dict[str, Any], *, adopted_on: date, actor: str) -> int:
    """Add a new version of ``province_code``'s framework (audited); returns the version number."""
    validate_document(document)
    with engine.begin() as conn:
        if conn.execute(select(models.Province.code).where(models.Province.code == province_code)).scalar() is None:
            raise InvalidArgument("province", f"unknown province {province_code!r}")
        version = (conn.execute(select(func.max(Framework.version)).where(Framework.province_code == province_code))
                   .scalar() or 0) + 1
        conn.execute(Framework.__table__.insert().values(
            province_code=province_code, version=version, title=document["title_zh"][:200], adopted_on=adopted_on,
            document=canonical_json(document), created_at=datetime.now(UTC), created_by=actor))
        audit.append(conn, actor=actor, action="adopt", entity="framework", entity_key=f"{province_code}/v{version}",
                     after=document)
    return version


def load(conn: Connection, province_code: str, version: int | None) -> FrameworkVersion | None:
    stmt = select(Framework).where(Framework.province_code == province_code)
    stmt = stmt.where(Framework.version == version) if version else stmt.order_by(Framework.version.desc()).limit(1)
    row = conn.execute(stmt).first()
    if row is None:
        return None
    out = FrameworkVersion(json.loads(row.document))
    out.update(province_code=province_code, version=row.version, adopted_on=row.adopted_on.isoformat())
    return out


def current(conn: Connection, province_code: str) -> FrameworkVersion | None:
    """The latest adopted version of a province's framework, or None when it has adopted none."""
    return load(conn, province_code, None)


def get(engine: Engine, province_code: str, version: int | None = None) -> FrameworkVersion:
    """One version (default: the latest) of a province's framework."""
    with engine.connect() as conn:
        found = load(conn, province_code, version)
    if found is None:
        which = f"version {version}" if version else "any version"
        raise NotFound(f"province {province_code} has not adopted {which} of a guiding framework "
                       "(parknet framework adopt)")
    return found
