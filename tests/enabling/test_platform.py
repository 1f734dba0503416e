"""The leading zone's platform company: catalogue, orders and statements with exact amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parknet.enabling.platform import catalogue, line_amount, order, statement
from parknet.errors import InvalidArgument

ITEMS = catalogue([
    ("OP-1", "wuhan-donghu", "园区招商运营托管", "park_operation", "年", "120"),
    ("IN-1", "wuhan-donghu", "检验检测服务", "innovation", "次", "0.35"),
    ("ID-1", "xiangyang", "供应链对接会", "industry", "场", "8.5"),
])


def test_statement_per_buyer_with_exact_amounts() -> None:
    orders = [order(ITEMS, "O1", "xiangyang", "OP-1", "0.5", date(2021, 1, 10)),
              order(ITEMS, "O2", "xiangyang", "IN-1", 3, date(2021, 2, 1)),
              order(ITEMS, "O3", "yichang", "IN-1", "7", date(2021, 3, 31)),
              order(ITEMS, "O4", "yichang", "IN-1", "1", date(2021, 4, 1)),  # next quarter
              order(ITEMS, "O5", "wuhan-donghu", "ID-1", "1", date(2021, 2, 1))]  # another provider
    q1 = statement(ITEMS, orders, "wuhan-donghu", date(2021, 1, 1), date(2021, 3, 31))
    assert [(s.buyer_zone, s.total) for s in q1] == [("xiangyang", Decimal("61.05")), ("yichang", Decimal("2.45"))]
    assert [line.amount for line in q1[0].lines] == [Decimal("60.0000"), Decimal("1.0500")]


def test_bad_catalogue_and_orders_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="listed twice"):
        catalogue([("A", "z", "a", "innovation", "次", "1"), ("A", "z", "b", "innovation", "次", "1")])
    with pytest.raises(InvalidArgument, match="park_operation, innovation or industry"):
        catalogue([("A", "z", "a", "consulting", "次", "1")])
    with pytest.raises(InvalidArgument, match="positive"):
        catalogue([("A", "z", "a", "innovation", "次", "0")])
    with pytest.raises(InvalidArgument, match="no service"):
        order(ITEMS, "O", "xiangyang", "XX", 1, date(2021, 1, 1))
    with pytest.raises(InvalidArgument, match="provides OP-1 itself"):
        order(ITEMS, "O", "wuhan-donghu", "OP-1", 1, date(2021, 1, 1))
    with pytest.raises(InvalidArgument, match="quantity"):
        order(ITEMS, "O", "xiangyang", "OP-1", -1, date(2021, 1, 1))
    with pytest.raises(InvalidArgument, match="end"):
        statement(ITEMS, [], "wuhan-donghu", date(2021, 3, 1), date(2021, 1, 1))


def test_an_order_keeps_the_price_it_was_placed_at() -> None:
    placed = order(ITEMS, "O1", "xiangyang", "IN-1", 2, date(2021, 1, 10))
    assert placed.unit_price == Decimal("0.35")
    dearer = catalogue([("IN-1", "wuhan-donghu", "检验检测服务", "innovation", "次", "0.50")])
    (s,) = statement(dearer, [placed], "wuhan-donghu", date(2021, 1, 1), date(2021, 12, 31))
    assert (s.lines[0].price, s.total) == (Decimal("0.35"), Decimal("0.70"))


def test_line_amounts_round_half_even_to_one_yuan() -> None:
    assert line_amount(Decimal(3), Decimal("1.3333")) == Decimal("3.9999")
    assert line_amount(Decimal("0.5"), Decimal("1.3333")) == Decimal("0.6666")  # 0.66665 → even
    assert line_amount(Decimal("0.5"), Decimal("1.3331")) == Decimal("0.6666")  # 0.66655 → even (up)
