"""The statistics-attribution ledger (统计归属台账): every credit is an entry that names its source record and
rule; raw and attributed totals per zone, indicator and year; an exact conservation report.

Amounts are exact: values become integer ten-thousandths of their unit (1 yuan for money in 万元), splits
use the largest-remainder method, and entries carry ``Decimal(38, 4)`` amounts. The whole year is computed
with polars joins and column arithmetic on those integers (no loop over records), so a national year close
of ten million enterprise values takes seconds (``benchmarks/ledger_scale.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import polars as pl

from parknet.attribution.money import (
    AMOUNT,
    amount,
    largest_remainder,
    scaled_column,
    split_in_two,
    units_column,
)
from parknet.attribution.rules import (
    RelocationRule,
    check_windows,
    months_in_year,
    relocation_table,
    sharing_relocations,
)
from parknet.errors import InvalidArgument
from parknet.store.types import SCALE

__all__ = ["Ledger", "attribute", "ENTRY_SCHEMA", "AMOUNT"]

ENTRY_SCHEMA = {"source_id": pl.String, "source_kind": pl.String, "zone_id": pl.String, "indicator": pl.String,
                "year": pl.Int32, "amount": AMOUNT, "rule_id": pl.String, "agreement_id": pl.String}
_KEY = ["zone_id", "indicator", "year"]
_GROUP = ["project_id", "agreement_id", "indicator"]
#: Project weights are split exactly in polars when they have at most 9 decimals and sum to less than
#: 10⁵ per project (then every product fits Int128); other projects take the exact Fraction path.
_WEIGHT_DIGITS, _WEIGHT_SUM_LIMIT = 9, 10**14


@dataclass(frozen=True)
class Ledger:
    """The entries of one year's attribution, the raw (reported) figures, and the project figures."""

    year: int
    entries: pl.DataFrame
    raw: pl.DataFrame  # zone_id, indicator, year, raw
    projects: pl.DataFrame  # project_id, indicator, year, value, credited

    def totals(self) -> pl.DataFrame:
        """``zone_id, indicator, year, raw, attributed`` (exact decimals; 0 where a zone has only one side)."""
        attributed = _streamed(self.entries.lazy().group_by(_KEY).agg(
            pl.col("amount").sum().cast(AMOUNT).alias("attributed")))
        out = self.raw.join(attributed, on=_KEY, how="full", coalesce=True)
        return out.with_columns(pl.col("raw", "attributed").fill_null(Decimal(0))).sort("zone_id", "indicator")

    def conservation(self) -> pl.DataFrame:
        """Per indicator: Σ raw, Σ project value, declared inflation (Σ project credits − Σ project value) and
        Σ attributed; ``balanced`` = Σ attributed == Σ raw + Σ project value + inflation, exactly."""
        raw = self.raw.group_by("indicator").agg(pl.col("raw").sum())
        attributed = _streamed(self.entries.lazy().group_by("indicator").agg(
            pl.col("amount").sum().alias("attributed")))
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

    def condensed(self) -> pl.DataFrame:
        """The entries as stored at a year close: the untouched enterprise reports (``rule_id ==
        "reported"``) summed into one entry per zone, indicator and year (``source_kind`` "zone_reported",
        ``source_id`` the zone, no agreement); every other entry as it is. ``records`` (Int64) counts the
        input records behind an entry (1 for the kept ones). Same totals as :attr:`entries`."""
        reported = pl.col("rule_id") == "reported"
        zones = _streamed(self.entries.lazy().filter(reported).group_by(_KEY).agg(
            pl.col("amount").sum().cast(AMOUNT), pl.len().cast(pl.Int64).alias("records")))
        zones = zones.sort(_KEY).select(
            pl.col("zone_id").alias("source_id"), pl.lit("zone_reported").alias("source_kind"), *_KEY, "amount",
            pl.lit("reported").alias("rule_id"), pl.lit(None, pl.String).alias("agreement_id"), "records")
        kept = _streamed(self.entries.lazy().filter(~reported).with_columns(records=pl.lit(1, pl.Int64)))
        return pl.concat([zones, kept])


def _streamed(query: pl.LazyFrame) -> pl.DataFrame:
    """Collect a query over millions of entries with polars' streaming engine: on two cores it groups by
    several string keys several times faster than the in-memory engine, and builds the entries twice as
    fast (``benchmarks/ledger_scale.py``)."""
    return query.collect(engine="streaming")


def _rules_by_indicator(rules: RelocationRule | Sequence[RelocationRule]) -> dict[str, RelocationRule]:
    listed = [rules] if isinstance(rules, RelocationRule) else list(rules)
    out: dict[str, RelocationRule] = {}
    for rule in listed:
        for code in rule.indicators:
            if code in out:
                raise InvalidArgument("rules", f"indicator {code!r} is covered by two rules ({out[code].rule_id}, {rule.rule_id})")
            out[code] = rule
    return out


def _require(frame: pl.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidArgument(name, f"missing columns {missing}")


def attribute(enterprise_years: pl.DataFrame, relocations: pl.DataFrame, incubation: pl.DataFrame,
              projects: pl.DataFrame, rules: RelocationRule | Sequence[RelocationRule], year: int) -> Ledger:
    """Attribute ``year``'s statistics: reported enterprise values, relocation shares and co-built projects.

    Relocation (rule): of the value v that B reports for enterprise e (incubated in A, relocated A → B on
    d), A is credited v·(m/12)·s_A, m = months of ``year`` in the window starting with d's month; B keeps
    the rest. In integer units u: A's part is the first part of ``largest_remainder(u, [o, 1 − o], [A,
    B])``, o = m·s_A/12 (:func:`~parknet.attribution.money.split_in_two`). If several sharing relocations
    of e have months in ``year``, their months add up (windows never overlap). Projects: each partner p gets value·w_p;
    the parts of one project-year-indicator add up to round(value·Σw) (half to even, largest remainder),
    and Σw − 1 of the value is declared inflation.

    Parameters
    ----------
    enterprise_years : ``enterprise_id, zone_id, year, indicator, value`` (value Decimal, integer, float
        or decimal string with at most 4 decimals); ``zone_id`` is the reporting zone.
    relocations : ``enterprise_id, from_zone, to_zone, date``.
    incubation : ``enterprise_id, incubated_in`` and optionally ``founded_year`` (relocations dated before
        it are refused; :class:`RelocationRule` ``min_years_registered`` counts from it).
    projects : ``project_id, agreement_id, year, indicator, value, zone_id, weight``, one row per partner.
    rules : one rule or several covering distinct indicators.

    Returns
    -------
    Ledger
        ``entries``: the enterprise reports in input order (what the reporting zone keeps), then the
        origin credits in the order of their reports, then the projects by project, indicator and zone.
    """
    _require(enterprise_years, "enterprise_years", ("enterprise_id", "zone_id", "year", "indicator", "value"))
    _require(relocations, "relocations", ("enterprise_id", "from_zone", "to_zone", "date"))
    _require(incubation, "incubation", ("enterprise_id", "incubated_in"))
    _require(projects, "projects",
             ("project_id", "agreement_id", "year", "indicator", "value", "zone_id", "weight"))
    by_indicator = _rules_by_indicator(rules)
    moves = relocation_table(relocations, incubation)
    reports = enterprise_years.filter(pl.col("year") == year).select(
        pl.col("enterprise_id", "zone_id", "indicator").cast(pl.String), "value")
    reports = reports.with_columns(units=units_column(reports["value"])).drop("value").with_row_index("row")
    credits = _relocation_credits(reports, moves, by_indicator, year)
    project_entries, project_frame = _project_entries(projects, year)
    raw = _streamed(reports.lazy().group_by("zone_id", "indicator").agg(
        amount(pl.col("units").cast(pl.Int128).sum()).alias("raw")))
    raw = raw.select("zone_id", "indicator", pl.lit(year, pl.Int32).alias("year"), "raw").sort(
        "zone_id", "indicator")
    entries = pl.concat([_enterprise_entries(reports, credits, year), project_entries])
    return Ledger(year, entries, raw, project_frame)


def _relocation_credits(reports: pl.DataFrame, moves: pl.DataFrame, by_indicator: dict[str, RelocationRule],
                        year: int) -> pl.DataFrame:
    """``row, enterprise_id, zone_id, indicator, units, from_zone, rule_id, credit``, by row: the origin's
    credit for each report that a relocation shares (credit may round to 0). Rules that count incubation
    differently (``min_years_registered``) share different relocations, so each such group of rules is
    joined on its own set."""
    groups: dict[int | None, list[RelocationRule]] = {}
    for rule in dict.fromkeys(by_indicator.values()):
        groups.setdefault(rule.min_years_registered, []).append(rule)
    if not groups:
        check_windows(sharing_relocations(moves, None), RelocationRule.window_months)
    matched = [_shared_reports(reports, moves, group, year) for group in groups.values()]
    found = pl.concat(matched) if matched else reports.head(0).with_columns(
        from_zone=pl.lit(None, pl.String), rule_id=pl.lit(None, pl.String), numerator=pl.lit(0, pl.Int64))
    credit = split_in_two(found["units"], found["numerator"], 12 * SCALE, found["from_zone"], found["zone_id"])
    found = found.with_columns(credit=credit)
    if found["row"].is_duplicated().any():
        found = _split_among_origins(found)
    return found.drop("numerator").sort("row")


def _split_among_origins(found: pl.DataFrame) -> pl.DataFrame:
    """Reports shared with two different origins in one year (possible with ``min_years_registered``):
    one largest-remainder split of the report among the origins (fractions numerator/120,000) and the
    reporting zone, so the parts still add up exactly."""
    several = found.filter(pl.col("row").is_duplicated()).sort("row", "from_zone")
    credits: list[int] = []
    for _, group in several.group_by("row", maintain_order=True):
        weights = [Fraction(n, 12 * SCALE) for n in group["numerator"]]
        rest = 1 - sum(weights)
        keys = [*group["from_zone"], group["zone_id"][0]]
        parts = largest_remainder(int(group["units"][0]), [*weights, rest] if rest > 0 else weights,
                                  keys if rest > 0 else keys[:-1])
        credits.extend(parts[:len(weights)])
    return pl.concat([found.filter(~pl.col("row").is_duplicated()),
                      several.with_columns(credit=pl.Series(credits, dtype=found["credit"].dtype))])


def _shared_reports(reports: pl.DataFrame, moves: pl.DataFrame, rules: list[RelocationRule],
                    year: int) -> pl.DataFrame:
    """The reports of the rules' indicators that a sharing relocation reaches: reported by the zone it
    moved to, in a year with m > 0 months of its window; ``numerator`` = m·s_A in ten-thousandths (A's
    fraction is numerator / 120,000). Several relocations of one enterprise from one origin into the zone
    add their months."""
    sharing = sharing_relocations(moves, rules[0].min_years_registered)
    check_windows(sharing, max(rule.window_months for rule in rules))
    arrivals = sharing.select("enterprise_id", "to_zone", "from_zone", "start", "move",
                              (pl.len().over("enterprise_id", "to_zone") > 1).alias("several"))
    rule = pl.col("indicator").replace_strict({code: i for i, r in enumerate(rules) for code in r.indicators},
                                              default=None, return_dtype=pl.UInt32)
    window, share = (pl.lit(pl.Series(values)).gather(pl.col("rule")) for values in
                     ([r.window_months for r in rules], [r.share_units for r in rules]))
    joined = (reports.join(arrivals, on="enterprise_id")  # then filter: twice as fast as joining on both keys
              .filter(pl.col("zone_id") == pl.col("to_zone")).with_columns(rule=rule)
              .filter(pl.col("rule").is_not_null())
              .with_columns(numerator=months_in_year(pl.col("start"), window, year) * share,
                            rule_id=pl.lit(pl.Series([r.rule_id for r in rules])).gather(pl.col("rule")))
              .filter(pl.col("numerator") > 0))
    columns = ["row", "enterprise_id", "zone_id", "indicator", "units", "from_zone", "rule_id"]
    if joined["several"].any():  # windows never overlap, so the months of several moves add up to ≤ 12
        joined = pl.concat([joined.filter(~pl.col("several")).select(*columns, "numerator"),
                            joined.filter(pl.col("several")).group_by(columns).agg(pl.col("numerator").sum())])
    return joined.select(*columns, pl.col("numerator").cast(pl.Int64))


def _enterprise_entries(reports: pl.DataFrame, credits: pl.DataFrame, year: int) -> pl.DataFrame:
    """One entry per report, in input order (what the reporting zone keeps; rule "reported" if nothing was
    credited away), then one per origin credit, in the order of the reports they come from."""
    n = reports.height
    per_row = credits.group_by("row").agg(pl.col("credit").sum(), pl.col("rule_id").first())  # ≥ 1 origin
    credit = pl.zeros(n, pl.Int64, eager=True).scatter(per_row["row"], per_row["credit"])
    shared = per_row.filter(pl.col("credit") != 0)
    rule = pl.repeat("reported", n, dtype=pl.String, eager=True).scatter(
        shared["row"], shared["rule_id"] + ":reporting")
    keeping = reports.with_columns(credit=credit, rule=rule).lazy().select(
        "enterprise_id", "zone_id", "indicator", amount(pl.col("units") - pl.col("credit")).alias("amount"),
        pl.col("rule").alias("rule_id"))
    origin = credits.lazy().select("enterprise_id", pl.col("from_zone").alias("zone_id"), "indicator",
                                   amount(pl.col("credit")).alias("amount"),
                                   (pl.col("rule_id") + ":origin").alias("rule_id"))
    return _streamed(pl.concat([keeping, origin]).select(
        pl.col("enterprise_id").alias("source_id"), pl.lit("enterprise_year").alias("source_kind"), "zone_id",
        "indicator", pl.lit(year, pl.Int32).alias("year"), "amount", "rule_id",
        pl.lit(None, pl.String).alias("agreement_id")))


def _project_entries(projects: pl.DataFrame, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Entries (one per partner) and the ``project_id, indicator, year, value, credited`` frame."""
    selected = projects.filter(pl.col("year") == year).select(
        pl.col("project_id", "agreement_id", "indicator", "zone_id").cast(pl.String), "value", "weight")
    if selected.select(pl.struct("project_id", "indicator", "zone_id").is_duplicated().any()).item():
        raise InvalidArgument("projects", "a partner appears twice in one project-year-indicator")
    selected = selected.with_columns(units=units_column(selected["value"]),
                                     w=scaled_column(selected["weight"], _WEIGHT_DIGITS)).sort(*_GROUP, "zone_id")
    selected = selected.with_columns(group=pl.struct(*_GROUP).rle_id())  # sorted: one id per project-indicator
    differing = selected.filter(pl.col("units").n_unique().over("group") > 1)
    if differing.height:
        pid, code = differing.select("project_id", "indicator").row(0)
        raise InvalidArgument("projects", f"project {pid} {year} {code}: partners report different values")
    bad = selected.filter(pl.col("w") <= 0)
    if bad.height:
        raise InvalidArgument("projects", f"project {bad['project_id'][0]}: weights must be positive")
    exact_path = (pl.col("w").is_null().any()
                  | (pl.col("w").cast(pl.Int128).sum() >= _WEIGHT_SUM_LIMIT)).over("group")
    parts = pl.concat([_split_projects(selected.filter(~exact_path)),
                       _split_projects_exactly(selected.filter(exact_path))]).sort("group", "zone_id")
    in_year = pl.lit(year, pl.Int32).alias("year")
    entries = parts.select(pl.col("project_id").alias("source_id"), pl.lit("project").alias("source_kind"),
                           "zone_id", "indicator", in_year, amount(pl.col("part")).alias("amount"),
                           pl.lit("co_built_weight").alias("rule_id"), "agreement_id")
    frame = parts.filter(pl.col("group").is_first_distinct()).select(
        "project_id", "indicator", in_year, amount(pl.col("units")).alias("value"),
        amount(pl.col("total")).alias("credited"))
    return entries.cast(ENTRY_SCHEMA), frame  # type: ignore[arg-type]


def _split_projects(selected: pl.DataFrame) -> pl.DataFrame:
    """Largest remainder in Int128 on weights scaled to 10⁻⁹: total = round_half_even(u·ΣW/10⁹), part_i =
    ⌊total·W_i/ΣW⌋ plus one for the ``total − Σ⌊…⌋`` largest remainders (ties: smaller zone)."""
    scale = 10**_WEIGHT_DIGITS
    weight, units = pl.col("w").cast(pl.Int128), pl.col("units").cast(pl.Int128)
    product = units * weight.sum().over("group")
    half = 2 * (product % scale)
    up = (half > scale) | ((half == scale) & ((product // scale) % 2 == 1))
    with_total = selected.with_columns(total=product // scale + up.cast(pl.Int128),
                                       sum_w=weight.sum().over("group"))
    share = pl.col("total") * weight
    floored = with_total.with_columns(part=share // pl.col("sum_w"), remainder=share % pl.col("sum_w"))
    ranked = floored.sort("group", "remainder", "zone_id", descending=[False, True, False])
    left = pl.col("total") - pl.col("part").sum().over("group")
    place = pl.int_range(pl.len()).over("group")
    return ranked.with_columns(part=pl.col("part") + (place < left).cast(pl.Int128)).select(
        "group", *_GROUP, "zone_id", pl.col("units").cast(pl.Int128), "total", "part")


def _split_projects_exactly(selected: pl.DataFrame) -> pl.DataFrame:
    """The same split with Python fractions, for projects whose weights the Int128 path cannot carry
    (more than 9 decimals, a float like 1/3, or a huge sum)."""
    rows = []
    for (number, pid, agreement, code), group in selected.group_by("group", *_GROUP, maintain_order=True):
        weights = []
        for w in group["weight"].to_list():
            try:
                weights.append(Fraction(Decimal(str(w))))
            except ArithmeticError:
                raise InvalidArgument("projects", f"project {pid}: weight {w!r} is not a number") from None
        if any(w <= 0 for w in weights):
            raise InvalidArgument("projects", f"project {pid}: weights must be positive")
        units = group["units"][0]
        total = round(Fraction(units) * sum(weights))
        zones = group["zone_id"].to_list()
        for zone, part in zip(zones, largest_remainder(total, weights, zones)):
            rows.append((number, pid, agreement, code, zone, units, total, part))
    return pl.DataFrame(rows, schema={"group": selected["group"].dtype,
                                      **dict.fromkeys([*_GROUP, "zone_id"], pl.String), "units": pl.Int128,
                                      "total": pl.Int128, "part": pl.Int128}, orient="row")
