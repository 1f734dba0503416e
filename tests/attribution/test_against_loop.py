"""Cross-check: the vectorised ``attribute`` gives the same ledger as the record-by-record loop it replaced
(commit 109bc2e, kept below as the reference, its checks left out), on random years of enterprises,
relocations and projects: the same entries (as a multiset), raw figures, project figures and totals."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest

from parknet.attribution import RelocationRule, attribute, largest_remainder, to_units
from parknet.errors import InvalidArgument


def _loop_entries(ey: pl.DataFrame, rel: pl.DataFrame, inc: pl.DataFrame, proj: pl.DataFrame,
                  rules: list[RelocationRule], year: int) -> tuple[list[tuple], dict, list[tuple]]:
    by_indicator = {code: rule for rule in rules for code in rule.indicators}
    incubated = dict(inc.select("enterprise_id", "incubated_in").iter_rows())
    lookup: dict[tuple[str, str], list[dict]] = {}
    for row in rel.iter_rows(named=True):
        if incubated.get(row["enterprise_id"]) == row["from_zone"]:
            start = row["date"].year * 12 + row["date"].month - 1
            lookup.setdefault((row["enterprise_id"], row["to_zone"]), []).append({**row, "start": start})
    rows, raw = [], {}
    for e, zone, code, value in ey.filter(pl.col("year") == year).select(
            "enterprise_id", "zone_id", "indicator", "value").iter_rows():
        units = to_units(value)
        raw[(zone, code)] = raw.get((zone, code), 0) + units
        rule, credit = by_indicator.get(code), 0
        for s in lookup.get((e, zone), []) if rule else []:
            months = max(0, min(s["start"] + rule.window_months - 1, year * 12 + 11) - max(s["start"], year * 12) + 1)
            origin = Fraction(months, 12) * rule.share
            if origin == 0:
                continue
            credit = units if origin == 1 else largest_remainder(units, [origin, 1 - origin], [s["from_zone"], zone])[0]
            rows.append((e, "enterprise_year", s["from_zone"], code, year, credit, f"{rule.rule_id}:origin", None))
            break
        rows.append((e, "enterprise_year", zone, code, year, units - credit,
                     "reported" if not credit else f"{rule.rule_id}:reporting", None))
    projects = []
    selected = proj.filter(pl.col("year") == year).sort("project_id", "indicator", "zone_id")
    for (pid, agreement, code), group in selected.group_by("project_id", "agreement_id", "indicator",
                                                           maintain_order=True):
        units = to_units(group["value"][0])
        weights = [Fraction(Decimal(str(w))) for w in group["weight"]]
        total = round(Fraction(units) * sum(weights))
        for zone, part in zip(group["zone_id"], largest_remainder(total, weights, list(group["zone_id"]))):
            rows.append((pid, "project", zone, code, year, part, "co_built_weight", agreement))
        projects.append((pid, code, year, units, total))
    return rows, raw, projects


def _random_year(seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, list[RelocationRule]]:
    rng = random.Random(seed)
    zones = ["A", "B", "C", "D"]
    ey, inc, rel = [], [], []
    for e in (f"e{i}" for i in range(rng.randint(1, 25))):
        here = rng.choice(zones)
        inc += [(e, here if rng.random() < 0.8 else rng.choice([*zones, None]))] if rng.random() < 0.9 else []
        month = rng.randint(2018 * 12, 2021 * 12)
        for _ in range(rng.randint(0, 3)):  # moves at least 13 months apart: the rules' windows never overlap
            there = rng.choice([z for z in zones if z != here])
            rel.append((e, here, there, date(month // 12, month % 12 + 1, rng.randint(1, 28))))
            here, month = there, month + rng.randint(13, 20)
        value = rng.choice([rng.randint(-10**6, 10**9) / 10**rng.randint(0, 4), 0, 1, 7])
        ey += [(e, here if rng.random() < 0.8 else rng.choice(zones), y, code, str(value))
               for y in (2020, 2021) for code in rng.sample(["revenue", "gdp", "tax", "other"], 2)]
    proj = []
    for p in range(rng.randint(0, 6)):
        value = str(rng.randint(0, 10**7) / 10**rng.randint(0, 4))
        for zone in rng.sample(zones, rng.randint(1, 4)):
            proj.append((f"p{p}", f"ag{p % 2}", 2021, "revenue", value, zone,
                         rng.choice(["0.5", "0.4", "0.333", "1", "0.25", "0.123456789", "0.1234567891"])))
    rules = rng.choice([[RelocationRule.split_50_50(window_months=12)],
                        [RelocationRule.split_30_70(indicators=("revenue",), window_months=7),
                         RelocationRule(Decimal("0.3333"), indicators=("gdp", "tax"), window_months=13)],
                        [RelocationRule.origin_all(window_months=12)]])
    return (pl.DataFrame(ey, schema=["enterprise_id", "zone_id", "year", "indicator", "value"], orient="row"),
            pl.DataFrame(rel, schema={"enterprise_id": pl.String, "from_zone": pl.String, "to_zone": pl.String,
                                      "date": pl.Date}, orient="row"),
            pl.DataFrame(inc, schema={"enterprise_id": pl.String, "incubated_in": pl.String}, orient="row"),
            pl.DataFrame(proj, schema=["project_id", "agreement_id", "year", "indicator", "value", "zone_id", "weight"],
                         orient="row"),
            rules)


@pytest.mark.parametrize("seed", range(40))
def test_vectorised_ledger_equals_the_record_loop(seed: int) -> None:
    ey, rel, inc, proj, rules = _random_year(seed)
    try:
        ledger = attribute(ey, rel, inc, proj, rules, 2021)
    except InvalidArgument as exc:  # a random project may list a zone twice under two agreements
        assert "twice" in str(exc)
        return
    rows, raw, projects = _loop_entries(ey, rel, inc, proj, rules, 2021)
    ours = [(*r[:5], to_units(r[5]), *r[6:]) for r in ledger.entries.rows()]
    assert sorted(ours, key=repr) == sorted(rows, key=repr)
    assert {(z, c): to_units(v) for z, c, _, v in ledger.raw.rows()} == raw
    assert sorted((p, c, y, to_units(v), to_units(t)) for p, c, y, v, t in ledger.projects.rows()) == sorted(projects)
    assert ledger.conservation()["balanced"].all()
