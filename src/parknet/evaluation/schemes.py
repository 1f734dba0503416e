"""Evaluation schemes (考评方案): a zone evaluation's indicator system as a data file.

A scheme names its dimensions (一级指标) with their weights, and in each dimension the indicators (二级指标):
how each is computed from the zone figures (a figure, a ratio of two, or a year-on-year growth), on which
statistical basis (raw reported figures, figures attributed under the incentive mechanism, or cooperation
figures), its direction, and how the indicator weights are obtained (fixed, AHP, entropy, CRITIC). Two schemes
ship with ParkNet — ``baseline`` (before the reform) and ``reformed`` (MECHANISMS.md §4.1: cooperation and
spillover performance count, economic figures on the attributed basis); a user's own file loads the same way.
Weights are exact decimals: dimension weights, and fixed indicator weights within a dimension, must add up
to exactly 1. The file format is documented in ``docs/methods.md`` (Evaluation schemes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from parknet.errors import DataError
from parknet.domain import INDICATOR_CODES, Direction
from parknet.errors import InvalidArgument
from parknet.evaluation.methods import METHODS, AHPResult, ahp

__all__ = [
    "SCHEMES_DIR",
    "BUILTIN_SCHEMES",
    "COOPERATION_INDICATORS",
    "Basis",
    "Weighting",
    "Aggregation",
    "Source",
    "Ratio",
    "Growth",
    "Formula",
    "Indicator",
    "Dimension",
    "RequiredInputs",
    "Scheme",
    "SchemeError",
    "check_scheme",
    "parse_scheme",
    "load_scheme",
]

SCHEMES_DIR = Path(__file__).resolve().parent / "schemes"
BUILTIN_SCHEMES = ("baseline", "reformed")

#: Figures of cooperation and spillover performance (协同绩效, 辐射带动绩效), basis ``cooperation``; computed
#: per zone and year from the agreements, co-built projects, relocations, the attribution ledger and the
#: sci-tech platform's service tickets.
COOPERATION_INDICATORS: dict[str, tuple[str, str]] = {
    "coop_active_agreements": ("有效合作协议数", "Active cooperation agreements the zone is party to"),
    "coop_partner_zones": ("合作伙伴园区数", "Distinct partner zones"),
    "coop_project_credit": ("共建项目计入GDP(万元)", "GDP credited from co-built projects (万元)"),
    "spill_relocated_out": ("孵化外迁企业数", "Enterprises incubated here that relocated within the sharing window"),
    "spill_origin_credit": ("外迁企业回计GDP(万元)", "GDP credited back under the relocation rule (万元)"),
    "spill_attributed_gain": ("归属增量GDP(万元)", "Attributed minus raw GDP (万元, may be negative)"),
    "spill_services_delivered": ("对外交付服务工单数", "Service tickets delivered to other zones as provider"),
}


class Basis(StrEnum):
    """The statistics an indicator is computed on."""

    RAW = "raw"  # 上报口径: the figures the zone reports
    ATTRIBUTED = "attributed"  # 归属口径: after the relocation and co-built project rules
    COOPERATION = "cooperation"  # 协同与辐射统计: COOPERATION_INDICATORS


class Weighting(StrEnum):
    """How the indicator weights within a dimension are obtained."""

    FIXED = "fixed"  # 专家定权: weights written in the file
    AHP = "ahp"  # 层次分析法: a pairwise comparison matrix in the file
    ENTROPY = "entropy"  # 熵权法: from the year's data
    CRITIC = "critic"  # CRITIC 法: from the year's data


class Aggregation(StrEnum):
    """How the total score is formed."""

    WEIGHTED_SUM = "weighted_sum"  # 线性加权
    TOPSIS = "topsis"  # 逼近理想解排序法


@dataclass(frozen=True)
class Source:
    """The indicator is the figure ``code`` itself."""

    code: str

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.code,)

    @property
    def previous_inputs(self) -> tuple[str, ...]:
        return ()

    def compute(self, current: Mapping[str, float], previous: Mapping[str, float]) -> float | None:
        return current[self.code]

    def describe(self) -> str:
        return self.code


@dataclass(frozen=True)
class Ratio:
    """scale · numerator / denominator; None (undefined) when the denominator is 0."""

    numerator: str
    denominator: str
    scale: Decimal = Decimal(1)

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    @property
    def previous_inputs(self) -> tuple[str, ...]:
        return ()

    def compute(self, current: Mapping[str, float], previous: Mapping[str, float]) -> float | None:
        den = current[self.denominator]
        return None if den == 0 else float(self.scale) * current[self.numerator] / den

    def describe(self) -> str:
        scaled = "" if self.scale == 1 else f" × {self.scale}"
        return f"{self.numerator} / {self.denominator}{scaled}"


@dataclass(frozen=True)
class Growth:
    """Year-on-year growth value_Y / value_{Y−1} − 1; None (undefined) when value_{Y−1} is 0."""

    code: str

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.code,)

    @property
    def previous_inputs(self) -> tuple[str, ...]:
        return (self.code,)

    def compute(self, current: Mapping[str, float], previous: Mapping[str, float]) -> float | None:
        before = previous[self.code]
        return None if before == 0 else current[self.code] / before - 1

    def describe(self) -> str:
        return f"{self.code}[Y] / {self.code}[Y−1] − 1"


Formula = Source | Ratio | Growth


@dataclass(frozen=True)
class Indicator:
    """A second-level indicator (二级指标). ``weight`` is set only in a dimension weighted ``fixed``."""

    code: str
    name_zh: str
    name_en: str
    direction: Direction
    basis: Basis
    formula: Formula
    weight: Decimal | None = None
    unit: str = ""


@dataclass(frozen=True)
class Dimension:
    """A first-level dimension (一级指标): its weight in the total and its indicators. ``pairwise`` is the AHP
    comparison matrix (rows and columns in indicator order), set only when ``weighting`` is ``ahp``."""

    code: str
    name_zh: str
    name_en: str
    weight: Decimal
    weighting: Weighting
    indicators: tuple[Indicator, ...]
    pairwise: tuple[tuple[float, ...], ...] | None = None

    def ahp_result(self) -> AHPResult | None:
        """The AHP weights and consistency (None unless weighted ``ahp``)."""
        return ahp(self.pairwise) if self.pairwise is not None else None

    def fixed_weights(self) -> np.ndarray | None:
        """Indicator weights that do not depend on the data (fixed or AHP); None for entropy and CRITIC."""
        if len(self.indicators) == 1:
            return np.ones(1)
        if self.weighting is Weighting.FIXED:
            return np.array([float(i.weight or 0) for i in self.indicators])
        result = self.ahp_result()
        return None if result is None else result.weights


@dataclass(frozen=True)
class RequiredInputs:
    """The (basis, figure code) pairs a scheme reads in the evaluated year and in the year before."""

    current: frozenset[tuple[Basis, str]]
    previous_year: frozenset[tuple[Basis, str]]

    @property
    def needs_previous_year(self) -> bool:
        return bool(self.previous_year)


@dataclass(frozen=True)
class Scheme:
    """An evaluation scheme (考评方案). ``file`` says where it was loaded from (for messages)."""

    id: str
    name_zh: str
    name_en: str
    version: str
    description: str
    source: str
    normalisation: str
    aggregation: Aggregation
    dimensions: tuple[Dimension, ...]
    file: str = "<scheme>"

    def indicators(self) -> tuple[tuple[Dimension, Indicator], ...]:
        """Every (dimension, indicator) in file order."""
        return tuple((d, i) for d in self.dimensions for i in d.indicators)

    def dimension(self, code: str) -> Dimension:
        for d in self.dimensions:
            if d.code == code:
                return d
        known = ", ".join(d.code for d in self.dimensions)
        raise InvalidArgument("dimension", f"scheme {self.id!r} has no dimension {code!r}; its dimensions: "
                                           f"{known}")

    def required_inputs(self) -> RequiredInputs:
        current = {(i.basis, c) for _, i in self.indicators() for c in i.formula.inputs}
        previous = {(i.basis, c) for _, i in self.indicators() for c in i.formula.previous_inputs}
        return RequiredInputs(frozenset(current), frozenset(previous))


class SchemeError(DataError):
    """A scheme file breaks the format; ``problems`` lists every ``FILE: place: reason``."""


# --- checks ------------------------------------------------------------------------------------------

_CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_TOP_KEYS = {"id", "name_zh", "name_en", "version", "description", "source", "normalisation", "aggregation",
             "dimensions"}
_DIM_KEYS = {"code", "name_zh", "name_en", "weight", "weighting", "pairwise", "indicators"}
_IND_KEYS = {"code", "name_zh", "name_en", "direction", "basis", "weight", "source", "formula", "unit"}
_RESERVED = {"zone_id", "rank", "score"}
_FORMULA_HELP = 'use {"ratio": [numerator, denominator], "scale": k} or {"growth": code}'


def _number(value: object) -> Decimal | None:
    """An exact, finite decimal from a JSON number (parsed as Decimal), an int or a float; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        return None
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return number if number.is_finite() else None


def _fraction(value: object) -> Fraction | None:
    """A pairwise judgement: a number or a fraction written as text ("1/3")."""
    try:
        if isinstance(value, str):
            return Fraction(value.replace(" ", ""))
        number = _number(value)
        return None if number is None else Fraction(number)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[str] = []

    def add(self, place: str, reason: str) -> None:
        self.items.append(f"{self.file}: {place}: {reason}")


def _check_fields(p: _Problems, place: str, obj: Mapping[str, Any], allowed: set[str],
                  texts: tuple[str, ...]) -> None:
    unknown = ", ".join(map(repr, sorted(set(obj) - allowed)))
    if unknown:
        p.add(place, f"unknown field(s) {unknown}; allowed: {', '.join(sorted(allowed))}")
    for key in texts:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            p.add(place, f"{key}: missing or empty (expected a non-empty string)")


def _check_choice(p: _Problems, place: str, obj: Mapping[str, Any], key: str,
                  choices: tuple[str, ...]) -> None:
    if obj.get(key) not in choices:
        p.add(place, f"{key}: {obj.get(key)!r} is not one of {', '.join(choices)}")


def _check_code(p: _Problems, place: str, code: object, seen: set[str], what: str) -> None:
    if not (isinstance(code, str) and _CODE.fullmatch(code)):
        p.add(place, f"code: {code!r} is not a snake_case code")
    elif code in seen:
        p.add(place, f"code: duplicate {what} code")
    else:
        seen.add(code)


def _check_inputs(p: _Problems, place: str, codes: list[object], basis: object) -> None:
    known = COOPERATION_INDICATORS if basis == Basis.COOPERATION else INDICATOR_CODES
    for code in codes:
        if basis in tuple(Basis) and not (isinstance(code, str) and code in known):
            p.add(place, f"{code!r} is not a figure of basis {basis}; choose one of {', '.join(known)}")


def _check_formula(p: _Problems, place: str, ind: Mapping[str, Any]) -> None:
    basis = ind.get("basis")
    if ("source" in ind) == ("formula" in ind):
        p.add(place, f'give either "source": <figure code> or "formula" ({_FORMULA_HELP})')
        return
    if "source" in ind:
        _check_inputs(p, place, [ind["source"]], basis)
        return
    formula = ind["formula"]
    if isinstance(formula, Mapping) and set(formula) in ({"ratio"}, {"ratio", "scale"}):
        parts = formula["ratio"]
        if not (isinstance(parts, list) and len(parts) == 2):
            p.add(place, "formula: ratio must be [numerator, denominator]")
            return
        _check_inputs(p, place, parts, basis)
        scale = _number(formula.get("scale", 1))
        if scale is None or scale <= 0:
            p.add(place, f"formula: scale must be a positive number, got {formula.get('scale')!r}")
    elif isinstance(formula, Mapping) and set(formula) == {"growth"}:
        _check_inputs(p, place, [formula["growth"]], basis)
    else:
        p.add(place, f"formula: unknown formula {formula!r}; {_FORMULA_HELP}")


def _check_indicator(p: _Problems, dim_place: str, index: int, ind: object, weighting: object,
                     seen: set[str]) -> Decimal | None:
    code = ind.get("code") if isinstance(ind, Mapping) else None
    place = f"{dim_place}, indicator " + (repr(code) if isinstance(code, str) else f"#{index + 1}")
    if not isinstance(ind, Mapping):
        p.add(place, "expected an object")
        return None
    _check_fields(p, place, ind, _IND_KEYS, ("name_zh", "name_en"))
    _check_code(p, place, code, seen, "indicator")
    _check_choice(p, place, ind, "direction", tuple(Direction))
    _check_choice(p, place, ind, "basis", tuple(Basis))
    _check_formula(p, place, ind)
    if "unit" in ind and not isinstance(ind["unit"], str):
        p.add(place, "unit: expected a string")
    if weighting != Weighting.FIXED:
        if "weight" in ind:
            p.add(place, f"weight: only used when the dimension's weighting is fixed (it is {weighting})")
        return None
    weight = _number(ind.get("weight"))
    if weight is None or not Decimal(0) < weight <= Decimal(1):
        p.add(place, f"weight: expected a decimal in (0, 1], got {ind.get('weight')!r}")
        return None
    return weight


def _exact_sum(weights: list[Decimal | None]) -> Decimal | None:
    """Σ weights, or None when there are none or one is invalid (already reported)."""
    valid = [w for w in weights if w is not None]
    return sum(valid, Decimal(0)) if valid and len(valid) == len(weights) else None


def _check_pairwise(p: _Problems, place: str, matrix: object, n: int) -> None:
    rows = matrix if isinstance(matrix, list) and all(isinstance(r, list) for r in matrix) else None
    if rows is None or len(rows) != n or any(len(r) != n for r in rows):
        p.add(place, f"pairwise: expected a {n} × {n} matrix (one row and column per indicator, in order)")
        return
    values = [[_fraction(v) for v in r] for r in rows]
    if any(v is None for r in values for v in r):
        p.add(place, 'pairwise: entries must be positive numbers or fractions written as text, e.g. "1/3"')
        return
    try:
        ahp([[float(v) for v in r] for r in values])  # type: ignore[arg-type]
    except InvalidArgument as exc:
        p.add(place, f"pairwise: {exc.reason}")


def _check_dimension(p: _Problems, index: int, dim: object, seen_dims: set[str],
                     seen_inds: set[str]) -> Decimal | None:
    code = dim.get("code") if isinstance(dim, Mapping) else None
    place = f"dimension {code!r}" if isinstance(code, str) else f"dimension #{index + 1}"
    if not isinstance(dim, Mapping):
        p.add(place, "expected an object")
        return None
    _check_fields(p, place, dim, _DIM_KEYS, ("name_zh", "name_en"))
    _check_code(p, place, code, seen_dims, "dimension")
    if code in _RESERVED:
        p.add(place, f"code: {code!r} is reserved (a column of the ranking); choose another")
    _check_choice(p, place, dim, "weighting", tuple(Weighting))
    weighting = dim.get("weighting")
    indicators = dim.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        p.add(place, "indicators: expected a non-empty list")
        indicators = []
    weights = [_check_indicator(p, place, j, ind, weighting, seen_inds) for j, ind in enumerate(indicators)]
    total = _exact_sum(weights)
    if weighting == Weighting.FIXED and total is not None and total != 1:
        p.add(place, f"fixed indicator weights sum to {total}, not exactly 1")
    if weighting == Weighting.AHP:
        if len(indicators) < 2:
            p.add(place, "ahp needs at least 2 indicators; use fixed weighting for a single indicator")
        else:
            _check_pairwise(p, place, dim.get("pairwise"), len(indicators))
    elif "pairwise" in dim:
        p.add(place, "pairwise: only used when the weighting is ahp")
    weight = _number(dim.get("weight"))
    if weight is None or not Decimal(0) < weight <= Decimal(1):
        p.add(place, f"weight: expected a decimal in (0, 1], got {dim.get('weight')!r}")
        return None
    return weight


def check_scheme(data: object, *, file: str = "<scheme>") -> list[str]:
    """Every problem of a parsed scheme, as ``FILE: place: reason`` (empty = valid).

    Refused: unknown fields; missing names; codes that are not snake_case or repeat (indicator codes are
    unique in the whole scheme); normalisation other than minmax/zscore/efficacy; aggregation other than
    weighted_sum/topsis; dimension weights, or fixed indicator weights within a dimension, outside (0, 1] or
    not adding up to exactly 1; unknown direction, basis or weighting; an indicator without exactly one of
    ``source`` and ``formula``; unknown formulas; figure codes that the basis does not have; a ``weight`` on
    an indicator of a dimension not weighted ``fixed``; an AHP matrix of the wrong order, not reciprocal, or
    with consistency ratio CR ≥ 0.10.
    """
    p = _Problems(file)
    if not isinstance(data, Mapping):
        p.add("top level", "expected a JSON object")
        return p.items
    _check_fields(p, "top level", data, _TOP_KEYS, ("name_zh", "name_en", "version", "description"))
    _check_code(p, "top level", data.get("id"), set(), "scheme")
    if "source" in data and not isinstance(data["source"], str):
        p.add("top level", "source: expected a string")
    _check_choice(p, "top level", data, "normalisation", METHODS)
    _check_choice(p, "top level", data, "aggregation", tuple(Aggregation))
    dims = data.get("dimensions")
    if not isinstance(dims, list) or not dims:
        p.add("top level", "dimensions: expected a non-empty list")
        return p.items
    seen_dims: set[str] = set()
    seen_inds: set[str] = set()
    weights = [_check_dimension(p, i, d, seen_dims, seen_inds) for i, d in enumerate(dims)]
    total = _exact_sum(weights)
    if total is not None and total != 1:
        listed = " + ".join(f"{d.get('code')} {w}" for d, w in zip(dims, weights, strict=True))
        p.add("dimensions", f"dimension weights sum to {total}, not exactly 1 ({listed})")
    return p.items


# --- parsing -----------------------------------------------------------------------------------------

def _formula(ind: Mapping[str, Any]) -> Formula:
    if "source" in ind:
        return Source(ind["source"])
    f = ind["formula"]
    if "growth" in f:
        return Growth(f["growth"])
    num, den = f["ratio"]
    return Ratio(num, den, _number(f.get("scale", 1)) or Decimal(1))


def _indicator(raw: Mapping[str, Any]) -> Indicator:
    weight = _number(raw["weight"]) if "weight" in raw else None
    return Indicator(code=raw["code"], name_zh=raw["name_zh"], name_en=raw["name_en"],
                     direction=Direction(raw["direction"]), basis=Basis(raw["basis"]), formula=_formula(raw),
                     weight=weight, unit=raw.get("unit", ""))


def _dimension(raw: Mapping[str, Any]) -> Dimension:
    pairwise = raw.get("pairwise")
    matrix = None if pairwise is None else tuple(tuple(float(Fraction(_fraction(v) or 0)) for v in row)
                                                 for row in pairwise)
    return Dimension(code=raw["code"], name_zh=raw["name_zh"], name_en=raw["name_en"],
                     weight=Decimal(_number(raw["weight"]) or 0), weighting=Weighting(raw["weighting"]),
                     indicators=tuple(_indicator(i) for i in raw["indicators"]), pairwise=matrix)


def parse_scheme(data: Mapping[str, Any], *, file: str = "<scheme>") -> Scheme:
    """A :class:`Scheme` from parsed JSON content; raises :class:`SchemeError` listing every problem
    (see :func:`check_scheme`). Numbers may be ``Decimal`` (as :func:`load_scheme` parses them), ints or
    floats (taken by their shortest decimal representation)."""
    problems = check_scheme(data, file=file)
    if problems:
        raise SchemeError(file, problems)
    return Scheme(id=data["id"], name_zh=data["name_zh"], name_en=data["name_en"], version=data["version"],
                  description=data["description"], source=data.get("source", ""),
                  normalisation=data["normalisation"], aggregation=Aggregation(data["aggregation"]),
                  dimensions=tuple(_dimension(d) for d in data["dimensions"]), file=file)


def load_scheme(name_or_path: str | Path) -> Scheme:
    """Load a built-in scheme (``"baseline"``, ``"reformed"``) or a scheme JSON file.

    Numbers are read as exact decimals, so weights such as 0.1 + 0.2 + 0.7 add up to exactly 1. Raises
    :class:`~parknet.errors.InvalidArgument` for an unknown name or a file that cannot be read, and
    :class:`SchemeError` (naming the file, the dimension and the indicator) for an invalid scheme.
    """
    builtin = isinstance(name_or_path, str) and name_or_path in BUILTIN_SCHEMES
    path = SCHEMES_DIR / f"{name_or_path}.json" if builtin else Path(name_or_path)
    label = path.name if builtin else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidArgument("scheme", f"{name_or_path!r} is neither a built-in scheme "
                                        f"({', '.join(BUILTIN_SCHEMES)}) nor an existing file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidArgument("scheme", f"cannot read {label} ({exc})") from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise SchemeError(label, [f"{label}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})"]) from None
    return parse_scheme(data, file=label)
