"""Bulk insertion of DataFrames: exact values, dates, and index rebuilding inside the transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import Engine, inspect, select

from parknet.codes import make_uscc
from parknet.store import models
from parknet.store.bulk import insert_frame


def test_insert_frame_keeps_values_exact_and_rebuilds_indexes(engine: Engine) -> None:
    codes = [make_uscc("110000", i) for i in range(3)]
    with engine.begin() as conn:
        insert_frame(conn, models.Enterprise.__table__, pl.DataFrame({
            "credit_code": codes, "name": ["甲", "乙", "丙"], "zone_id": ["zhongguancun"] * 3,
            "is_synthetic": [True] * 3}))
        insert_frame(conn, models.EnterpriseValue.__table__, pl.DataFrame({
            "credit_code": codes, "year": [2019] * 3, "indicator_code": ["revenue"] * 3,
            "zone_id": ["zhongguancun"] * 3, "value": [0.1, 12345.6, 7.0]}), rebuild_indexes=True)
        insert_frame(conn, models.Relocation.__table__, pl.DataFrame({
            "credit_code": codes[:1], "from_zone": ["zhongguancun"], "to_zone": ["wuhan-donghu"],
            "moved_on": [date(2020, 3, 1)]}))
    with engine.connect() as conn:
        values = conn.execute(select(models.EnterpriseValue.value).order_by(models.EnterpriseValue.credit_code)).scalars().all()
        moved = conn.execute(select(models.Relocation.moved_on)).scalar()
    assert values == [Decimal("0.1"), Decimal("12345.6"), Decimal("7")]
    assert moved == date(2020, 3, 1)
    names = {ix["name"] for ix in inspect(engine).get_indexes("enterprise_values")}
    assert "ix_enterprise_values_zone_year" in names
