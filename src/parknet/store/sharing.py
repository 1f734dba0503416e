"""Fair-sharing data (利益共享): the bodies that hold shares (管委会, the province, zones' asset companies,
co-built projects' companies), the holdings between them (交叉持股), and the characteristic function of a
co-built project — what each coalition of its partners would earn (合作博弈特征函数).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from parknet.store.models import Base
from parknet.store.types import ExactDecimal

__all__ = ["Entity", "Holding", "CoalitionValue", "ENTITY_KINDS", "COALITION_SEPARATOR"]

#: committee 园区管委会 · province 省级政府/省级平台 · asset_company 园区资产公司/平台公司 ·
#: project_company 共建项目公司
ENTITY_KINDS = ("committee", "province", "asset_company", "project_company")
#: a coalition is written as its sorted zone ids joined by this, e.g. "wuhan-donghu+xiangyang"
COALITION_SEPARATOR = "+"


class Entity(Base):
    """A body that holds or is held (持股主体): committees and the province are ultimate owners."""

    __tablename__ = "entities"
    __table_args__ = (
        CheckConstraint("kind in ('committee', 'province', 'asset_company', 'project_company')", name="kind"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    zone_id: Mapped[str | None] = mapped_column(ForeignKey("zones.id"), index=True)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    project_id: Mapped[str | None] = mapped_column(ForeignKey("cobuilt_projects.id"), index=True)
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class Holding(Base):
    """``holder`` holds ``share`` (0 < share ≤ 1, 4 decimals) of ``company``'s equity."""

    __tablename__ = "holdings"
    __table_args__ = (
        CheckConstraint("holder_id <> company_id", name="not_itself"),
        CheckConstraint("share > 0 and share <= 10000", name="share_range"),  # ExactDecimal units
    )

    holder_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True, index=True)
    share: Mapped[Decimal] = mapped_column(ExactDecimal)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class CoalitionValue(Base):
    """v(S): what the coalition S of a project's partners would earn on its own (万元), expected (feasibility
    study) or realised, with its source."""

    __tablename__ = "coalition_values"
    __table_args__ = (CheckConstraint("basis in ('expected', 'realised')", name="basis"),)

    project_id: Mapped[str] = mapped_column(ForeignKey("cobuilt_projects.id"), primary_key=True)
    coalition: Mapped[str] = mapped_column(String(500), primary_key=True)
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    basis: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
