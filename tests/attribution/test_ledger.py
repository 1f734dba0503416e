"""Worked examples of the attribution rules, computed by hand here, and the ledger's exact conservation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parknet.attribution import RelocationRule, attribute, largest_remainder
from parknet.errors import InvalidArgument

NO_PROJECTS = pl.DataFrame(schema={"project_id": pl.String, "agreement_id": pl.String, "year": pl.Int32,
                                   "indicator": pl.String, "value": pl.String, "zone_id": pl.String,
                                   "weight": pl.String})
INCUBATION = pl.DataFrame({"enterprise_id": ["e1"], "incubated_in": ["A"]})


def years(values: dict[int, str], zone: str = "B", indicator: str = "revenue") -> pl.DataFrame:
    return pl.DataFrame({"enterprise_id": ["e1"] * len(values), "zone_id": [zone] * len(values),
                         "year": list(values), "indicator": [indicator] * len(values), "value": list(values.values())})


def moves(*rows: tuple[str, str, date]) -> pl.DataFrame:
    return pl.DataFrame({"enterprise_id": ["e1"] * len(rows), "from_zone": [r[0] for r in rows],
                         "to_zone": [r[1] for r in rows], "date": [r[2] for r in rows]})


def credited(ledger, zone: str) -> Decimal:  # noqa: ANN001
    return ledger.entries.filter(pl.col("zone_id") == zone)["amount"].sum() or Decimal(0)


# relocation on 2020-07-15: window Jul 2020 – Jun 2022 → months in 2020: 6, 2021: 12, 2022: 6, 2023: 0
@pytest.mark.parametrize("rule,expected_a", [
    (RelocationRule.origin_all(), {2020: "500", 2021: "1000", 2022: "500", 2023: "0"}),
    (RelocationRule.split_50_50(), {2020: "250", 2021: "500", 2022: "250", 2023: "0"}),
    (RelocationRule.split_30_70(), {2020: "150", 2021: "300", 2022: "150", 2023: "0"}),
    (RelocationRule.split_70_30(), {2020: "350", 2021: "700", 2022: "350", 2023: "0"}),
])
def test_relocation_on_2020_07_15_with_each_preset(rule: RelocationRule, expected_a: dict[int, str]) -> None:
    data = years({2020: "1000", 2021: "1000", 2022: "1000", 2023: "1000"})
    for year, a in expected_a.items():
        ledger = attribute(data, moves(("A", "B", date(2020, 7, 15))), INCUBATION, NO_PROJECTS, rule, year)
        assert credited(ledger, "A") == Decimal(a)
        assert credited(ledger, "B") == Decimal(1000) - Decimal(a)
        assert ledger.conservation()["balanced"].all()


def test_split_rounds_to_the_yuan_and_adds_up() -> None:
    # 7 yuan = 0.0007 万元, half of six months: A exact 1.75 yuan, B 5.25 → the leftover yuan goes to A
    ledger = attribute(years({2020: "0.0007"}), moves(("A", "B", date(2020, 7, 1))), INCUBATION, NO_PROJECTS,
                       RelocationRule.split_50_50(), 2020)
    assert credited(ledger, "A") == Decimal("0.0002") and credited(ledger, "B") == Decimal("0.0005")


def test_not_incubated_in_the_origin_is_not_shared() -> None:
    ledger = attribute(years({2021: "100"}), moves(("C", "B", date(2021, 1, 1))), INCUBATION, NO_PROJECTS,
                       RelocationRule.origin_all(), 2021)
    assert credited(ledger, "C") == 0 and credited(ledger, "B") == 100


def test_two_relocations_of_one_enterprise() -> None:
    # A → B (2020-03), B → C (2021-05): only the first is out of the incubating zone A; C's report stays C's
    data = pl.concat([years({2021: "400"}, zone="B"), years({2021: "800"}, zone="C")])
    ledger = attribute(data, moves(("A", "B", date(2020, 3, 10)), ("B", "C", date(2021, 5, 1))), INCUBATION,
                       NO_PROJECTS, RelocationRule.origin_all(), 2021)
    # B reported 400 for 2021: the window Mar 2020 – Feb 2022 covers all 12 months → A gets all of B's report
    assert credited(ledger, "A") == 400 and credited(ledger, "B") == 0 and credited(ledger, "C") == 800


def test_relocation_back_to_the_incubator() -> None:
    # A → B (2020-07), B → A (2021-01): A's own 2021 report stays A's; B reported nothing in 2021
    ledger = attribute(years({2021: "900"}, zone="A"), moves(("A", "B", date(2020, 7, 1)), ("B", "A", date(2021, 1, 1))),
                       INCUBATION, NO_PROJECTS, RelocationRule.split_50_50(), 2021)
    assert credited(ledger, "A") == 900 and credited(ledger, "B") == 0


def test_projects_with_weights_summing_to_1_3() -> None:
    projects = pl.DataFrame({"project_id": ["p1"] * 3, "agreement_id": ["ag1"] * 3, "year": [2021] * 3,
                             "indicator": ["revenue"] * 3, "value": ["100"] * 3, "zone_id": ["A", "B", "C"],
                             "weight": ["0.5", "0.4", "0.4"]})
    ledger = attribute(years({2021: "10"}), moves(), INCUBATION.clear(), projects, RelocationRule.split_50_50(), 2021)
    assert credited(ledger, "A") == 50 and credited(ledger, "C") == 40
    assert credited(ledger, "B") == 40 + 10  # the project's 40 and its own report of 10
    row = ledger.conservation().row(0, named=True)
    assert row["inflation"] == 30 and row["project_value"] == 100 and row["balanced"]


def test_permuting_rows_changes_nothing() -> None:
    data = pl.concat([years({2021: "333.3333"}), years({2021: "5"}, indicator="gdp")])
    first = attribute(data, moves(("A", "B", date(2020, 11, 30))), INCUBATION, NO_PROJECTS,
                      RelocationRule.split_30_70(indicators=("revenue", "gdp")), 2021)
    again = attribute(data.reverse(), moves(("A", "B", date(2020, 11, 30))), INCUBATION, NO_PROJECTS,
                      RelocationRule.split_30_70(indicators=("revenue", "gdp")), 2021)
    assert first.totals().equals(again.totals())


@pytest.mark.parametrize("relocations,message", [
    (moves(("A", "A", date(2020, 1, 1))), "relocates to the zone it leaves"),
    (moves(("A", "B", date(2020, 1, 1)), ("A", "B", date(2021, 1, 1))), "overlapping windows"),
])
def test_bad_relocations_are_refused(relocations: pl.DataFrame, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        attribute(years({2021: "1"}), relocations, INCUBATION, NO_PROJECTS, RelocationRule.origin_all(), 2021)


def test_bad_rules_and_weights() -> None:
    with pytest.raises(InvalidArgument, match="origin_share"):
        RelocationRule(Decimal("1.2"))
    with pytest.raises(InvalidArgument, match="two rules"):
        attribute(years({2021: "1"}), moves(), INCUBATION, NO_PROJECTS,
                  [RelocationRule.origin_all(), RelocationRule.split_50_50()], 2021)
    projects = pl.DataFrame({"project_id": ["p"], "agreement_id": ["a"], "year": [2021], "indicator": ["revenue"],
                             "value": ["1"], "zone_id": ["A"], "weight": ["0"]})
    with pytest.raises(InvalidArgument, match="weights must be positive"):
        attribute(years({2021: "1"}), moves(), INCUBATION, projects, RelocationRule.origin_all(), 2021)


@given(st.integers(0, 10**12), st.lists(st.integers(1, 1000), min_size=1, max_size=8))
def test_largest_remainder_parts_add_up(total: int, weights: list[int]) -> None:
    parts = largest_remainder(total, [Fraction(w) for w in weights], [f"k{i}" for i in range(len(weights))])
    assert sum(parts) == total and all(p >= 0 for p in parts)
    whole = sum(weights)
    assert all(abs(p - total * w / whole) < 1 for p, w in zip(parts, weights))


def test_conservation_is_exact_on_the_demo_data() -> None:
    from parknet.data.demo import generate

    demo = generate(seed=4, n_enterprises=3_000, n_provincial=30)
    enterprise_years = demo.enterprise_years.rename({"credit_code": "enterprise_id"}).with_columns(
        pl.col("value").round(1))
    relocations = demo.relocations.rename({"credit_code": "enterprise_id"})
    incubation = demo.enterprises.select(pl.col("credit_code").alias("enterprise_id"), "incubated_in").drop_nulls()
    ledger = attribute(enterprise_years, relocations, incubation, NO_PROJECTS, RelocationRule.split_50_50(), 2021)
    report = ledger.conservation()
    assert report["balanced"].all() and (report["inflation"] == 0).all()
    moved = ledger.entries.filter(pl.col("rule_id") == "split_50_50:origin")
    assert moved.height > 0  # relocations out of incubators do move figures
    totals = ledger.totals()
    assert totals["raw"].sum() == totals["attributed"].sum()
