"""Composite index (within-province min–max) and the choice of leaders: capital bonus, several leaders,
provinces without a national zone, provincial designations, bad input."""

from __future__ import annotations

import polars as pl
import pytest

from parknet.errors import InvalidArgument
from parknet.network.leaders import CAPITAL_BONUS, DEFAULT_WEIGHTS, choose_leaders, composite_index


def _zones() -> pl.DataFrame:
    # province 11: capital zone a slightly behind b; 22: no national zone; 33: three national zones
    rows = [
        ("a", "national", "11", "1101", True, 95.0),
        ("b", "national", "11", "1102", False, 100.0),
        ("c", "provincial", "11", "1101", True, 10.0),
        ("d", "provincial", "22", "2201", True, 50.0),
        ("e", "other", "22", "2202", False, 20.0),
        ("f", "national", "33", "3301", False, 30.0),
        ("g", "national", "33", "3302", False, 80.0),
        ("h", "national", "33", "3301", True, 55.0),
    ]
    frame = pl.DataFrame(rows, schema=["zone_id", "level", "province_code", "city_code", "is_capital", "v"],
                         orient="row")
    return frame.with_columns(name=pl.col("zone_id").str.to_uppercase(),
                              **{code: pl.col("v") for code in DEFAULT_WEIGHTS}).drop("v")


def test_composite_index_is_min_max_within_province() -> None:
    idx = dict(composite_index(_zones()).select("zone_id", "index").iter_rows())
    # province 11: values 95, 100, 10 → (95 − 10)/90, 1, 0 on every indicator
    assert idx["a"] == pytest.approx(85 / 90) and idx["b"] == pytest.approx(1.0) and idx["c"] == 0.0
    assert idx["g"] == pytest.approx(1.0) and idx["f"] == 0.0 and idx["h"] == pytest.approx(0.5)


def test_composite_index_weights_nulls_and_single_zone() -> None:
    zones = pl.DataFrame({"zone_id": ["x", "y", "z"], "province_code": ["1", "1", "2"],
                          "gdp": [10.0, 20.0, 5.0], "rd_expenditure": [None, 4.0, 1.0]})
    idx = dict(composite_index(zones, {"gdp": 3, "rd_expenditure": 1}).select("zone_id", "index").iter_rows())
    # x: gdp 0, R&D missing → 0; y: top on both → 1; z alone in its province → 1
    assert idx == {"x": 0.0, "y": pytest.approx(1.0), "z": pytest.approx(1.0)}
    idx = dict(composite_index(zones.with_columns(gdp=pl.lit(1.0)), {"gdp": 1, "rd_expenditure": 1})
               .select("zone_id", "index").iter_rows())
    assert idx["x"] == pytest.approx(0.5)  # equal gdp: every zone is top on it; missing R&D earns 0


def test_capital_bonus_lifts_the_capital_zone_within_the_margin() -> None:
    leaders = choose_leaders(_zones())
    assert leaders.columns == ["province_code", "zone_id", "rank", "index", "reason"]
    p11 = leaders.filter(pl.col("province_code") == "11").row(0, named=True)
    assert CAPITAL_BONUS > 1 - 85 / 90  # a is within the bonus of b
    assert p11["zone_id"] == "a" and p11["rank"] == 1
    assert p11["reason"] == ("省内综合指数第2（位于省会，省会加成 +0.10 后列第1位） / "
                             "2nd-highest composite index in the province "
                             "(capital city; top after the +0.10 capital bonus)")
    plain = choose_leaders(_zones(), capital_bonus=False).filter(pl.col("province_code") == "11")
    plain = plain.row(0, named=True)
    assert plain["zone_id"] == "b"
    assert plain["reason"] == "省内综合指数第1 / top composite index in the province"


def test_reason_says_when_stronger_zones_may_not_lead() -> None:
    c_strongest = pl.col("zone_id") == "c"  # a provincial zone, which may not lead
    zones = _zones().with_columns(pl.when(c_strongest).then(pl.lit(500.0)).otherwise(pl.col(code)).alias(code)
                                  for code in DEFAULT_WEIGHTS)
    p11 = choose_leaders(zones, capital_bonus=False).filter(pl.col("province_code") == "11")
    assert p11["zone_id"].to_list() == ["b"]
    assert p11["reason"][0] == ("省内综合指数第2（可牵头园区中第1） / 2nd-highest composite index in the "
                                "province (top among the zones eligible to lead)")


def test_capital_bonus_does_not_override_a_large_lead() -> None:
    p33 = choose_leaders(_zones()).filter(pl.col("province_code") == "33")
    assert p33["zone_id"].to_list() == ["g"]  # h (capital) 0.5 + 0.1 < g 1.0


def test_province_without_national_zone_is_reported() -> None:
    p22 = choose_leaders(_zones()).filter(pl.col("province_code") == "22").row(0, named=True)
    assert p22["zone_id"] is None and p22["rank"] is None
    assert p22["reason"] == "省内无国家级高新区，不设牵头园区 / no national zone in the province: no leader"
    wider = choose_leaders(_zones(), eligible_levels=("national", "provincial"))
    assert wider.filter(pl.col("province_code") == "22")["zone_id"].to_list() == ["d"]


def test_several_leaders_for_a_large_province() -> None:
    leaders = choose_leaders(_zones(), per_province={"33": 2})
    p33 = leaders.filter(pl.col("province_code") == "33")
    assert p33["zone_id"].to_list() == ["g", "h"] and p33["rank"].to_list() == [1, 2]
    assert p33["reason"][1].startswith("省内综合指数第2（位于省会）")
    assert leaders.filter(pl.col("province_code") == "11").height == 1  # others keep 1
    everyone = choose_leaders(_zones(), per_province=5).filter(pl.col("province_code") == "33")
    assert everyone.height == 3  # no more leaders than candidates


def test_overrides_designate_leaders() -> None:
    leaders = choose_leaders(_zones(), overrides={"11": ["c"], "33": []})
    p11 = leaders.filter(pl.col("province_code") == "11").row(0, named=True)
    assert p11["zone_id"] == "c" and p11["reason"] == "省级指定 / designated by the province"
    p33 = leaders.filter(pl.col("province_code") == "33").row(0, named=True)
    assert p33["zone_id"] is None and "designated no leader" in p33["reason"]


@pytest.mark.parametrize(("kwargs", "argument", "fragment"), [
    ({"overrides": {"11": ["f"]}}, "overrides", "is in province 33"),
    ({"overrides": {"99": ["a"]}}, "overrides", "no zones"),
    ({"per_province": 0}, "per_province", "≥ 1"),
    ({"per_province": {"99": 2}}, "per_province", "['99']"),
    ({"indicators": {"gdp": -1.0}}, "indicators", "≥ 0"),
    ({"indicators": {"nope": 1.0}}, "indicators", "'nope'"),
    ({"eligible_levels": ("county",)}, "eligible_levels", "subset"),
])
def test_bad_arguments(kwargs: dict, argument: str, fragment: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        choose_leaders(_zones(), **kwargs)
    assert err.value.argument == argument and fragment in err.value.reason


def test_bad_zones_frame() -> None:
    with pytest.raises(InvalidArgument, match="appears more than once"):
        composite_index(pl.concat([_zones(), _zones()]))
    with pytest.raises(InvalidArgument, match="missing columns"):
        choose_leaders(_zones().drop("is_capital"))
    with pytest.raises(InvalidArgument, match="level"):
        choose_leaders(_zones().with_columns(level=pl.lit("county")))
