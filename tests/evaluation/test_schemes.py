"""Evaluation schemes (考评方案) and ranking: hand-computed examples, the built-in schemes, refused files."""

from __future__ import annotations

import copy
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from parknet.domain import INDICATOR_CODES
from parknet.errors import InvalidArgument
from parknet.evaluation.methods import topsis
from parknet.evaluation.ranking import MissingInput, compare, evaluate
from parknet.evaluation.schemes import (
    COOPERATION_INDICATORS,
    Basis,
    SchemeError,
    load_scheme,
    parse_scheme,
)

YEAR = 2023


def _ind(code: str, weight: float | None = None, direction: str = "higher_better", basis: str = "raw",
         **how: Any) -> dict[str, Any]:
    out = {"code": code, "name_zh": code, "name_en": code, "direction": direction, "basis": basis, **how}
    if weight is not None:
        out["weight"] = weight
    return out


def _toy(normalisation: str = "minmax", aggregation: str = "weighted_sum") -> dict[str, Any]:
    """Two dimensions: econ (GDP and revenue per employee) and cost (tax burden, lower is better)."""
    return {
        "id": "toy", "name_zh": "示例", "name_en": "Toy", "version": "1", "description": "worked example",
        "normalisation": normalisation, "aggregation": aggregation,
        "dimensions": [
            {"code": "econ", "name_zh": "经济", "name_en": "Economy", "weight": Decimal("0.6"),
             "weighting": "fixed",
             "indicators": [_ind("gdp", Decimal("0.5"), source="gdp"),
                            _ind("productivity", Decimal("0.5"),
                                 formula={"ratio": ["revenue", "employees"]})]},
            {"code": "cost", "name_zh": "负担", "name_en": "Burden", "weight": Decimal("0.4"),
             "weighting": "fixed",
             "indicators": [_ind("tax_burden", Decimal("1"), "lower_better",
                                 formula={"ratio": ["tax", "revenue"], "scale": 100})]},
        ],
    }


def _frame(figures: dict[str, dict[str, float]], basis: str = "raw", year: int = YEAR) -> pl.DataFrame:
    rows = [(z, year, code, v, basis) for z, fig in figures.items() for code, v in fig.items()]
    schema = {"zone_id": pl.String, "year": pl.Int64, "indicator": pl.String, "value": pl.Float64,
              "basis": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


TOY = {"A": {"gdp": 100, "revenue": 200, "employees": 10, "tax": 20},
       "B": {"gdp": 300, "revenue": 300, "employees": 30, "tax": 15},
       "C": {"gdp": 200, "revenue": 400, "employees": 10, "tax": 40}}


def test_worked_example_by_hand() -> None:
    # derived:      gdp  productivity (revenue/employees)  tax_burden (100·tax/revenue, lower is better)
    #   A           100  20                                10
    #   B           300  10                                 5
    #   C           200  40                                10
    # min-max:      A 0, B 1, C .5 | A 1/3, B 0, C 1 | reversed (10 − x)/5: A 0, B 1, C 0
    # econ = 100·(.5·gdp + .5·productivity): A 16.667, B 50, C 75;  cost: A 0, B 100, C 0
    # total = .6·econ + .4·cost: A 10, B 70, C 45  →  B 1st, C 2nd, A 3rd
    e = evaluate(parse_scheme(_toy()), _frame(TOY), YEAR)
    r = e.ranking
    assert r["zone_id"].to_list() == ["B", "C", "A"] and r["rank"].to_list() == [1, 2, 3]
    assert r["score"].to_list() == pytest.approx([70, 45, 10])
    assert r["econ"].to_list() == pytest.approx([50, 75, 100 / 6])
    assert r["cost"].to_list() == pytest.approx([100, 0, 0])
    a = e.explain("A")
    assert a["indicator"].to_list() == ["gdp", "productivity", "tax_burden"]
    assert a["value"].to_list() == pytest.approx([100, 20, 10])
    assert a["normalised"].to_list() == pytest.approx([0, 1 / 3, 0])
    assert a["weight"].to_list() == pytest.approx([0.5, 0.5, 1])
    assert a["contribution"].to_list() == pytest.approx([0, 10, 0])
    assert a["contribution"].sum() == pytest.approx(10)
    assert a.row(1, named=True)["inputs"] == [{"code": "revenue", "year": YEAR, "value": 200.0},
                                              {"code": "employees", "year": YEAR, "value": 10.0}]
    assert a["formula"].to_list() == ["gdp", "revenue / employees", "tax / revenue × 100"]
    assert e.warnings == ()


def test_efficacy_coefficient_scores_lie_in_60_to_100() -> None:
    # 60 + 40·min-max: econ A = 60 + 40·(1/6), B = 80, C = 90; cost A 60, B 100, C 60
    # total = .6·econ + .4·cost: A 64, B 88, C 78
    e = evaluate(parse_scheme(_toy("efficacy")), _frame(TOY), YEAR)
    assert e.ranking["econ"].to_list() == pytest.approx([80, 90, 60 + 40 / 6])
    assert e.ranking["score"].to_list() == pytest.approx([88, 78, 64])


def test_topsis_total_is_closeness_on_the_derived_values() -> None:
    # cross-check against methods.topsis (itself checked on the textbook mobile-phone example): global
    # weights W_d·w_j = (.3, .3, .4), directions (+, +, −)
    e = evaluate(parse_scheme(_toy(aggregation="topsis")), _frame(TOY), YEAR)
    x = [[100, 20, 10], [300, 10, 5], [200, 40, 10]]
    expected = 100 * topsis(x, [0.3, 0.3, 0.4], [1, 1, -1])
    got = e.ranking.sort("zone_id")["score"].to_numpy()
    assert got == pytest.approx(expected)
    assert e.explain("A")["contribution"].null_count() == 3
    # dimension scores are the same as under the weighted sum
    assert e.ranking.sort("zone_id")["econ"].to_list() == pytest.approx([100 / 6, 50, 75])


def test_entropy_weighting_by_hand() -> None:
    # gdp (1, 2, 3) and tax (2, 2, 5), as in test_methods: e1 = (⅓ ln 3 + ⅔ ln 1.5)/ln 3, e2 = 0,
    # w = (1 − e1, 1)/(2 − e1)
    scheme = _toy()
    scheme["dimensions"] = [{"code": "econ", "name_zh": "经济", "name_en": "Economy", "weight": 1,
                             "weighting": "entropy", "indicators": [_ind("gdp", source="gdp"),
                                                                     _ind("tax", source="tax")]}]
    figures = {"A": {"gdp": 1, "tax": 2}, "B": {"gdp": 2, "tax": 2}, "C": {"gdp": 3, "tax": 5}}
    e = evaluate(parse_scheme(scheme), _frame(figures), YEAR)
    e1 = (math.log(3) / 3 + 2 / 3 * math.log(1.5)) / math.log(3)
    w = np.array([1 - e1, 1.0]) / (2 - e1)
    assert [e.weights["econ"]["gdp"], e.weights["econ"]["tax"]] == pytest.approx(w)
    # C is best on both (score 100), B has min-max (.5, 0), A (0, 0)
    assert e.ranking.sort("zone_id")["score"].to_list() == pytest.approx([0, 50 * w[0], 100])


def test_undefined_data_driven_weights_fall_back_to_equal_with_a_warning() -> None:
    # CRITIC (like entropy) is undefined when no indicator of the dimension varies across the zones
    scheme = _toy()
    scheme["dimensions"][0]["weighting"] = "critic"
    for ind in scheme["dimensions"][0]["indicators"]:
        del ind["weight"]
    same = {z: {"gdp": 5, "revenue": 10, "employees": 2, "tax": t} for z, t in (("A", 1), ("B", 2), ("C", 3))}
    e = evaluate(parse_scheme(scheme), _frame(same), YEAR)
    assert e.weights["econ"] == {"gdp": 0.5, "productivity": 0.5}
    assert any("no indicator varies" in w.message for w in e.warnings)


def test_ratio_division_by_zero_sets_zero_and_warns() -> None:
    figures = copy.deepcopy(TOY)
    figures["A"]["employees"] = 0
    e = evaluate(parse_scheme(_toy()), _frame(figures), YEAR)
    assert e.explain("A")["value"][1] == 0
    [w] = e.warnings
    assert (w.zone_id, w.indicator) == ("A", "productivity")
    assert "divides by 0" in w.message and "revenue / employees" in w.message
    assert e.to_json()["warnings"] == [w.to_json()]


def test_missing_input_names_zone_indicator_basis_and_year() -> None:
    values = _frame(TOY).filter(~((pl.col("zone_id") == "C") & (pl.col("indicator") == "employees")))
    expected = r"zone 'C', indicator 'employees' \(basis raw\), year 2023"
    with pytest.raises(MissingInput, match=expected) as info:
        evaluate(parse_scheme(_toy()), values, YEAR)
    assert info.value.missing == [("C", "employees", "raw", YEAR)]
    # the right figure on the wrong basis is still missing
    with pytest.raises(MissingInput, match="basis raw"):
        evaluate(parse_scheme(_toy()), _frame(TOY, basis="attributed").vstack(_frame({"D": TOY["A"]})), YEAR)


def test_growth_needs_the_previous_year() -> None:
    scheme = _toy()
    scheme["dimensions"][1]["indicators"] = [_ind("gdp_growth", Decimal(1), formula={"growth": "gdp"})]
    parsed = parse_scheme(scheme)
    assert parsed.required_inputs().previous_year == {(Basis.RAW, "gdp")}
    with pytest.raises(MissingInput, match="indicator 'gdp' \\(basis raw\\), year 2022"):
        evaluate(parsed, _frame(TOY), YEAR)
    before = _frame({"A": {"gdp": 50}, "B": {"gdp": 300}, "C": {"gdp": 0}}, year=YEAR - 1)
    e = evaluate(parsed, pl.concat([_frame(TOY), before]), YEAR)
    # growth A 100/50 − 1 = 1, B 0, C undefined → 0 with a warning
    assert e.details.filter(pl.col("indicator") == "gdp_growth")["value"].to_list() == [1, 0, 0]
    assert [w.zone_id for w in e.warnings] == ["C"]


def test_ties_share_the_smaller_rank() -> None:
    figures = {**TOY, "D": dict(TOY["C"])}
    e = evaluate(parse_scheme(_toy()), _frame(figures), YEAR)
    # D is a copy of C: both 2nd, A drops to 4th
    assert e.ranking.select("zone_id", "rank").rows() == [("B", 1), ("C", 2), ("D", 2), ("A", 4)]


def test_result_does_not_depend_on_the_order_of_the_rows() -> None:
    values = _frame({**TOY, "D": {"gdp": 250, "revenue": 260, "employees": 13, "tax": 26}})
    first = evaluate(parse_scheme(_toy()), values, YEAR)
    for seed in range(3):
        shuffled = values.sample(fraction=1.0, shuffle=True, seed=seed)
        again = evaluate(parse_scheme(_toy()), shuffled, YEAR)
        assert again.ranking.equals(first.ranking) and again.details.equals(first.details)


def test_values_may_be_decimals_and_must_be_unique() -> None:
    values = _frame(TOY).with_columns(pl.col("value").cast(pl.Decimal(38, 4)))
    scores = evaluate(parse_scheme(_toy()), values, YEAR).ranking["score"].to_list()
    assert scores == pytest.approx([70, 45, 10])
    with pytest.raises(InvalidArgument, match="two values for zone 'A', indicator 'gdp'"):
        evaluate(parse_scheme(_toy()), pl.concat([_frame(TOY), _frame({"A": {"gdp": 1}})]), YEAR)
    with pytest.raises(InvalidArgument, match="at least 2 zones"):
        evaluate(parse_scheme(_toy()), _frame({"A": TOY["A"]}), YEAR)


def test_to_json_contract() -> None:
    data = evaluate(parse_scheme(_toy()), _frame(TOY), YEAR).to_json()
    assert set(data) == {"scheme", "year", "ranking", "weights", "warnings"}
    assert data["scheme"] == "toy" and data["year"] == YEAR
    assert data["ranking"][0] == {"zone_id": "B", "rank": 1, "score": pytest.approx(70),
                                  "dimensions": {"econ": pytest.approx(50), "cost": pytest.approx(100)}}
    assert data["weights"]["econ"] == {"weight": 0.6, "weighting": "fixed",
                                       "indicators": {"gdp": 0.5, "productivity": 0.5}}
    json.dumps(data)


# --- built-in schemes ------------------------------------------------------------------------------------

def test_builtin_schemes_weights_add_up_to_exactly_one() -> None:
    for name in ("baseline", "reformed"):
        s = load_scheme(name)
        assert s.id == name
        assert sum(d.weight for d in s.dimensions) == Decimal(1)
        for d in s.dimensions:
            w = d.fixed_weights()
            assert w is not None and w.sum() == pytest.approx(1)
            if d.weighting == "fixed":
                assert sum(i.weight for i in d.indicators) == Decimal(1)


def test_baseline_has_the_2013_dimensions_on_the_raw_basis() -> None:
    s = load_scheme("baseline")
    assert [(d.name_zh, d.weight) for d in s.dimensions] == [
        ("知识创造和技术创新能力", Decimal("0.30")), ("产业升级和结构优化能力", Decimal("0.30")),
        ("国际化和参与全球竞争能力", Decimal("0.20")), ("高新区可持续发展能力", Decimal("0.20"))]
    req = s.required_inputs()
    assert req.current == {(Basis.RAW, c) for c in INDICATOR_CODES}
    assert req.previous_year == {(Basis.RAW, "gdp"), (Basis.RAW, "revenue")}
    assert "approximation" in s.description


def test_reformed_adds_cooperation_and_spillover() -> None:
    s = load_scheme("reformed")
    assert [(d.code, d.weight) for d in s.dimensions] == [
        ("innovation", Decimal("0.25")), ("industry", Decimal("0.25")), ("international", Decimal("0.15")),
        ("sustainability", Decimal("0.15")), ("cooperation", Decimal("0.10")), ("spillover", Decimal("0.10"))]
    coop = {c for b, c in s.required_inputs().current if b == Basis.COOPERATION}
    assert coop == set(COOPERATION_INDICATORS)
    attributed = {c for b, c in s.required_inputs().current if b == Basis.ATTRIBUTED}
    assert attributed == {"gdp", "revenue", "tax", "exports"}
    assert s.dimension("cooperation").ahp_result().cr < 0.10  # type: ignore[union-attr]


def _builtin_values(raw_gdp: dict[str, float], attributed_gdp: dict[str, float],
                    cooperation: dict[str, dict[str, float]]) -> pl.DataFrame:
    """All zones equal except GDP and the cooperation figures; last year's GDP = this year's (no growth)."""
    common = dict(zip(INDICATOR_CODES, [0.0] * len(INDICATOR_CODES), strict=True)) | {
        "revenue": 1000, "tax": 50, "exports": 200, "rd_expenditure": 30, "rd_personnel": 40,
        "employees": 400,
        "invention_patents_granted": 8, "enterprises": 50, "high_tech_enterprises": 20}
    frames = []
    for zone in raw_gdp:
        for year in (YEAR - 1, YEAR):
            frames.append(_frame({zone: common | {"gdp": raw_gdp[zone]}}, "raw", year))
            economic = {c: common[c] for c in ("revenue", "tax", "exports")} | {"gdp": attributed_gdp[zone]}
            frames.append(_frame({zone: economic}, "attributed", year))
        frames.append(_frame({zone: cooperation[zone]}, "cooperation"))
    return pl.concat(frames)


def test_reformed_scheme_flips_two_zones_and_says_why() -> None:
    # baseline: only GDP differs (P 1000, Q 900, R 500): industry gdp min-max P 1, Q .8, R 0, every other
    #   indicator constant (→ 1): P 100, Q 100 − 9·.2 = 98.2, R 91
    # reformed: attributed GDP P 1000, Q 1100, R 500 → P 5/6, Q 1, R 0 (weight .25·.3 = .075);
    #   cooperation (AHP w ≈ .163, .297, .540): P 0, Q 100, R 100·(.5·.163 + .5·.297) ≈ 23.02;
    #   spillover: Q 100, others 0 → P 80 − 7.5/6 = 78.75, Q 100, R 72.5 + 2.302 = 74.80
    zero = dict.fromkeys(COOPERATION_INDICATORS, 0.0)
    coop = {"P": zero, "Q": {"coop_active_agreements": 2, "coop_partner_zones": 2, "coop_project_credit": 100,
                             "spill_relocated_out": 1, "spill_origin_credit": 100,
                             "spill_attributed_gain": 200, "spill_services_delivered": 3},
            "R": zero | {"coop_active_agreements": 1, "coop_partner_zones": 1}}
    values = _builtin_values({"P": 1000, "Q": 900, "R": 500}, {"P": 1000, "Q": 1100, "R": 500}, coop)
    a = evaluate(load_scheme("baseline"), values, YEAR)
    b = evaluate(load_scheme("reformed"), values, YEAR)
    assert a.ranking["zone_id"].to_list() == ["P", "Q", "R"]
    assert a.ranking["score"].to_list() == pytest.approx([100, 98.2, 91])
    assert b.ranking["zone_id"].to_list() == ["Q", "P", "R"]
    assert b.ranking["score"].to_list() == pytest.approx([100, 78.75, 74.80], abs=0.005)
    c = compare(a, b)
    assert c.select("zone_id", "rank_a", "rank_b", "rank_change").rows() == [
        ("P", 1, 2, -1), ("Q", 2, 1, 1), ("R", 3, 3, 0)]
    # relative to the mean over the zones, Q gained 10 − 10/3 ≈ +6.7 in spillover and ≈ 10 − 4.10 = +5.9 in
    # cooperation (weighted points)
    assert c.filter(pl.col("zone_id") == "Q")["reason"].item() == "辐射带动绩效 +6.7; 协同绩效 +5.9"


def test_compare_refuses_different_zones() -> None:
    a = evaluate(parse_scheme(_toy()), _frame(TOY), YEAR)
    b = evaluate(parse_scheme(_toy()), _frame({k: TOY[k] for k in ("A", "B")}), YEAR)
    with pytest.raises(InvalidArgument, match=r"only in a: \['C'\]"):
        compare(a, b)


# --- refused scheme files --------------------------------------------------------------------------------

def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(data, default=float), encoding="utf-8")  # Decimal("0.6") is written as 0.6
    return path


def _refused(tmp_path: Path, data: dict[str, Any]) -> str:
    with pytest.raises(SchemeError) as info:
        load_scheme(_write(tmp_path, data))
    return str(info.value)


def test_a_scheme_file_loads_with_exact_decimal_weights(tmp_path: Path) -> None:
    data = _toy()
    # 0.7 + 0.2 + 0.1 is 0.9999999999999999 in binary floating point, exactly 1 as decimals
    data["dimensions"][0]["indicators"] = [_ind("gdp", Decimal("0.7"), source="gdp"),
                                           _ind("tax", Decimal("0.2"), source="tax"),
                                           _ind("revenue", Decimal("0.1"), source="revenue")]
    path = _write(tmp_path, data)
    s = load_scheme(path)
    assert [i.weight for i in s.dimensions[0].indicators] == [Decimal("0.7"), Decimal("0.2"), Decimal("0.1")]


def test_refuses_weights_that_do_not_add_up_to_one(tmp_path: Path) -> None:
    data = _toy()
    data["dimensions"][1]["weight"] = Decimal("0.5")
    message = _refused(tmp_path, data)
    assert str(tmp_path / "scheme.json") in message
    assert "dimension weights sum to 1.1, not exactly 1" in message
    data = _toy()
    data["dimensions"][0]["indicators"][0]["weight"] = Decimal("0.4")
    assert "dimension 'econ': fixed indicator weights sum to 0.9, not exactly 1" in _refused(tmp_path, data)


def test_refuses_unknown_direction_formula_and_figure(tmp_path: Path) -> None:
    data = _toy()
    data["dimensions"][1]["indicators"][0]["direction"] = "smaller"
    data["dimensions"][0]["indicators"][1]["formula"] = {"log": "revenue"}
    data["dimensions"][0]["indicators"][0]["source"] = "population"
    message = _refused(tmp_path, data)
    assert "dimension 'cost', indicator 'tax_burden': direction: 'smaller' is not one of" in message
    assert "dimension 'econ', indicator 'productivity': formula: unknown formula" in message
    assert "'population' is not a figure of basis raw" in message
    assert "3 problems" in message


def test_refuses_inconsistent_ahp_matrix_naming_the_dimension() -> None:
    data = _toy()
    data["dimensions"][0] = {"code": "econ", "name_zh": "经济", "name_en": "Economy", "weight": Decimal("0.6"),
                             "weighting": "ahp", "pairwise": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]],
                             "indicators": [_ind("gdp", source="gdp"), _ind("tax", source="tax"),
                                            _ind("revenue", source="revenue")]}
    with pytest.raises(SchemeError, match=r"dimension 'econ': pairwise: consistency ratio CR = .* ≥ 0.1"):
        parse_scheme(data, file="mine.json")
    data["dimensions"][0]["pairwise"] = [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]
    weights = parse_scheme(data).dimensions[0].fixed_weights()
    assert weights == pytest.approx([0.637, 0.258, 0.105], abs=5e-4)  # Saaty's example, as in test_methods


def test_refuses_cooperation_codes_on_other_bases_weights_outside_fixed_and_reserved_codes() -> None:
    data = _toy()
    data["dimensions"][1]["indicators"][0] = _ind("coop", Decimal(1), source="coop_partner_zones")
    data["dimensions"][1]["weighting"] = "entropy"
    data["dimensions"][1]["code"] = "score"
    with pytest.raises(SchemeError) as info:
        parse_scheme(data)
    assert "'coop_partner_zones' is not a figure of basis raw" in str(info.value)
    assert "weight: only used when the dimension's weighting is fixed" in str(info.value)
    assert "code: 'score' is reserved" in str(info.value)


def test_unknown_name_and_broken_json(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="neither a built-in scheme"):
        load_scheme("nonesuch")
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x",', encoding="utf-8")
    with pytest.raises(SchemeError, match="bad.json:1:12: not valid JSON"):
        load_scheme(bad)
