"""Enabling-mechanism data (赋能机制, MECHANISMS.md §5): the provincial coordination fund's rounds, budgets,
applications and its commitment/disbursement ledger (协同发展基金); the sci-tech platform's three libraries
(技术库, 专家库, 科技项目库) and the demands zones post (需求); the platform's service tickets (服务工单) with
their history; the leading zone's platform-company catalogue and orders (平台公司服务目录与订单).

Money columns are :class:`ExactDecimal` 万元 (1 yuan exact). ``industry_codes`` columns hold GB/T 4754-2017
codes joined by commas (e.g. ``"3841,3849"``). The fund ledger (``fund_commitments``, ``fund_disbursements``)
and the ticket history are append-only by trigger; only rows of the synthetic demo may be deleted (a demo
reload replaces them), and a correction is a new entry (a release, a reversal), never an edit.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parknet.store.models import Base
from parknet.store.types import ExactDecimal

__all__ = ["FundRound", "FundBudget", "FundApplication", "FundCommitment", "FundDisbursement", "Technology",
           "Expert", "ScienceProject", "Demand", "ServiceTicket", "TicketEvent", "PlatformService",
           "PlatformOrder", "SUBFUNDS", "LIBRARIES", "APPEND_ONLY_TABLES"]

#: development 开发基金 · industry 产业基金 · venture 创投基金
SUBFUNDS = ("development", "industry", "venture")
#: technology 技术库 · expert 专家库 · project 科技项目库
LIBRARIES = ("technology", "expert", "project")
#: rows may be added, never changed; only synthetic (demo) rows may be deleted
APPEND_ONLY_TABLES = ("fund_commitments", "fund_disbursements", "ticket_events")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


# --- coordination fund ------------------------------------------------------------------------------------

class FundRound(Base):
    """A round of the provincial coordination fund (基金申报批次) with its allocation rules."""

    __tablename__ = "fund_rounds"
    __table_args__ = (
        CheckConstraint("status in ('open', 'committed')", name="status"),
        CheckConstraint("lagging_min_share >= 0 and lagging_min_share <= 10000", name="share_range"),
        CheckConstraint("zone_cap is null or zone_cap > 0", name="cap_positive"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    zone_cap: Mapped[Decimal | None] = mapped_column(ExactDecimal)  # 单园区资助上限, 万元
    lagging_min_share: Mapped[Decimal] = mapped_column(ExactDecimal)  # 后发园区最低占比, 0–1
    partial_allowed: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class FundBudget(Base):
    """What one sub-fund holds for a round (子基金预算, 万元)."""

    __tablename__ = "fund_budgets"
    __table_args__ = (CheckConstraint(_in("subfund", SUBFUNDS), name="subfund"),
                      CheckConstraint("budget > 0", name="positive"))

    round_id: Mapped[str] = mapped_column(ForeignKey("fund_rounds.id"), primary_key=True)
    subfund: Mapped[str] = mapped_column(String(16), primary_key=True)
    budget: Mapped[Decimal] = mapped_column(ExactDecimal)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class FundApplication(Base):
    """An application to a round (资金申请): the applicant zone and its co-applicants, the agreement or
    co-built project it serves, the sub-funds it may draw on, the amount asked, co-funding, and the expected
    impact (预期效益, 万元 of added output for a full award) with its basis."""

    __tablename__ = "fund_applications"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("impact >= 0", name="impact_nonnegative"),
        CheckConstraint("min_amount is null or (min_amount >= 0 and min_amount <= amount)", name="min_amount"),
        CheckConstraint("co_funding is null or co_funding >= 0", name="co_funding"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("fund_rounds.id"), index=True)
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"), index=True)
    partners: Mapped[str | None] = mapped_column(String(500))  # co-applicant zone ids joined by '+'
    agreement_id: Mapped[str | None] = mapped_column(ForeignKey("agreements.id"))
    project_id: Mapped[str | None] = mapped_column(ForeignKey("cobuilt_projects.id"))
    title: Mapped[str] = mapped_column(String(200))
    eligible: Mapped[str] = mapped_column(String(64))  # sub-fund codes joined by ','
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    co_funding: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    impact: Mapped[float] = mapped_column(Float)
    impact_basis: Mapped[str] = mapped_column(Text)
    partial: Mapped[bool | None] = mapped_column()
    min_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class FundCommitment(Base):
    """A commitment (承诺出资) of a sub-fund to an application, or its release (释放); append-only."""

    __tablename__ = "fund_commitments"
    __table_args__ = (CheckConstraint("kind in ('commit', 'release')", name="kind"),
                      CheckConstraint(_in("subfund", SUBFUNDS), name="subfund"),
                      CheckConstraint("amount > 0", name="positive"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("fund_rounds.id"), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("fund_applications.id"), index=True)
    subfund: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    reason: Mapped[str] = mapped_column(Text)
    allocation_sha256: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))
    is_synthetic: Mapped[bool] = mapped_column(default=False)


class FundDisbursement(Base):
    """Money paid out on a commitment (拨付), or the reversal of a payment (冲回); append-only."""

    __tablename__ = "fund_disbursements"
    __table_args__ = (CheckConstraint("kind in ('payment', 'reversal')", name="kind"),
                      CheckConstraint(_in("subfund", SUBFUNDS), name="subfund"),
                      CheckConstraint("amount > 0", name="positive"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("fund_applications.id"), index=True)
    subfund: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal)
    paid_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(100))  # voucher / payment order number
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(100))
    is_synthetic: Mapped[bool] = mapped_column(default=False)


# --- sci-tech platform libraries ----------------------------------------------------------------------------

class Technology(Base):
    """A record of the technology library (技术库): a technology offered for transfer or licensing."""

    __tablename__ = "technologies"
    __table_args__ = (CheckConstraint("trl between 1 and 9", name="trl"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(100))  # 技术领域
    trl: Mapped[int] = mapped_column(Integer)  # 技术成熟度 (TRL 1–9, GB/T 22900-2022)
    owner_institution: Mapped[str] = mapped_column(String(200))  # 权属单位
    zone_id: Mapped[str | None] = mapped_column(ForeignKey("zones.id"), index=True)  # where the owner sits
    industry_codes: Mapped[str] = mapped_column(String(200), default="", server_default="")
    licensing: Mapped[str] = mapped_column(String(24))  # 转化方式
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class Expert(Base):
    """A record of the expert library (专家库)."""

    __tablename__ = "experts"
    __table_args__ = (CheckConstraint("availability in ('available', 'limited', 'unavailable')",
                                      name="availability"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(50))  # 职称, e.g. 教授 / 研究员 / 高级工程师
    institution: Mapped[str] = mapped_column(String(200))
    fields: Mapped[str] = mapped_column(String(500))  # 研究领域
    profile: Mapped[str] = mapped_column(Text)  # 专长简介
    zone_id: Mapped[str | None] = mapped_column(ForeignKey("zones.id"), index=True)
    industry_codes: Mapped[str] = mapped_column(String(200), default="", server_default="")
    availability: Mapped[str] = mapped_column(String(16))
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class ScienceProject(Base):
    """A record of the sci-tech project library (科技项目库): a research or pilot project seeking partners."""

    __tablename__ = "science_projects"
    __table_args__ = (CheckConstraint("stage in ('research', 'pilot', 'industrialisation')", name="stage"),
                      CheckConstraint("funding is null or funding >= 0", name="funding"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    institution: Mapped[str] = mapped_column(String(200))
    zone_id: Mapped[str | None] = mapped_column(ForeignKey("zones.id"), index=True)
    industry_codes: Mapped[str] = mapped_column(String(200), default="", server_default="")
    stage: Mapped[str] = mapped_column(String(24))  # 研发 / 中试 / 产业化
    start_year: Mapped[int | None] = mapped_column(Integer)
    funding: Mapped[Decimal | None] = mapped_column(ExactDecimal)  # 万元
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class Demand(Base):
    """A demand (需求) a zone or one of its enterprises posts: what it needs from which library."""

    __tablename__ = "demands"
    __table_args__ = (CheckConstraint(_in("library", LIBRARIES), name="library"),
                      CheckConstraint("status in ('open', 'matched', 'closed')", name="status"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    zone_id: Mapped[str] = mapped_column(ForeignKey("zones.id"), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18))  # the enterprise that asks, if any
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    library: Mapped[str] = mapped_column(String(16))
    industry_codes: Mapped[str] = mapped_column(String(200), default="", server_default="")
    posted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


# --- service tickets -------------------------------------------------------------------------------------

class ServiceTicket(Base):
    """A service ticket (服务工单) in its current state; :class:`TicketEvent` holds every step."""

    __tablename__ = "service_tickets"
    __table_args__ = (
        CheckConstraint("kind in ('talent', 'project', 'intelligence')", name="kind"),
        CheckConstraint("status in ('open', 'assigned', 'in_service', 'delivered', 'closed')", name="status"),
        CheckConstraint("due_on >= opened_on", name="dates"),
        CheckConstraint("rating is null or rating between 1 and 5", name="rating"),
        CheckConstraint("status <> 'closed' or (outcome is not null and rating is not null)", name="closed"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    requester_zone: Mapped[str] = mapped_column(ForeignKey("zones.id"), index=True)
    provider_zone: Mapped[str | None] = mapped_column(ForeignKey("zones.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    opened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), index=True)
    assignee: Mapped[str | None] = mapped_column(String(64))  # expert id or staff name
    demand_id: Mapped[str | None] = mapped_column(ForeignKey("demands.id"), index=True)
    match_ref: Mapped[str | None] = mapped_column(String(64))  # "technology:T-0001", "expert:E-0001"
    delivered_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(24))
    rating: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    is_synthetic: Mapped[bool] = mapped_column(default=False)


class TicketEvent(Base):
    """One step of a ticket's lifecycle (工单流转记录); append-only."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("service_tickets.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    on: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    is_synthetic: Mapped[bool] = mapped_column(default=False)


# --- the leading zone's platform company -------------------------------------------------------------------

class PlatformService(Base):
    """A priced service in a leading zone's platform-company catalogue (服务目录; price per unit, 万元)."""

    __tablename__ = "platform_services"
    __table_args__ = (CheckConstraint("category in ('park_operation', 'innovation', 'industry')", name="category"),
                      CheckConstraint("price > 0", name="price_positive"))

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    provider_zone: Mapped[str] = mapped_column(ForeignKey("zones.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(24))
    unit: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(ExactDecimal)
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class PlatformOrder(Base):
    """A partner zone's order of a catalogue service (服务订单)."""

    __tablename__ = "platform_orders"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),
                      CheckConstraint("unit_price > 0", name="price_positive"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    buyer_zone: Mapped[str] = mapped_column(ForeignKey("zones.id"), index=True)
    code: Mapped[str] = mapped_column(ForeignKey("platform_services.code"), index=True)
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal)  # the catalogue price when ordered, 万元
    ordered_on: Mapped[date] = mapped_column(Date)
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
