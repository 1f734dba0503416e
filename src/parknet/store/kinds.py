"""The importable/exportable kinds of data: their columns (English and Chinese headers), cell parsers,
natural keys and target tables. One place defines a kind; import, export and templates all read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Table

from parknet.codes import uscc_problem
from parknet.store import enabling, models, sharing
from parknet.store.tabular import FORMULA_PREFIXES
from parknet.store.types import to_decimal

__all__ = ["CellError", "Column", "Kind", "KINDS", "kind_by_name", "MIN_YEAR"]

MIN_YEAR = 1985  # the first Chinese high-tech parks (深圳科技工业园 1985); earlier data is an error


class CellError(ValueError):
    """A cell's value is invalid; the message is the reason shown to the user."""


# --- cell parsers ------------------------------------------------------------------------------------

def text(max_len: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value.startswith(FORMULA_PREFIXES):
            raise CellError(f"text starting with {value[0]!r} looks like a spreadsheet formula "
                            "(CSV injection); remove the leading character")
        if any(ord(c) < 32 for c in value):
            raise CellError("text contains control characters")
        if len(value) > max_len:
            raise CellError(f"longer than {max_len} characters")
        return value
    return parse


def pattern(regex: str, what: str) -> Callable[[str], str]:
    compiled = re.compile(regex)

    def parse(value: str) -> str:
        if value.startswith(FORMULA_PREFIXES):
            raise CellError(f"{what}: starts with {value[0]!r} (spreadsheet formula / CSV injection)")
        if not compiled.fullmatch(value):
            raise CellError(f"{what} expected, got {value!r}")
        return value
    return parse


def integer(lo: int, hi: int, what: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            try:
                as_float = float(value)
            except ValueError:
                raise CellError(f"{what} must be a whole number, got {value!r}") from None
            if not as_float.is_integer():
                raise CellError(f"{what} must be a whole number, got {value!r}") from None
            number = int(as_float)
        if not lo <= number <= hi:
            raise CellError(f"{what} {number} is out of range {lo}–{hi}")
        return number
    return parse


def year(value: str) -> int:
    """A year from MIN_YEAR to the current year."""
    return integer(MIN_YEAR, date.today().year, "year")(value)


def real(lo: float, hi: float, what: str) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise CellError(f"{what} must be a number, got {value!r}") from None
        if not lo <= number <= hi:
            raise CellError(f"{what} {number:g} is out of range {lo:g}–{hi:g}")
        return number
    return parse


_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


def quantity(value: str) -> Decimal:
    """An exact number with at most 4 decimals; thousands separators (1,234.5) are accepted."""
    if "," in value and _THOUSANDS.fullmatch(value):
        value = value.replace(",", "")
    try:
        return to_decimal(value)
    except ValueError as exc:
        raise CellError(f"value: {exc}") from None


def iso_date(value: str) -> date:
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", value)
    if not m:
        raise CellError(f"date must be YYYY-MM-DD, got {value!r}")
    try:
        parsed = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise CellError(f"not a calendar date {value!r}: {exc}") from None
    if not date(MIN_YEAR, 1, 1) <= parsed <= date.today():
        raise CellError(f"date {parsed.isoformat()} is out of range {MIN_YEAR}-01-01 – today")
    return parsed


_LEVELS = {"national": "national", "国家级": "national", "国家": "national",
           "provincial": "provincial", "省级": "provincial", "省": "provincial",
           "other": "other", "其他": "other"}


def level(value: str) -> str:
    try:
        return _LEVELS[value.lower()]
    except KeyError:
        raise CellError(f"level must be national/provincial/other (国家级/省级/其他), got {value!r}") from None


_BOOLS = {"true": True, "false": False, "1": True, "0": False, "是": True, "否": False, "yes": True, "no": False}


def boolean(value: str) -> bool:
    try:
        return _BOOLS[value.lower()]
    except KeyError:
        raise CellError(f"expected true/false (是/否), got {value!r}") from None


def credit_code(value: str) -> str:
    problem = uscc_problem(value.upper())
    if problem:
        raise CellError(problem)
    return value.upper()


ZONE_ID = pattern(r"[a-z0-9][a-z0-9-]{0,63}", "zone id (lower-case letters, digits and '-')")
INDICATOR = pattern(r"[a-z][a-z0-9_]{0,63}", "indicator code")
INDUSTRY = pattern(r"[A-T]|\d{2}|\d{3}|\d{4}", "GB/T 4754-2017 industry code")
ENTITY_ID = pattern(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", "entity id (letters, digits, '_', '.', '-')")
RECORD_ID = pattern(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", "record id (letters, digits, '_', '.', '-')")


def choice(options: dict[str, str], what: str) -> Callable[[str], str]:
    """A value from ``options`` (English or Chinese spelling → canonical)."""
    def parse(value: str) -> str:
        try:
            return options[value.strip().lower()]
        except KeyError:
            listed = "/".join(sorted(set(options.values())))
            raise CellError(f"{what} must be one of {listed}, got {value!r}") from None
    return parse


def share(value: str) -> Decimal:
    """An equity share as a fraction 0 < s ≤ 1 with at most 4 decimals (or a percentage like 35%)."""
    text_value = value.strip()
    number = quantity(text_value[:-1]) / 100 if text_value.endswith("%") else quantity(text_value)
    if not Decimal(0) < number <= Decimal(1):
        raise CellError(f"a share must be above 0 and at most 1 (100%), got {value!r}")
    if number != number.quantize(Decimal("0.0001")):
        raise CellError(f"a share has at most 4 decimals (0.01%), got {value!r}")
    return number


def coalition(value: str) -> str:
    """Zone ids joined by '+' (e.g. wuhan-donghu+xiangyang), stored sorted so each coalition has one key."""
    members = [m.strip() for m in value.replace("＋", "+").split("+")]
    for m in members:
        ZONE_ID(m)
    if len(set(members)) != len(members):
        raise CellError(f"a zone is listed twice in the coalition {value!r}")
    return "+".join(sorted(members))
DIVISION_CODE = pattern(r"[1-9]\d{5}", "GB/T 2260 code (6 digits)")
_CODE_LIST_SEP = re.compile(r"[,，;；、\s]+")
_INDUSTRY_DIGITS = re.compile(r"\d{2,4}")


def industry_codes(value: str) -> str:
    """GB/T 4754-2017 division, group or class codes (2–4 digits) separated by commas (，、; accepted),
    stored sorted, unique and comma-joined: "3849、3841" → "3841,3849"."""
    codes = sorted({c for c in _CODE_LIST_SEP.split(value.strip()) if c})
    bad = [c for c in codes if not _INDUSTRY_DIGITS.fullmatch(c)]
    if bad:
        raise CellError(f"{', '.join(map(repr, bad[:3]))} is not a GB/T 4754-2017 code (2–4 digits, e.g. 38 or "
                        "3841)")
    if len(",".join(codes)) > 200:
        raise CellError("too many industry codes (at most 200 characters)")
    return ",".join(codes)


_SUBFUND_NAMES = {"development": "development", "开发基金": "development", "开发": "development",
                  "industry": "industry", "产业基金": "industry", "产业": "industry",
                  "venture": "venture", "创投基金": "venture", "创投": "venture"}


def subfund_list(value: str) -> str:
    """Sub-funds an application may draw on, e.g. "industry,venture" or "产业基金、创投基金"; stored in the
    fund's order (development, industry, venture) joined by commas."""
    chosen = set()
    for item in (i for i in _CODE_LIST_SEP.split(value.strip()) if i):
        try:
            chosen.add(_SUBFUND_NAMES[item.lower()])
        except KeyError:
            raise CellError(f"unknown sub-fund {item!r}; use development/industry/venture "
                            "(开发基金/产业基金/创投基金)") from None
    return ",".join(f for f in enabling.SUBFUNDS if f in chosen)


def fraction(value: str) -> Decimal:
    """A share in [0, 1] with at most 4 decimals, or a percentage like 30%."""
    text_value = value.strip()
    number = quantity(text_value[:-1]) / 100 if text_value.endswith("%") else quantity(text_value)
    if not Decimal(0) <= number <= Decimal(1):
        raise CellError(f"a share lies between 0 and 1 (100%), got {value!r}")
    if number != number.quantize(Decimal("0.0001")):
        raise CellError(f"a share has at most 4 decimals (0.01%), got {value!r}")
    return number


def money(value: str) -> Decimal:
    """An amount in 万元 ≥ 0 with at most 4 decimals (1 yuan)."""
    number = quantity(value)
    if number < 0:
        raise CellError(f"an amount cannot be negative, got {value!r}")
    return number


def positive_money(value: str) -> Decimal:
    number = money(value)
    if number == 0:
        raise CellError("the amount must be positive")
    return number


# --- specifications ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of a kind: canonical English header, Chinese header, parser and database column."""

    name: str
    zh: str
    parse: Callable[[str], Any]
    required: bool = True
    nullable: bool = False
    db: str | None = None
    help_zh: str = ""
    #: few distinct values (codes, years): the importer parses each distinct text once
    repetitive: bool = False
    #: the value of an empty cell of an optional column (None = NULL)
    default: Any = None

    @property
    def db_name(self) -> str:
        return self.db or self.name


@dataclass(frozen=True)
class Kind:
    """An importable kind: ``parknet import KIND FILE``."""

    name: str
    title_zh: str
    model: type[models.Base]
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[return-value]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_VALUE = Column("value", "数值", quantity, help_zh="数值；金额单位万元，最多4位小数")
_YEAR = Column("year", "年份", year, help_zh=f"{MIN_YEAR}年至今", repetitive=True)
_ZONE = Column("zone_id", "园区代码", ZONE_ID, help_zh="园区代码，如 zhongguancun", repetitive=True)
_INDICATOR = Column("indicator", "指标代码", INDICATOR, db="indicator_code", help_zh="指标代码，如 gdp",
                    repetitive=True)
_CREDIT = Column("credit_code", "统一社会信用代码", credit_code, help_zh="18位统一社会信用代码", repetitive=True)

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("zones", "园区", models.Zone, (
        Column("zone_id", "园区代码", ZONE_ID, db="id"),
        Column("name", "园区名称", text(200)),
        Column("level", "级别", level, help_zh="national/provincial/other 或 国家级/省级/其他"),
        Column("province_code", "省份代码", DIVISION_CODE, help_zh="GB/T 2260 省级代码，如 420000"),
        Column("city", "城市", text(50), required=False, nullable=True),
        Column("city_code", "城市代码", DIVISION_CODE, required=False, nullable=True),
        Column("approved_year", "批准年份", integer(1985, 2100, "approved_year"), required=False, nullable=True),
        Column("area_km2", "面积(平方公里)", real(0, 100_000, "area_km2"), required=False, nullable=True),
        Column("lat", "纬度", real(3, 54, "lat"), required=False, nullable=True),
        Column("lon", "经度", real(73, 136, "lon"), required=False, nullable=True),
        Column("is_synthetic", "合成数据", boolean, required=False, help_zh="是否为合成演示数据"),
    ), key=("zone_id",)),
    Kind("indicators", "园区年度指标", models.ZoneIndicatorValue,
         (_ZONE, _YEAR, _INDICATOR, _VALUE), key=("zone_id", "year", "indicator")),
    Kind("industry-output", "园区分行业产出", models.ZoneIndustryOutput, (
        _ZONE, _YEAR,
        Column("industry_code", "行业代码", INDUSTRY, help_zh="GB/T 4754-2017 行业代码，如 39", repetitive=True),
        _INDICATOR, _VALUE,
    ), key=("zone_id", "year", "industry_code", "indicator")),
    Kind("enterprises", "企业", models.Enterprise, (
        _CREDIT,
        Column("name", "企业名称", text(200)),
        Column("industry_code", "行业代码", INDUSTRY, required=False, nullable=True),
        Column("zone_id", "所在园区", ZONE_ID, required=False, nullable=True),
        Column("incubated_in", "孵化园区", ZONE_ID, required=False, nullable=True),
        Column("founded_year", "成立年份", integer(1900, 2100, "founded_year"), required=False, nullable=True),
        Column("is_synthetic", "合成数据", boolean, required=False),
    ), key=("credit_code",)),
    Kind("enterprise-years", "企业年度数据", models.EnterpriseValue, (
        _CREDIT, _YEAR,
        Column("zone_id", "填报园区", ZONE_ID, help_zh="该年填报该企业数据的园区", repetitive=True),
        _INDICATOR, _VALUE,
    ), key=("credit_code", "year", "indicator")),
    Kind("relocations", "企业迁移", models.Relocation, (
        _CREDIT,
        Column("from_zone", "迁出园区", ZONE_ID),
        Column("to_zone", "迁入园区", ZONE_ID),
        Column("date", "迁移日期", iso_date, db="moved_on", help_zh="YYYY-MM-DD"),
    ), key=("credit_code", "date")),
)}


KINDS.update({k.name: k for k in (
    Kind("entities", "持股主体", sharing.Entity, (
        Column("entity_id", "主体代码", ENTITY_ID, db="id"),
        Column("name", "主体名称", text(200)),
        Column("kind", "主体类型", choice({"committee": "committee", "管委会": "committee", "province": "province",
                                          "省级": "province", "asset_company": "asset_company",
                                          "资产公司": "asset_company", "project_company": "project_company",
                                          "项目公司": "project_company"}, "kind"),
               help_zh="committee 管委会 / province 省级 / asset_company 资产公司 / project_company 项目公司"),
        Column("zone_id", "所属园区", ZONE_ID, required=False, nullable=True, help_zh="管委会及园区资产公司所属园区"),
        Column("province_code", "省份代码", DIVISION_CODE, required=False, nullable=True),
        Column("project_id", "共建项目", RECORD_ID, required=False, nullable=True, help_zh="项目公司对应的共建项目"),
        Column("is_synthetic", "合成数据", boolean, required=False),
    ), key=("entity_id",)),
    Kind("holdings", "持股关系", sharing.Holding, (
        Column("holder_id", "持股方", ENTITY_ID),
        Column("company_id", "被持股方", ENTITY_ID),
        Column("share", "持股比例", share, help_zh="0–1 或百分数，如 0.35 或 35%"),
    ), key=("holder_id", "company_id")),
    Kind("coalition-values", "联盟价值", sharing.CoalitionValue, (
        Column("project_id", "共建项目", RECORD_ID, repetitive=True),
        Column("coalition", "联盟", coalition, help_zh="合作方园区代码以+连接，如 wuhan-donghu+xiangyang"),
        Column("value", "价值(万元)", quantity, help_zh="该联盟单独合作可获得的收益（万元）"),
        Column("basis", "口径", choice({"expected": "expected", "预期": "expected", "realised": "realised",
                                        "realized": "realised", "实际": "realised"}, "basis")),
        Column("source", "来源", text(500), required=False, nullable=True, help_zh="如 可行性研究报告"),
    ), key=("project_id", "coalition")),
)})


_TEXT_ID = Column("id", "编号", RECORD_ID, help_zh="记录编号，字母数字及 _ . -")
_INDUSTRIES = Column("industry_codes", "行业代码", industry_codes, required=False, default="",
                     help_zh="GB/T 4754-2017 行业代码，多个以逗号分隔，如 3841,3849")
_SOURCE_ZONE = Column("zone_id", "所在园区", ZONE_ID, required=False, nullable=True,
                      help_zh="权属单位所在园区代码（用于优先匹配同一1+N网络的伙伴园区）")
_SYNTHETIC = Column("is_synthetic", "合成数据", boolean, required=False, default=False)

KINDS.update({k.name: k for k in (
    Kind("fund-rounds", "基金申报批次", enabling.FundRound, (
        Column("round_id", "批次编号", RECORD_ID, db="id"),
        Column("province_code", "省份代码", DIVISION_CODE, help_zh="设立协同发展基金的省份 GB/T 2260 代码"),
        Column("name", "批次名称", text(200)),
        Column("year", "年度", integer(MIN_YEAR, 2100, "year")),
        Column("zone_cap", "单园区上限(万元)", positive_money, required=False, nullable=True,
               help_zh="单个园区本批次最多获得的资助（万元）；空=不设上限"),
        Column("lagging_min_share", "后发园区最低占比", fraction, help_zh="0–1 或百分数，如 0.3 或 30%"),
        Column("partial_allowed", "允许部分资助", boolean, required=False, default=False),
        _SYNTHETIC,
    ), key=("round_id",)),
    Kind("fund-budgets", "子基金预算", enabling.FundBudget, (
        Column("round_id", "批次编号", RECORD_ID, repetitive=True),
        Column("subfund", "子基金", choice({k: v for k, v in _SUBFUND_NAMES.items()}, "subfund"),
               help_zh="development 开发基金 / industry 产业基金 / venture 创投基金"),
        Column("budget", "预算(万元)", positive_money),
    ), key=("round_id", "subfund")),
    Kind("fund-applications", "基金申请", enabling.FundApplication, (
        Column("application_id", "申请编号", RECORD_ID, db="id"),
        Column("round_id", "批次编号", RECORD_ID, repetitive=True),
        Column("zone_id", "申请园区", ZONE_ID, repetitive=True),
        Column("partners", "联合申请园区", coalition, required=False, nullable=True,
               help_zh="其他联合申请园区代码，以+连接"),
        Column("agreement_id", "合作协议", RECORD_ID, required=False, nullable=True),
        Column("project_id", "共建项目", RECORD_ID, required=False, nullable=True),
        Column("title", "项目名称", text(200)),
        Column("eligible", "可申请子基金", subfund_list, help_zh="如 industry,venture 或 产业基金、创投基金"),
        Column("amount", "申请金额(万元)", positive_money),
        Column("co_funding", "配套资金(万元)", money, required=False, nullable=True),
        Column("impact", "预期效益", real(0, 1e12, "impact"), help_zh="全额资助时的预期新增产值（万元）"),
        Column("impact_basis", "效益依据", text(500), help_zh="预期效益的测算依据，如 可行性研究报告"),
        Column("partial", "接受部分资助", boolean, required=False, nullable=True,
               help_zh="空=按批次规则"),
        Column("min_amount", "最低有效资助(万元)", money, required=False, nullable=True),
        _SYNTHETIC,
    ), key=("application_id",)),
    Kind("technologies", "技术库", enabling.Technology, (
        _TEXT_ID,
        Column("title", "技术名称", text(200)),
        Column("description", "技术简介", text(4000)),
        Column("field", "技术领域", text(100)),
        Column("trl", "技术成熟度", integer(1, 9, "trl"), help_zh="TRL 1–9（GB/T 22900-2022）"),
        Column("owner_institution", "权属单位", text(200)),
        _SOURCE_ZONE, _INDUSTRIES,
        Column("licensing", "转化方式", choice({
            "transfer": "transfer", "转让": "transfer", "license": "license", "许可": "license",
            "exclusive_license": "exclusive_license", "独占许可": "exclusive_license",
            "joint_development": "joint_development", "合作开发": "joint_development",
            "equity": "equity", "作价入股": "equity"}, "licensing"),
               help_zh="transfer 转让 / license 许可 / exclusive_license 独占许可 / joint_development 合作开发 / "
                       "equity 作价入股"),
        _SYNTHETIC,
    ), key=("id",)),
    Kind("experts", "专家库", enabling.Expert, (
        _TEXT_ID,
        Column("name", "姓名", text(100)),
        Column("title", "职称", text(50), required=False, nullable=True),
        Column("institution", "工作单位", text(200)),
        Column("fields", "研究领域", text(500)),
        Column("profile", "专长简介", text(4000)),
        _SOURCE_ZONE, _INDUSTRIES,
        Column("availability", "可对接状态", choice({
            "available": "available", "可对接": "available", "limited": "limited", "有限": "limited",
            "unavailable": "unavailable", "暂不可": "unavailable"}, "availability"),
               help_zh="available 可对接 / limited 有限 / unavailable 暂不可"),
        _SYNTHETIC,
    ), key=("id",)),
    Kind("science-projects", "科技项目库", enabling.ScienceProject, (
        _TEXT_ID,
        Column("title", "项目名称", text(200)),
        Column("description", "项目简介", text(4000)),
        Column("institution", "承担单位", text(200)),
        _SOURCE_ZONE, _INDUSTRIES,
        Column("stage", "阶段", choice({"research": "research", "研发": "research", "pilot": "pilot",
                                        "中试": "pilot", "industrialisation": "industrialisation",
                                        "industrialization": "industrialisation", "产业化": "industrialisation"},
                                       "stage"), help_zh="research 研发 / pilot 中试 / industrialisation 产业化"),
        Column("start_year", "立项年份", integer(MIN_YEAR, 2100, "start_year"), required=False, nullable=True),
        Column("funding", "经费(万元)", money, required=False, nullable=True),
        _SYNTHETIC,
    ), key=("id",)),
    Kind("demands", "需求", enabling.Demand, (
        _TEXT_ID,
        Column("zone_id", "需求园区", ZONE_ID, repetitive=True),
        Column("credit_code", "需求企业", credit_code, required=False, nullable=True,
               help_zh="提出需求的企业统一社会信用代码（园区自身需求留空）"),
        Column("title", "需求标题", text(200)),
        Column("description", "需求描述", text(4000)),
        Column("library", "需求类型", choice({"technology": "technology", "技术": "technology",
                                              "技术需求": "technology", "expert": "expert", "人才": "expert",
                                              "人才需求": "expert", "project": "project", "项目": "project",
                                              "项目需求": "project"}, "library"),
               help_zh="technology 技术需求 / expert 人才需求 / project 项目需求"),
        _INDUSTRIES,
        Column("posted_on", "发布日期", iso_date, help_zh="YYYY-MM-DD"),
        Column("status", "状态", choice({"open": "open", "待对接": "open", "matched": "matched", "已对接": "matched",
                                        "closed": "closed", "已关闭": "closed"}, "status"), required=False, default="open"),
        _SYNTHETIC,
    ), key=("id",)),
    Kind("platform-services", "平台服务目录", enabling.PlatformService, (
        Column("code", "服务编码", RECORD_ID),
        Column("provider_zone", "服务园区", ZONE_ID, help_zh="提供服务的领头园区代码"),
        Column("name", "服务名称", text(200)),
        Column("category", "服务类别", choice({
            "park_operation": "park_operation", "园区运营": "park_operation", "innovation": "innovation",
            "创新服务": "innovation", "industry": "industry", "产业服务": "industry"}, "category"),
               help_zh="park_operation 园区运营 / innovation 创新服务 / industry 产业服务"),
        Column("unit", "计价单位", text(20), help_zh="如 次、人天、月"),
        Column("price", "单价(万元)", positive_money),
        _SYNTHETIC,
    ), key=("code",)),
)})


def kind_by_name(name: str) -> Kind:
    """The kind called ``name``; raises ``InvalidArgument`` naming the valid kinds."""
    from parknet.errors import InvalidArgument

    try:
        return KINDS[name]
    except KeyError:
        raise InvalidArgument("KIND", f"unknown kind {name!r}; choose one of {', '.join(KINDS)}") from None
