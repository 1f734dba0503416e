"""Reference data: the compiled facts are complete and consistent (sources in docs/data.md)."""

from __future__ import annotations

from datetime import date

import polars as pl

from parknet.data import reference


def test_national_zone_counts_match_the_official_totals() -> None:
    zones = reference.national_zones()
    assert zones.columns[:6] == ["zone_id", "name", "province_code", "province", "city", "approved_year"]
    assert zones.filter(pl.col("approved_year") <= 2019).height == 169  # the article's 169 (2019)
    # 173 after the four upgrades announced 2022-06-16 (滁州, 信阳, 克拉玛依, 遵义)
    mid_2022 = zones.filter((pl.col("approved_year") <= 2021)
                            | ((pl.col("approved_year") == 2022) & pl.col("note").str.contains("2022-06")))
    assert mid_2022.height == 173
    # 178 by November 2023 officially; 177 identified (docs/data.md, "Known gap")
    assert zones.filter(pl.col("approved_year") <= 2023).height == 177


def test_national_zones_are_well_formed() -> None:
    zones = reference.national_zones()
    assert zones["zone_id"].is_unique().all() and zones["name"].is_unique().all()
    assert zones["zone_id"].str.contains(r"^[a-z0-9][a-z0-9-]*$").all()
    assert zones["province"].null_count() == 0  # every province code is a known province
    assert (zones["city_code"].str.slice(0, 2) == zones["province_code"].str.slice(0, 2)).all()
    assert zones.filter(pl.col("approved_date").is_not_null())["approved_date"].max() <= date(2023, 11, 30)
    assert set(zones["confidence"]) <= {"high", "medium", "low"}
    every_mainland = reference.provinces().filter(pl.col("region").is_not_null())["province_code"]
    assert set(every_mainland) == set(zones["province_code"])  # 31 provinces all have national zones


def test_wuhan_donghu_and_zhongguancun_facts() -> None:
    zones = reference.national_zones()
    donghu = zones.filter(pl.col("zone_id") == "wuhan-donghu").row(0, named=True)
    assert (donghu["name"], donghu["province"], donghu["city"], donghu["approved_year"]) == (
        "武汉东湖新技术开发区", "湖北省", "武汉市", 1991)
    assert zones.filter(pl.col("zone_id") == "zhongguancun")["approved_year"].item() == 1988


def test_provinces_and_regions() -> None:
    p = reference.provinces()
    assert p.height == 34 and p["province_code"].is_unique().all()
    assert p.group_by("region").len().sort("region").rows() == [
        (None, 3), ("central", 6), ("east", 10), ("northeast", 3), ("west", 12)]
    assert p.filter(pl.col("province_code") == "420000").row(0, named=True)["capital_code"] == "420100"


def test_gbt4754_has_20_sections_and_97_divisions() -> None:
    ind = reference.industries()
    assert ind.filter(pl.col("level") == "section").height == 20
    divisions = reference.divisions()
    assert divisions.height == 97
    assert divisions["code"].to_list() == [f"{i:02d}" for i in range(1, 98)]
    assert divisions.filter(pl.col("code") == "39")["name"].item() == "计算机、通信和其他电子设备制造业"
    assert divisions.filter(pl.col("code") == "39")["section"].item() == "C"


def test_sei_categories_map_to_real_divisions() -> None:
    assert reference.sei_categories().height == 9
    assert set(reference.sei_divisions()["division"]) <= set(reference.divisions()["code"])


def test_national_totals_cover_the_panel() -> None:
    totals = reference.national_totals()
    assert totals["year"].to_list() == list(range(2012, 2024))
    row = totals.filter(pl.col("year") == 2019).row(0, named=True)
    assert row["gdp_100m_yuan"] == 986515.2 and row["rd_expenditure_100m_yuan"] == 22143.6
