"""Enums and value types shared by every layer.

The article's Chinese term sits beside each English name; JSON and the database use the English value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ZoneLevel",
    "Region",
    "Direction",
    "IndicatorKind",
    "CooperationType",
    "IndicatorDef",
    "INDICATORS",
    "INDICATOR_CODES",
    "MONEY_UNIT",
    "indicator",
]


class ZoneLevel(StrEnum):
    """Level of a park (园区级别)."""

    NATIONAL = "national"  # 国家级高新区
    PROVINCIAL = "provincial"  # 省级高新区
    OTHER = "other"  # 其他产业园区 (economic development zones, industrial parks …)


class Region(StrEnum):
    """The National Bureau of Statistics' four economic regions (四大区域)."""

    EAST = "east"  # 东部
    CENTRAL = "central"  # 中部
    WEST = "west"  # 西部
    NORTHEAST = "northeast"  # 东北


class Direction(StrEnum):
    """Whether more of an indicator is better (正向) or worse (逆向) for a zone's evaluation."""

    HIGHER_BETTER = "higher_better"  # 正向指标
    LOWER_BETTER = "lower_better"  # 逆向指标


class IndicatorKind(StrEnum):
    """Flow indicators add up over a year; stock indicators are counted at year end."""

    FLOW = "flow"  # 流量 (全年)
    STOCK = "stock"  # 存量 (年末)


class CooperationType(StrEnum):
    """The article's three cooperation types (合作领域, §三)."""

    TECH_ENABLING = "tech_enabling"  # 科技赋能型
    CHAIN_COMPLEMENT = "chain_complement"  # 产业链延补型
    CROSS_FUSION = "cross_fusion"  # 跨界融合型 (cross-sector fusion)


MONEY_UNIT = "万元"


@dataclass(frozen=True)
class IndicatorDef:
    """Definition of a zone or enterprise indicator (指标).

    ``money`` marks amounts of money, kept exact (4 decimal places of the unit) and never negative.
    ``integer`` marks counts (persons, patents, enterprises), which must be whole numbers.
    """

    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: Direction
    kind: IndicatorKind
    money: bool = False
    integer: bool = False
    enterprise_level: bool = True
    description: str = ""


INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef("gdp", "地区生产总值(园区GDP)", "Gross domestic product", MONEY_UNIT,
                 Direction.HIGHER_BETTER, IndicatorKind.FLOW, money=True,
                 description="园区生产总值；企业层面为增加值 (value added of the enterprise)."),
    IndicatorDef("revenue", "营业收入", "Operating revenue", MONEY_UNIT,
                 Direction.HIGHER_BETTER, IndicatorKind.FLOW, money=True),
    IndicatorDef("tax", "上缴税费", "Taxes paid", MONEY_UNIT,
                 Direction.HIGHER_BETTER, IndicatorKind.FLOW, money=True),
    IndicatorDef("exports", "出口总额", "Exports", MONEY_UNIT,
                 Direction.HIGHER_BETTER, IndicatorKind.FLOW, money=True),
    IndicatorDef("rd_expenditure", "R&D经费内部支出", "R&D expenditure", MONEY_UNIT,
                 Direction.HIGHER_BETTER, IndicatorKind.FLOW, money=True),
    IndicatorDef("rd_personnel", "R&D人员", "R&D personnel", "人",
                 Direction.HIGHER_BETTER, IndicatorKind.STOCK, integer=True),
    IndicatorDef("employees", "年末从业人员", "Employees at year end", "人",
                 Direction.HIGHER_BETTER, IndicatorKind.STOCK, integer=True),
    IndicatorDef("invention_patents_granted", "当年发明专利授权数", "Invention patents granted", "件",
                 Direction.HIGHER_BETTER, IndicatorKind.FLOW, integer=True),
    IndicatorDef("enterprises", "入统企业数", "Enterprises reporting", "家",
                 Direction.HIGHER_BETTER, IndicatorKind.STOCK, integer=True, enterprise_level=False),
    IndicatorDef("high_tech_enterprises", "高新技术企业数", "High-tech enterprises", "家",
                 Direction.HIGHER_BETTER, IndicatorKind.STOCK, integer=True, enterprise_level=False),
)

INDICATOR_CODES: tuple[str, ...] = tuple(d.code for d in INDICATORS)
_BY_CODE = {d.code: d for d in INDICATORS}


def indicator(code: str) -> IndicatorDef:
    """Return the built-in definition of indicator ``code`` (raises ``KeyError`` when unknown)."""
    return _BY_CODE[code]
