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


# --- founding, registration years, value types, large values, the condensed form -----------------------

def test_a_relocation_before_the_founding_year_is_refused() -> None:
    founded = INCUBATION.with_columns(founded_year=pl.lit(2019))
    with pytest.raises(InvalidArgument, match=r"relocations: enterprise e1 relocates on 2018-06-01 before it was "
                                              r"founded \(2019\)"):
        attribute(years({2021: "1"}), moves(("A", "B", date(2018, 6, 1))), founded, NO_PROJECTS,
                  RelocationRule.origin_all(), 2021)
    # in the founding year itself it may move: window Jan 2019 – Dec 2020, nothing of 2021 → B keeps 1
    ledger = attribute(years({2021: "1"}), moves(("A", "B", date(2019, 1, 1))), founded, NO_PROJECTS,
                       RelocationRule.origin_all(), 2021)
    assert credited(ledger, "B") == 1


def registered(via_founding: bool, day: date, founded: int | None = None) -> pl.DataFrame:
    """e1 is not incubated in A (incubated_in C, or unknown); it came to A on 2018-03-15, or A is its first
    zone; it leaves A for B on ``day``."""
    if via_founding:
        return moves(("A", "B", day))
    return moves(("C", "A", date(2018, 3, 15)), ("A", "B", day))


@pytest.mark.parametrize("day,expected_a", [
    # registered in A since 2018-03-15: two full years on 2020-03-15, not on 2020-03-14
    (date(2020, 3, 15), "500"),
    (date(2020, 3, 14), "0"),
])
def test_min_years_registered_counts_from_the_move_into_the_origin(day: date, expected_a: str) -> None:
    # window from March 2020, 24 months: all 12 months of 2021 → A gets 1000 · 12/12 · 0.5 = 500
    rule = RelocationRule.split_50_50(min_years_registered=2)
    incubation = pl.DataFrame({"enterprise_id": ["e1"], "incubated_in": ["C"]})
    ledger = attribute(years({2021: "1000"}), registered(False, day), incubation, NO_PROJECTS, rule, 2021)
    assert credited(ledger, "A") == Decimal(expected_a)
    assert credited(ledger, "B") == 1000 - Decimal(expected_a)
    # without the option only the incubator shares (C → A's window ended in Feb 2020): A gets nothing
    plain = attribute(years({2021: "1000"}), registered(False, day), incubation, NO_PROJECTS,
                      RelocationRule.split_50_50(), 2021)
    assert credited(plain, "A") == 0


@pytest.mark.parametrize("day,expected_a", [
    # founded 2017, A its first zone: registered since 2017-01-01, three full years on 2020-01-01
    (date(2020, 1, 1), "600"),
    (date(2019, 12, 31), "0"),
])
def test_min_years_registered_counts_from_the_founding_year(day: date, expected_a: str) -> None:
    # 2020: window Jan 2020 – Dec 2021 (or Dec 2019 – Nov 2021): 12 months of 2020 → 2000 · 0.3 = 600
    rule = RelocationRule.split_30_70(min_years_registered=3)
    unknown = pl.DataFrame({"enterprise_id": ["e1"], "incubated_in": [None], "founded_year": [2017]})
    ledger = attribute(years({2020: "2000"}), registered(True, day), unknown, NO_PROJECTS, rule, 2020)
    assert credited(ledger, "A") == Decimal(expected_a)
    # no founding year known: the registration start is unknown and A does not count as incubator
    ledger = attribute(years({2020: "2000"}), registered(True, day), unknown.drop("founded_year"), NO_PROJECTS,
                       rule, 2020)
    assert credited(ledger, "A") == 0


def test_rules_with_different_registration_terms_share_different_relocations() -> None:
    # revenue under min 2 years counts the 2018-03-15 arrival in A (two years on 2020-03-15); gdp under the
    # plain rule does not: A gets 1000 · 0.5 of revenue and nothing of gdp
    data = pl.concat([years({2021: "1000"}), years({2021: "400"}, indicator="gdp")])
    rules = [RelocationRule.split_50_50(min_years_registered=2, indicators=("revenue",)),
             RelocationRule.origin_all(indicators=("gdp",))]
    incubation = pl.DataFrame({"enterprise_id": ["e1"], "incubated_in": ["C"]})
    ledger = attribute(data, registered(False, date(2020, 3, 15)), incubation, NO_PROJECTS, rules, 2021)
    assert ledger.explain("A", "revenue")["amount"].to_list() == [Decimal(500)]
    assert ledger.explain("A", "gdp").is_empty() and credited(ledger, "B") == 500 + 400


@pytest.mark.parametrize("values,dtype", [
    ([Decimal("1000"), Decimal("0.0007")], pl.Decimal(18, 4)),
    ([1000.0, 0.0007], pl.Float64),
    (["1000", "0.0007"], pl.String),
])
def test_values_of_any_numeric_type_give_the_same_ledger(values: list[object], dtype: pl.DataType) -> None:
    data = pl.DataFrame({"enterprise_id": ["e1", "e2"], "zone_id": ["B", "B"], "year": [2020, 2020],
                         "indicator": ["revenue", "revenue"], "value": pl.Series(values, dtype=dtype)})
    two = pl.DataFrame({"enterprise_id": ["e1", "e2"], "incubated_in": ["A", "A"]})
    relocations = pl.DataFrame({"enterprise_id": ["e1", "e2"], "from_zone": ["A", "A"], "to_zone": ["B", "B"],
                                "date": [date(2020, 7, 1)] * 2})
    ledger = attribute(data, relocations, two, NO_PROJECTS, RelocationRule.split_50_50(), 2020)
    # e1: 1000 · 6/12 · ½ = 250; e2 as in test_split_rounds_to_the_yuan_and_adds_up: 0.0002 to A
    assert credited(ledger, "A") == Decimal("250.0002") and credited(ledger, "B") == Decimal("750.0005")
    integers = data.with_columns(pl.Series("value", [1000, 0]))
    assert credited(attribute(integers, relocations, two, NO_PROJECTS, RelocationRule.split_50_50(), 2020),
                    "A") == 250


def test_more_than_four_decimals_are_refused_not_rounded() -> None:
    with pytest.raises(InvalidArgument, match="value: more than 4 decimal places"):
        attribute(years({2021: "1.00005"}), moves(), INCUBATION, NO_PROJECTS, RelocationRule.origin_all(), 2021)


def test_values_near_the_int64_limit_split_exactly() -> None:
    # 900,000,000,000,000.0007 万元 = 9·10¹⁸ + 7 units (Int64 holds 9.22·10¹⁸); u·m·s overflows Int64, so the
    # product is taken in Int128. Moved 2020-07-15, 2020: 6 months, s = 0.3 → o = 0.15:
    # u·o = 1,350,000,000,000,000,001.05 → A ⌊…⌋ = 1,350,000,000,000,000,001 units (remainder .05 < ½)
    ledger = attribute(years({2020: "900000000000000.0007"}), moves(("A", "B", date(2020, 7, 15))), INCUBATION,
                       NO_PROJECTS, RelocationRule.split_30_70(), 2020)
    assert credited(ledger, "A") == Decimal("135000000000000.0001")
    assert credited(ledger, "B") == Decimal("765000000000000.0006")
    assert ledger.conservation()["balanced"].all()


def test_projects_with_weights_beyond_nine_decimals_take_the_exact_path() -> None:
    # weights 1/3 as floats (0.3333333333333333, 16 decimals) and 0.5: Σw = 0.8333333333333333,
    # value 100 → total round(100 · Σw) = 83.3333 万元 (833,333 units; 833,333.333… rounds down)
    # A: 833,333 · 0.333…/0.833… = 333,333.2 → 333,333; B: 499,999.8 → 499,999 + the leftover unit = 500,000
    projects = pl.DataFrame({"project_id": ["p1"] * 2, "agreement_id": ["ag1"] * 2, "year": [2021] * 2,
                             "indicator": ["revenue"] * 2, "value": ["100"] * 2, "zone_id": ["A", "B"],
                             "weight": [1 / 3, 0.5]})
    ledger = attribute(years({2021: "0"}), moves(), INCUBATION.clear(), projects, RelocationRule.origin_all(), 2021)
    assert ledger.explain("A", "revenue")["amount"].to_list() == [Decimal("33.3333")]
    assert credited(ledger, "B") == Decimal("50.0000")
    assert ledger.projects["credited"].to_list() == [Decimal("83.3333")]


def test_condensed_sums_the_untouched_reports_per_zone() -> None:
    # e1 moved A → B (incubated in A) on 2020-07-15: 2021 wholly in the window, origin_all → A gets 1000,
    # B keeps 0 ("origin_all:reporting"); e2 (300) and e3 (200) report untouched in B, e4 (50) in A.
    data = pl.DataFrame({"enterprise_id": ["e1", "e2", "e3", "e4"], "zone_id": ["B", "B", "B", "A"],
                         "year": [2021] * 4, "indicator": ["revenue"] * 4, "value": ["1000", "300", "200", "50"]})
    projects = pl.DataFrame({"project_id": ["p1"] * 2, "agreement_id": ["ag1"] * 2, "year": [2021] * 2,
                             "indicator": ["revenue"] * 2, "value": ["10"] * 2, "zone_id": ["A", "B"],
                             "weight": ["0.5", "0.5"]})
    ledger = attribute(data, moves(("A", "B", date(2020, 7, 15))), INCUBATION, projects,
                       RelocationRule.origin_all(), 2021)
    condensed = ledger.condensed()
    assert condensed.columns == [*ledger.entries.columns, "records"] and condensed["records"].dtype == pl.Int64
    zones = condensed.filter(pl.col("source_kind") == "zone_reported")
    assert zones.select("source_id", "zone_id", "amount", "rule_id", "agreement_id", "records").rows() == [
        ("A", "A", Decimal(50), "reported", None, 1), ("B", "B", Decimal(500), "reported", None, 2)]
    kept = condensed.filter(pl.col("source_kind") != "zone_reported")
    assert kept.height == 4 and (kept["records"] == 1).all()  # e1's two entries and two project parts
    assert sorted(kept["rule_id"]) == ["co_built_weight", "co_built_weight", "origin_all:origin",
                                       "origin_all:reporting"]
    totals = condensed.group_by("zone_id", "indicator", "year").agg(pl.col("amount").sum().alias("attributed"))
    assert ledger.totals().select("zone_id", "indicator", "year", "attributed").equals(
        totals.sort("zone_id", "indicator").select("zone_id", "indicator", "year", "attributed"))
    assert ledger.totals()["attributed"].to_list() == [Decimal(1055), Decimal(505)]  # A: 50+1000+5, B: 500+0+5


def test_condensed_keeps_the_totals_on_the_demo_data() -> None:
    from parknet.data.demo import generate

    demo = generate(seed=5, n_enterprises=2_000, n_provincial=20)
    ledger = attribute(demo.enterprise_years.rename({"credit_code": "enterprise_id"}).with_columns(pl.col("value").round(1)),
                       demo.relocations.rename({"credit_code": "enterprise_id"}),
                       demo.enterprises.select(pl.col("credit_code").alias("enterprise_id"), "incubated_in"),
                       NO_PROJECTS, RelocationRule.split_30_70(), 2021)
    condensed = ledger.condensed()
    summed = condensed.group_by("zone_id", "indicator", "year").agg(pl.col("amount").sum().alias("attributed"))
    assert summed.sort("zone_id", "indicator").equals(ledger.totals().select(*summed.columns))
    assert condensed["records"].sum() == ledger.entries.height and condensed.height < ledger.entries.height


def test_two_moves_into_the_same_zone_in_one_year_add_their_months_in_any_order() -> None:
    # A → B 2021-01-10, back B → A 2021-05-01, A → B again 2021-08-01; 6-month windows: Jan–Jun 2021
    # (6 months of 2021) and Aug 2021 – Jan 2022 (5 months). B's 2021 report of 1200 is shared for
    # 6 + 5 = 11 months: A gets 1200 · 11/12 = 1100 and B keeps 100, whatever the order of the rows
    rule = RelocationRule.origin_all(window_months=6)
    listed = [("A", "B", date(2021, 1, 10)), ("B", "A", date(2021, 5, 1)), ("A", "B", date(2021, 8, 1))]
    for order in (listed, list(reversed(listed))):
        ledger = attribute(years({2021: "1200"}), moves(*order), INCUBATION, NO_PROJECTS, rule, 2021)
        assert credited(ledger, "A") == 1100 and credited(ledger, "B") == 100


def test_one_report_shared_with_two_origins_is_split_once() -> None:
    # min_years_registered = 1, 13-month windows. e1 founded 2010 in A (its first zone), not incubated in
    # A or C. A → B 2020-02-01 (in A since 2010: shares; window Feb 2020 – Feb 2021: 2 months of 2021);
    # B → C 2020-02-15 (in B for two weeks: does not share); C → B 2021-03-01 (in C since 2020-02-15, one
    # full year: shares; window Mar 2021 – Mar 2022: 10 months of 2021). The windows touch but do not
    # overlap. B's 2021 report of 1200: A gets 1200 · 2/12 = 200, C gets 1200 · 10/12 = 1000, B keeps 0
    rule = RelocationRule.origin_all(window_months=13, min_years_registered=1)
    incubation = pl.DataFrame({"enterprise_id": ["e1"], "incubated_in": ["X"], "founded_year": [2010]})
    listed = [("A", "B", date(2020, 2, 1)), ("B", "C", date(2020, 2, 15)), ("C", "B", date(2021, 3, 1))]
    for order in (listed, list(reversed(listed))):
        ledger = attribute(years({2021: "1200"}), moves(*order), incubation, NO_PROJECTS, rule, 2021)
        assert (credited(ledger, "A"), credited(ledger, "C"), credited(ledger, "B")) == (200, 1000, 0)
        assert ledger.conservation()["balanced"].all()


@pytest.mark.parametrize("values,zones,message", [
    (["100", "90"], ["A", "B"], "project p1 2021 revenue: partners report different values"),
    (["100", "100"], ["A", "A"], "a partner appears twice in one project-year-indicator"),
])
def test_inconsistent_projects_are_refused(values: list[str], zones: list[str], message: str) -> None:
    projects = pl.DataFrame({"project_id": ["p1"] * 2, "agreement_id": ["ag1"] * 2, "year": [2021] * 2,
                             "indicator": ["revenue"] * 2, "value": values, "zone_id": zones,
                             "weight": ["0.5", "0.5"]})
    with pytest.raises(InvalidArgument, match=f"projects: {message}"):
        attribute(years({2021: "1"}), moves(), INCUBATION, projects, RelocationRule.origin_all(), 2021)
