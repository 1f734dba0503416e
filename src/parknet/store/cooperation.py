"""Cooperation data of the incentive mechanism (激励机制): the province's guiding framework (指导性意见) in
versions, cooperation agreements (合作协议) with their parties, and co-built projects and platforms (共建项目
/平台) with each partner's weight, investment and yearly values.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parknet.store.models import Base
from parknet.store.types import ExactDecimal

__all__ = ["Framework", "Agreement", "AgreementParty", "CoBuiltProject", "ProjectPartner", "ProjectValue",
           "AGREEMENT_STATUSES", "AGREEMENT_FORMS"]

#: draft 草稿 → proposed 已提交 → active 生效 (every party's zone admin confirmed) → terminated 终止
AGREEMENT_STATUSES = ("draft", "proposed", "active", "terminated")
#: 合作模式: branch park 分园/飞地, special cooperation zone 合作共建园区, co-built platform 共建平台,
#: project cooperation 项目合作
AGREEMENT_FORMS = ("branch_park", "special_cooperation_zone", "co_built_platform", "project_cooperation")


class Framework(Base):
    """One version of a province's guiding framework (指导性意见): the defaults agreements inherit.

    ``document`` is canonical JSON (fields, modes, investment and revenue sharing, statistics-sharing rule,
    rights and responsibilities, provincial support ratio). Versions are never changed, only added.
    """

    __tablename__ = "frameworks"

    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    adopted_on: Mapped[date] = mapped_column(Date)
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))


class Agreement(Base):
    """A cooperation agreement between ≥ 2 zones (合作协议). ``rules`` holds only what the parties agreed
    differently from the framework version it names (canonical JSON)."""

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("status in ('draft', 'proposed', 'active', 'terminated')", name="status"),
        CheckConstraint("cooperation_type in ('tech_enabling', 'chain_complement', 'cross_fusion')", name="type"),
        CheckConstraint("form in ('branch_park', 'special_cooperation_zone', 'co_built_platform', "
                        "'project_cooperation')", name="form"),
        CheckConstraint("ends_on is null or ends_on >= starts_on", name="dates"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    framework_version: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    cooperation_type: Mapped[str] = mapped_column(String(32))
    form: Mapped[str] = mapped_column(String(32))
    fields: Mapped[str] = mapped_column(Text)  # JSON list of GB/T 4754 industry codes
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    rules: Mapped[str] = mapped_column(Text)  # JSON overrides of the framework
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    termination_reason: Mapped[str | None] = mapped_column(Text)
    is_synthetic: Mapped[bool] = mapped_column(default=False)


class AgreementParty(Base):
    """A zone that is party to an agreement; ``confirmed_by`` is the zone admin who confirmed it."""

    __tablename__ = "agreement_parties"
    __table_args__ = (CheckConstraint("role in ('lead', 'partner')", name="role"),)

    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), primary_key=True)
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str | None] = mapped_column(String(100))


class CoBuiltProject(Base):
    """A platform or project co-built under an agreement (共建平台/项目)."""

    __tablename__ = "cobuilt_projects"
    __table_args__ = (CheckConstraint("kind in ('platform', 'project')", name="kind"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    industry_code: Mapped[str | None] = mapped_column(ForeignKey("industries.code"))
    started_on: Mapped[date] = mapped_column(Date)
    is_synthetic: Mapped[bool] = mapped_column(default=False)


class ProjectPartner(Base):
    """A partner's statistics weight w_p (Σ w_p may exceed 1: declared incentive inflation) and investment
    (万元, exact) in a co-built project."""

    __tablename__ = "project_partners"
    __table_args__ = (CheckConstraint("weight > 0", name="weight_positive"),
                      CheckConstraint("investment >= 0", name="investment_non_negative"))

    project_id: Mapped[str] = mapped_column(ForeignKey("cobuilt_projects.id"), primary_key=True)
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"), primary_key=True, index=True)
    weight: Mapped[Decimal] = mapped_column(ExactDecimal)
    investment: Mapped[Decimal] = mapped_column(ExactDecimal)


class ProjectValue(Base):
    """A co-built project's value of one indicator in one year (the whole project, before sharing)."""

    __tablename__ = "project_values"

    project_id: Mapped[str] = mapped_column(ForeignKey("cobuilt_projects.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"), primary_key=True)
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
