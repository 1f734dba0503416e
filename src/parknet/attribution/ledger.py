"""The statistics-attribution ledger (统计归属台账): every credit is an entry that names its source record and
rule; raw and attributed totals per zone, indicator and year; an exact conservation report.

Amounts are exact: values become integer ten-thousandths of their unit (1 yuan for money in 万元), splits
use the largest-remainder method, and entries carry ``Decimal(38, 4)`` amounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from parknet.attribution.money import from_units, largest_remainder, to_units
from parknet.attribution.rules import RelocationRule
from parknet.errors import InvalidArgument

__all__ = ["Ledger", "attribute", "ENTRY_SCHEMA"]

AMOUNT = pl.Decimal(38, 4)
ENTRY_SCHEMA = {"source_id": pl.String, "source_kind": pl.String, "zone_id": pl.String, "indicator": pl.String,
                "year": pl.Int32, "amount": AMOUNT, "rule_id": pl.String, "agreement_id": pl.String}


@dataclass(frozen=True)
class Ledger:
    """The entries of one year's attribution, the raw (reported) figures, and the project figures."""

    year: int
    entries: pl.DataFrame
    raw: pl.DataFrame  # zone_id, indicator, year, raw
    projects: pl.DataFrame  # project_id, indicator, year, value, credited

    def totals(self) -> pl.DataFrame:
        """``zone_id, indicator, year, raw, attributed`` (exact decimals; 0 where a zone has only one side)."""
        attributed = self.entries.group_by("zone_id", "indicator", "year").agg(pl.col("amount").sum().alias("attributed"))
        out = self.raw.join(attributed, on=["zone_id", "indicator", "year"], how="full", coalesce=True)
        return out.with_columns(pl.col("raw", "attributed").fill_null(Decimal(0))).sort("zone_id", "indicator")

    def conservation(self) -> pl.DataFrame:
        """Per indicator: Σ raw, Σ project value, declared inflation (Σ project credits − Σ project value) and
        Σ attributed; ``balanced`` = Σ attributed == Σ raw + Σ project value + inflation, exactly."""
        raw = self.raw.group_by("indicator").agg(pl.col("raw").sum())
        attributed = self.entries.group_by("indicator").agg(pl.col("amount").sum().alias("attributed"))
        proj = self.projects.group_by("indicator").agg(pl.col("value").sum().alias("project_value"),
                                                       pl.col("credited").sum().alias("project_credited"))
        out = (raw.join(attributed, on="indicator", how="full", coalesce=True)
               .join(proj, on="indicator", how="full", coalesce=True)
               .with_columns(pl.col("raw", "attributed", "project_value", "project_credited").fill_null(Decimal(0))))
        out = out.with_columns((pl.col("project_credited") - pl.col("project_value")).alias("inflation"))
        return out.with_columns((pl.col("attributed") == pl.col("raw") + pl.col("project_credited")).alias("balanced")
                                ).select("indicator", "raw", "project_value", "inflation", "attributed", "balanced"
                                         ).sort("indicator")

    def explain(self, zone_id: str, indicator: str) -> pl.DataFrame:
        """Every entry behind a zone's attributed figure: source, kind, amount, rule, agreement."""
        return self.entries.filter((pl.col("zone_id") == zone_id) & (pl.col("indicator") == indicator))


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _rules_by_indicator(rules: RelocationRule | Sequence[RelocationRule]) -> dict[str, RelocationRule]:
    listed = [rules] if isinstance(rules, RelocationRule) else list(rules)
    out: dict[str, RelocationRule] = {}
    for rule in listed:
        for code in rule.indicators:
            if code in out:
                raise InvalidArgument("rules", f"indicator {code!r} is covered by two rules ({out[code].rule_id}, {rule.rule_id})")
            out[code] = rule
    return out


def _sharing_relocations(relocations: pl.DataFrame, incubation: pl.DataFrame,
                         rules: dict[str, RelocationRule]) -> list[dict[str, Any]]:
    """Relocations out of the incubating zone, with their windows; refuses same-zone moves and windows that
    overlap for one enterprise (they would credit more than 100%)."""
    window = max((r.window_months for r in rules.values()), default=24)
    incubated = dict(incubation.select("enterprise_id", "incubated_in").iter_rows())
    sharing: dict[str, list[dict[str, Any]]] = {}
    for row in relocations.iter_rows(named=True):
        if row["from_zone"] == row["to_zone"]:
            raise InvalidArgument("relocations", f"enterprise {row['enterprise_id']} relocates to the zone it leaves "
                                                 f"({row['from_zone']}) on {row['date']}")
        if incubated.get(row["enterprise_id"]) != row["from_zone"]:
            continue  # not incubated in the zone it leaves: no sharing
        start = _month_index(row["date"])
        item = {**row, "start": start}
        for other in sharing.get(row["enterprise_id"], []):
            if abs(other["start"] - start) < window:
                raise InvalidArgument("relocations", f"enterprise {row['enterprise_id']}: relocations on {other['date']} "
                                                     f"and {row['date']} have overlapping windows — the incubating zone "
                                                     "would be credited more than 100%")
        sharing.setdefault(row["enterprise_id"], []).append(item)
    return [item for items in sharing.values() for item in items]


def _require(frame: pl.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidArgument(name, f"missing columns {missing}")


def attribute(enterprise_years: pl.DataFrame, relocations: pl.DataFrame, incubation: pl.DataFrame,
              projects: pl.DataFrame, rules: RelocationRule | Sequence[RelocationRule], year: int) -> Ledger:
    """Attribute ``year``'s statistics: reported enterprise values, relocation shares and co-built projects.

    Relocation (rule): of the value v that B reports for enterprise e (incubated in A, relocated A → B on
    d), A is credited v·(m/12)·s_A, m = months of ``year`` in the window starting with d's month; B keeps
    the rest. Projects: each partner p gets value·w_p; the parts of one project-year-indicator add up to
    round(value·Σw) (largest remainder), and Σw − 1 of the value is declared inflation.
    """
    _require(enterprise_years, "enterprise_years", ("enterprise_id", "zone_id", "year", "indicator", "value"))
    _require(relocations, "relocations", ("enterprise_id", "from_zone", "to_zone", "date"))
    _require(incubation, "incubation", ("enterprise_id", "incubated_in"))
    _require(projects, "projects", ("project_id", "agreement_id", "year", "indicator", "value", "zone_id", "weight"))
    by_indicator = _rules_by_indicator(rules)
    shares = _sharing_relocations(relocations, incubation, by_indicator)
    lookup: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for s in shares:
        lookup.setdefault((s["enterprise_id"], s["to_zone"]), []).append(s)
    year_start, year_end = year * 12, year * 12 + 11
    rows: list[tuple[Any, ...]] = []
    raw: dict[tuple[str, str], int] = {}
    for e, zone, y, code, value in enterprise_years.filter(pl.col("year") == year).select(
            "enterprise_id", "zone_id", "year", "indicator", "value").iter_rows():
        units = to_units(value)
        raw[(zone, code)] = raw.get((zone, code), 0) + units
        rule = by_indicator.get(code)
        credit = 0
        for s in lookup.get((e, zone), []) if rule else []:
            months = max(0, min(s["start"] + rule.window_months - 1, year_end) - max(s["start"], year_start) + 1)
            origin = Fraction(months, 12) * rule.share  # A's fraction of B's report
            if origin == 0:
                continue
            credit = units if origin == 1 else largest_remainder(units, [origin, 1 - origin], [s["from_zone"], zone])[0]
            rows.append((e, "enterprise_year", s["from_zone"], code, y, credit, f"{rule.rule_id}:origin", None))
            break
        rows.append((e, "enterprise_year", zone, code, y, units - credit,
                     "reported" if not credit else f"{by_indicator[code].rule_id}:reporting", None))
    project_rows: list[tuple[Any, ...]] = []
    for (pid, agreement, code), group in _project_groups(projects, year):
        values = {to_units(v) for v in group["value"]}
        if len(values) != 1:
            raise InvalidArgument("projects", f"project {pid} {year} {code}: partners report different values")
        units = values.pop()
        weights = [Fraction(Decimal(str(w))) for w in group["weight"]]
        if any(w <= 0 for w in weights):
            raise InvalidArgument("projects", f"project {pid}: weights must be positive")
        zones = list(group["zone_id"])
        total = int((Decimal(units) * Decimal(sum(weights).numerator) / Decimal(sum(weights).denominator))
                    .to_integral_value(rounding=ROUND_HALF_EVEN))
        parts = largest_remainder(total, weights, zones)
        for zone, part in zip(zones, parts):
            rows.append((pid, "project", zone, code, year, part, "co_built_weight", agreement))
        project_rows.append((pid, code, year, units, total))
    entries = pl.DataFrame(
        [(a, b, c, d, e, from_units(f), g, h) for a, b, c, d, e, f, g, h in rows],
        schema=ENTRY_SCHEMA, orient="row")
    raw_frame = pl.DataFrame([(z, c, year, from_units(u)) for (z, c), u in raw.items()],
                             schema={"zone_id": pl.String, "indicator": pl.String, "year": pl.Int32, "raw": AMOUNT},
                             orient="row")
    project_frame = pl.DataFrame([(p, c, y, from_units(v), from_units(t)) for p, c, y, v, t in project_rows],
                                 schema={"project_id": pl.String, "indicator": pl.String, "year": pl.Int32,
                                         "value": AMOUNT, "credited": AMOUNT}, orient="row")
    return Ledger(year, entries, raw_frame, project_frame)


def _project_groups(projects: pl.DataFrame, year: int) -> list[tuple[tuple[str, str, str], pl.DataFrame]]:
    selected = projects.filter(pl.col("year") == year).sort("project_id", "indicator", "zone_id")
    duplicated = selected.select(pl.struct("project_id", "indicator", "zone_id").is_duplicated().any()).item()
    if duplicated:
        raise InvalidArgument("projects", "a partner appears twice in one project-year-indicator")
    return [((pid, agreement, code), group) for (pid, agreement, code), group in
            selected.group_by("project_id", "agreement_id", "indicator", maintain_order=True)]
