"""Spillover performance (辐射带动绩效) counts the service tickets a zone delivered to other zones."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Engine, insert

from parknet.services.evaluation import cooperation_metrics
from parknet.store.enabling import ServiceTicket

_ENTRIES = pl.DataFrame(schema={"zone_id": pl.String, "indicator": pl.String, "source_kind": pl.String,
                                "source_id": pl.String, "rule_id": pl.String, "amount": pl.Decimal(38, 4)})
_TOTALS = pl.DataFrame(schema={"zone_id": pl.String, "indicator": pl.String, "raw": pl.Decimal(38, 4),
                               "attributed": pl.Decimal(38, 4)})


def _ticket(tid: str, requester: str, provider: str | None, delivered: date | None, status: str) -> dict:
    return {"id": tid, "kind": "talent", "requester_zone": requester, "provider_zone": provider, "title": "人才对接",
            "opened_on": date(2023, 1, 5), "due_on": date(2025, 1, 5), "status": status, "delivered_on": delivered,
            "created_by": "test", "outcome": "resolved" if status == "closed" else None,
            "rating": 5 if status == "closed" else None}


def test_tickets_delivered_to_other_zones_in_the_year(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(ServiceTicket), [
            _ticket("T1", "xiangyang", "wuhan-donghu", date(2023, 3, 1), "delivered"),
            _ticket("T2", "yichang", "wuhan-donghu", date(2023, 12, 31), "closed"),
            _ticket("T3", "yichang", "wuhan-donghu", date(2024, 1, 1), "delivered"),  # next year
            _ticket("T4", "wuhan-donghu", "wuhan-donghu", date(2023, 5, 1), "delivered"),  # to itself
            _ticket("T5", "yichang", "wuhan-donghu", None, "in_service"),  # not delivered
            _ticket("T6", "wuhan-donghu", "xiangyang", date(2023, 6, 1), "delivered"),
        ])
        metrics = cooperation_metrics(conn, 2023, _ENTRIES, _TOTALS)
    services = dict(metrics.filter(pl.col("indicator") == "spill_services_delivered")
                    .select("zone_id", "value").iter_rows())
    assert services == {"wuhan-donghu": 2.0, "xiangyang": 1.0}
