"""Reference data compiled as facts (sources in ``docs/data.md``).

Every loader returns a fresh polars DataFrame; codes stay strings ("01", "110000").
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

__all__ = [
    "provinces",
    "national_zones",
    "industries",
    "divisions",
    "sei_categories",
    "sei_divisions",
    "national_totals",
    "CHINA_LAND_AREA_KM2",
]

_DIR = Path(__file__).parent

#: China's land area, 9.6 million km² (国土面积约960万平方公里, the figure the article's 0.3% refers to).
CHINA_LAND_AREA_KM2 = 9_600_000


@cache
def _read(name: str) -> pl.DataFrame:
    return pl.read_csv(_DIR / name, infer_schema_length=0)  # all strings: codes keep their zeros


def provinces() -> pl.DataFrame:
    """The 34 provincial-level divisions: ``province_code, name, short_name, name_en, capital,
    capital_code, region, land_area_km2`` (GB/T 2260 codes; NBS four regions)."""
    return _read("provinces.csv").with_columns(pl.col("land_area_km2").cast(pl.Float64))


def national_zones() -> pl.DataFrame:
    """All national high-tech zones (国家高新区), 178 as of November 2023.

    Columns: ``zone_id, name, province_code, province, city, city_code, approved_year,
    approved_date, lat, lon, confidence, note``; ``province`` is the full Chinese province name.
    """
    zones = _read("national_zones.csv").with_columns(
        pl.col("approved_year").cast(pl.Int32),
        pl.col("approved_date").str.to_date(strict=False),
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
    )
    names = provinces().select("province_code", pl.col("name").alias("province"))
    zones = zones.join(names, on="province_code", how="left")
    first = ["zone_id", "name", "province_code", "province", "city", "approved_year"]
    return zones.select(first + [c for c in zones.columns if c not in first])


def industries() -> pl.DataFrame:
    """GB/T 4754-2017 sections (门类) and divisions (大类): ``code, level, parent, name, name_en``."""
    return _read("gbt4754_2017.csv")


def divisions() -> pl.DataFrame:
    """The 97 GB/T 4754-2017 divisions (大类) with their section: ``code, section, name, name_en``."""
    return (
        industries()
        .filter(pl.col("level") == "division")
        .select("code", pl.col("parent").alias("section"), "name", "name_en")
    )


def sei_categories() -> pl.DataFrame:
    """The 9 first-level categories of 《战略性新兴产业分类(2018)》: ``code, name, name_en``."""
    return _read("sei_categories.csv")


def sei_divisions() -> pl.DataFrame:
    """ParkNet's aggregation of the 2018 SEI classification to GB/T 4754 divisions: ``sei_code, division``."""
    return _read("sei_divisions.csv")


def national_totals() -> pl.DataFrame:
    """China's national totals per year (NBS): GDP and R&D in 亿元, R&D personnel (FTE) and employment in
    万人, invention patents granted. Columns: ``year, gdp_100m_yuan, rd_expenditure_100m_yuan,
    rd_personnel_fte_10k, employed_10k, invention_patents_granted, source_note``."""
    return _read("national_totals.csv").with_columns(
        pl.col("year").cast(pl.Int32),
        pl.col("gdp_100m_yuan", "rd_expenditure_100m_yuan", "rd_personnel_fte_10k", "employed_10k").cast(
            pl.Float64
        ),
        pl.col("invention_patents_granted").cast(pl.Int64),
    )
