"""The leading zone's platform company in the store: the catalogue, orders from partner zones with the price of
the day kept through a later price change, statements with exact totals computed by hand, and refusals that
write nothing (the provider buying from itself, a zone outside the network, a zone admin ordering for another
zone). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from parknet.errors import Forbidden, InvalidArgument, NotFound
from parknet.services import platform
from parknet.services.accounts import Principal
from parknet.store.audit import AuditEntry
from parknet.store.importers import import_rows
from tests.conftest import snapshot

ADMIN = Principal(1, "prov-admin", "admin")
XIANGYANG = Principal(3, "xy-admin", "zone_admin", "xiangyang")
YICHANG = Principal(4, "yc-admin", "zone_admin", "yichang")
SERVICES = [
    {"code": "TST-OP-1", "provider_zone": "wuhan-donghu", "name": "园区招商运营托管", "category": "park_operation",
     "unit": "年", "price": "120"},
    {"code": "TST-IN-1", "provider_zone": "wuhan-donghu", "name": "检验检测服务", "category": "innovation",
     "unit": "次", "price": "1.3333"},
    {"code": "TST-ID-1", "provider_zone": "wuhan-donghu", "name": "供应链对接会", "category": "industry",
     "unit": "场", "price": "8.5"},
]


@pytest.fixture
def store(engine: Engine) -> Engine:
    import_rows(engine, "platform-services", SERVICES, source="test", user="test")
    return engine


def test_catalogue_by_provider_and_category(store: Engine) -> None:
    items = platform.catalogue(store, "wuhan-donghu")
    assert [(i["category"], i["code"], i["price"]) for i in items] == [
        ("industry", "TST-ID-1", Decimal("8.5")), ("innovation", "TST-IN-1", Decimal("1.3333")),
        ("park_operation", "TST-OP-1", Decimal(120))]
    assert platform.catalogue(store, "xiangyang") == []
    with pytest.raises(NotFound):
        platform.catalogue(store, "atlantis")


def test_statement_totals_exact_by_hand(store: Engine) -> None:
    ids = [platform.place_order(store, XIANGYANG, "xiangyang", "TST-IN-1", 3, date(2021, 1, 10)),
           platform.place_order(store, XIANGYANG, "xiangyang", "TST-OP-1", "0.5", date(2021, 2, 1)),
           platform.place_order(store, YICHANG, "yichang", "TST-IN-1", "0.5", date(2021, 3, 31)),
           platform.place_order(store, ADMIN, "yichang", "TST-ID-1", 2, date(2021, 4, 1))]  # next quarter
    assert ids == ["OD-2021-00001", "OD-2021-00002", "OD-2021-00003", "OD-2021-00004"]
    s = platform.statement(store, "wuhan-donghu", date(2021, 1, 1), date(2021, 3, 31))
    # xiangyang: 3 × 1.3333 = 3.9999 and 0.5 × 120 = 60 → 63.9999; yichang: 0.5 × 1.3333 = 0.66665 → 0.6666
    # (half-even); grand total 64.6665
    assert [(b["buyer_zone"], b["total"]) for b in s["buyers"]] == [("xiangyang", Decimal("63.9999")),
                                                                    ("yichang", Decimal("0.6666"))]
    assert [(line["order_id"], line["amount"]) for line in s["buyers"][0]["lines"]] == [
        ("OD-2021-00001", Decimal("3.9999")), ("OD-2021-00002", Decimal("60.0000"))]
    assert s["grand_total"] == Decimal("64.6665")
    with pytest.raises(InvalidArgument, match="end"):
        platform.statement(store, "wuhan-donghu", date(2021, 3, 31), date(2021, 1, 1))
    with pytest.raises(NotFound):
        platform.statement(store, "atlantis", date(2021, 1, 1), date(2021, 3, 31))


def test_the_price_of_the_day_survives_a_price_change(store: Engine) -> None:
    order_id = platform.place_order(store, XIANGYANG, "xiangyang", "TST-IN-1", 3, date(2021, 1, 10))
    import_rows(store, "platform-services", [{**SERVICES[1], "price": "2"}], source="price change", user="test")
    assert platform.catalogue(store, "wuhan-donghu")[1]["price"] == Decimal(2)
    later = platform.place_order(store, XIANGYANG, "xiangyang", "TST-IN-1", 3, date(2021, 2, 10))
    s = platform.statement(store, "wuhan-donghu", date(2021, 1, 1), date(2021, 12, 31))
    assert [(line["order_id"], line["unit_price"], line["amount"]) for line in s["buyers"][0]["lines"]] == [
        (order_id, Decimal("1.3333"), Decimal("3.9999")), (later, Decimal(2), Decimal(6))]
    listed = {o["id"]: o for o in platform.orders(store, buyer_zone="xiangyang")}
    assert listed[order_id]["unit_price"] == Decimal("1.3333") and listed[later]["amount"] == Decimal(6)
    assert [o["id"] for o in platform.orders(store, provider_zone="wuhan-donghu")] == [later, order_id]
    with store.connect() as conn:
        assert conn.execute(select(AuditEntry.action).where(AuditEntry.entity == "platform_order",
                                                            AuditEntry.entity_key == order_id)).scalar() == "order"


def test_bad_orders_write_nothing(store: Engine) -> None:
    before = snapshot(store)
    with pytest.raises(InvalidArgument, match="provides TST-OP-1 itself"):
        platform.place_order(store, ADMIN, "wuhan-donghu", "TST-OP-1", 1, date(2021, 1, 1))
    with pytest.raises(InvalidArgument, match="not a partner in the 1\\+N network of province 420000"):
        platform.place_order(store, ADMIN, "zhongguancun", "TST-OP-1", 1, date(2021, 1, 1))
    with pytest.raises(Forbidden, match="orders for xiangyang only"):
        platform.place_order(store, XIANGYANG, "yichang", "TST-OP-1", 1, date(2021, 1, 1))
    with pytest.raises(Forbidden):
        platform.place_order(store, Principal(7, "analyst", "analyst"), "yichang", "TST-OP-1", 1)
    with pytest.raises(InvalidArgument, match="no service"):
        platform.place_order(store, XIANGYANG, "xiangyang", "TST-XX", 1, date(2021, 1, 1))
    with pytest.raises(InvalidArgument, match="quantity"):
        platform.place_order(store, XIANGYANG, "xiangyang", "TST-OP-1", 0, date(2021, 1, 1))
    with pytest.raises(InvalidArgument, match="future"):
        platform.place_order(store, XIANGYANG, "xiangyang", "TST-OP-1", 1, date(2100, 1, 1))
    with pytest.raises(InvalidArgument, match="unknown zone"):
        platform.place_order(store, ADMIN, "atlantis", "TST-OP-1", 1, date(2021, 1, 1))
    assert snapshot(store) == before
