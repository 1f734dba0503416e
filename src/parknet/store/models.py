"""The ParkNet data model (SQLAlchemy 2 typed ORM).

Natural keys are the primary keys wherever the domain has one (zone id, indicator code, industry code,
统一社会信用代码), so imports can upsert on them and later capabilities (agreements, co-built projects,
holdings, fund, libraries, tickets, users, audit) reference them with plain foreign keys. Every imported
row carries the ``batch_id`` of the :class:`ImportBatch` that last wrote it (provenance).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from parknet.store.types import ExactDecimal

__all__ = [
    "Base",
    "Province",
    "Industry",
    "IndustryTag",
    "Zone",
    "IndicatorDefinition",
    "ZoneIndicatorValue",
    "ZoneIndustryOutput",
    "Enterprise",
    "EnterpriseValue",
    "Relocation",
    "ImportBatch",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ImportBatch(Base):
    """One import of a file (or one demo load): what came in, when, and what it changed (导入批次)."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    imported_by: Mapped[str | None] = mapped_column(String(100))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)


class Province(Base):
    """Provincial-level administrative division (省级行政区), GB/T 2260 code."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    short_name: Mapped[str] = mapped_column(String(20))
    name_en: Mapped[str] = mapped_column(String(50))
    capital: Mapped[str | None] = mapped_column(String(50))
    capital_code: Mapped[str | None] = mapped_column(String(6))
    region: Mapped[str | None] = mapped_column(String(16))
    land_area_km2: Mapped[float | None] = mapped_column(Float)


class Industry(Base):
    """GB/T 4754-2017 industry (国民经济行业分类): section letter, 2-digit division, 3-digit group, 4-digit class."""

    __tablename__ = "industries"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("industries.code"))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(200))


class IndustryTag(Base):
    """A tag on an industry from a classification scheme, e.g. 战略性新兴产业分类(2018) (scheme ``sei2018``)."""

    __tablename__ = "industry_tags"

    industry_code: Mapped[str] = mapped_column(ForeignKey("industries.code"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(32), primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)
    tag_name: Mapped[str] = mapped_column(String(100))


class Zone(Base):
    """A park (园区): national high-tech zone, provincial high-tech zone or other park."""

    __tablename__ = "zones"
    __table_args__ = (
        CheckConstraint("level in ('national', 'provincial', 'other')", name="level"),
        CheckConstraint("area_km2 is null or area_km2 >= 0", name="area"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    city: Mapped[str | None] = mapped_column(String(50))
    city_code: Mapped[str | None] = mapped_column(String(6))
    approved_year: Mapped[int | None] = mapped_column(Integer)
    area_km2: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class IndicatorDefinition(Base):
    """Definition of an indicator (指标): code, names, unit and direction."""

    __tablename__ = "indicators"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    is_money: Mapped[bool] = mapped_column(Boolean, default=False)
    is_integer: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)


class ZoneIndicatorValue(Base):
    """A zone's value of one indicator in one year (园区年度指标)."""

    __tablename__ = "zone_indicator_values"

    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"), primary_key=True)
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    __table_args__ = (Index("ix_zone_indicator_values_year_indicator", "year", "indicator_code"),)


class ZoneIndustryOutput(Base):
    """A zone's output in one GB/T 4754 industry in one year (园区分行业产出), e.g. revenue by division."""

    __tablename__ = "zone_industry_output"

    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    industry_code: Mapped[str] = mapped_column(ForeignKey("industries.code"), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"), primary_key=True)
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class Enterprise(Base):
    """An enterprise (企业), keyed by its 统一社会信用代码.

    ``zone_id`` is where it is registered now; ``incubated_in`` the zone that incubated it (孵化园区),
    which the relocation rule of the incentive mechanism credits.
    """

    __tablename__ = "enterprises"

    credit_code: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    industry_code: Mapped[str | None] = mapped_column(ForeignKey("industries.code"))
    zone_id: Mapped[str | None] = mapped_column(ForeignKey("zones.id"), index=True)
    incubated_in: Mapped[str | None] = mapped_column(ForeignKey("zones.id"), index=True)
    founded_year: Mapped[int | None] = mapped_column(Integer)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class EnterpriseValue(Base):
    """An enterprise's value of one indicator in one year, with the zone that reported it (企业年度数据)."""

    __tablename__ = "enterprise_values"

    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprises.credit_code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"), primary_key=True)
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"))
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    __table_args__ = (Index("ix_enterprise_values_zone_year", "zone_id", "year"),)


class Relocation(Base):
    """An enterprise moving its registration from one zone to another (企业迁移)."""

    __tablename__ = "relocations"
    __table_args__ = (
        UniqueConstraint("credit_code", "moved_on", name="uq_relocations_credit_code_moved_on"),
        CheckConstraint("from_zone <> to_zone", name="distinct_zones"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprises.credit_code"), index=True)
    from_zone: Mapped[str] = mapped_column(ForeignKey("zones.id"), index=True)
    to_zone: Mapped[str] = mapped_column(ForeignKey("zones.id"), index=True)
    moved_on: Mapped[date] = mapped_column(Date)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
