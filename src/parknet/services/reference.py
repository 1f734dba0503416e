"""Create or migrate the database and keep its reference data (provinces, industries, indicator
definitions, national high-tech zones) in step with the facts compiled in :mod:`parknet.data.reference`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from parknet.data import reference
from parknet.domain import INDICATORS, ZoneLevel
from parknet.store import models
from parknet.store.importers import upsert_rows
from parknet.store.session import migrate

__all__ = ["init_database", "sync_reference", "ReferenceSync"]

SEI_SCHEME = "sei2018"


@dataclass(frozen=True)
class ReferenceSync:
    """Rows inserted or updated per reference table by :func:`sync_reference`."""

    changed: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.changed.values())


def init_database(engine: Engine) -> ReferenceSync:
    """``parknet init``: Alembic ``upgrade head``, then :func:`sync_reference`."""
    migrate(engine)
    return sync_reference(engine)


def _sync(conn: Connection, model: type[models.Base], key: list[str], records: list[dict]) -> int:
    table = model.__table__
    values = [c for c in records[0] if c not in key] if records else []
    inserted, updated, _ = upsert_rows(conn, table, key, values, records)
    return inserted + updated


def sync_reference(engine: Engine) -> ReferenceSync:
    """Upsert the reference tables in one transaction (idempotent: a second run changes nothing)."""
    provinces = [
        {"code": r["province_code"], "name": r["name"], "short_name": r["short_name"], "name_en": r["name_en"],
         "capital": r["capital"], "capital_code": r["capital_code"], "region": r["region"],
         "land_area_km2": r["land_area_km2"]}
        for r in reference.provinces().iter_rows(named=True)
    ]
    industries = [
        {"code": r["code"], "level": r["level"], "parent_code": r["parent"], "name": r["name"], "name_en": r["name_en"]}
        for r in reference.industries().iter_rows(named=True)
    ]
    sei = reference.sei_divisions().join(reference.sei_categories(), left_on="sei_code", right_on="code")
    tags = [
        {"industry_code": r["division"], "scheme": SEI_SCHEME, "tag": r["sei_code"], "tag_name": r["name"]}
        for r in sei.iter_rows(named=True)
    ]
    indicators = [
        {"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "unit": d.unit, "direction": d.direction.value,
         "kind": d.kind.value, "is_money": d.money, "is_integer": d.integer, "description": d.description or None}
        for d in INDICATORS
    ]
    zones = [
        {"id": r["zone_id"], "name": r["name"], "level": ZoneLevel.NATIONAL.value, "province_code": r["province_code"],
         "city": r["city"], "city_code": r["city_code"], "approved_year": r["approved_year"],
         "lat": r["lat"], "lon": r["lon"], "is_synthetic": False}
        for r in reference.national_zones().sort("zone_id").iter_rows(named=True)
    ]
    with engine.begin() as conn:
        changed = {
            "provinces": _sync(conn, models.Province, ["code"], provinces),
            "industries": _sync(conn, models.Industry, ["code"], industries),
            "industry_tags": _sync(conn, models.IndustryTag, ["industry_code", "scheme", "tag"], tags),
            "indicators": _sync(conn, models.IndicatorDefinition, ["code"], indicators),
            "zones": _sync(conn, models.Zone, ["id"], zones),
        }
    return ReferenceSync(changed)
