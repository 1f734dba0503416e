"""The leading zone as a platform company (领头园区平台化): a catalogue of the services it sells to partner
zones — park operation 园区运营, innovation services 创新服务, industry services 产业服务 (MECHANISMS.md §5.3)
— orders from partner zones, and statements per period. Money is exact (万元, 4 decimals = 1 yuan).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from parknet.errors import InvalidArgument
from parknet.store.types import to_decimal

__all__ = ["Category", "CatalogueItem", "Order", "StatementLine", "Statement", "catalogue", "order", "statement",
           "line_amount"]

_CENT = Decimal("0.0001")


class Category(StrEnum):
    """Kinds of service a platform company sells (服务类别)."""

    PARK_OPERATION = "park_operation"  # 园区运营：规划、招商、物业与运营管理
    INNOVATION = "innovation"  # 创新服务：孵化、技术转移、检验检测
    INDUSTRY = "industry"  # 产业服务：供应链对接、人才培训、金融服务


@dataclass(frozen=True)
class CatalogueItem:
    """One priced service of a provider zone's catalogue (price per unit, 万元)."""

    code: str
    provider_zone: str
    name: str
    category: Category
    unit: str
    price: Decimal


@dataclass(frozen=True)
class Order:
    """A partner zone's order of ``quantity`` units of a catalogue item on a date, at ``unit_price`` — the
    catalogue price when ordered (a later price change never rewrites an order; ``None``: the current price)."""

    order_id: str
    buyer_zone: str
    code: str
    quantity: Decimal
    ordered_on: date
    unit_price: Decimal | None = None


def catalogue(items: Iterable[tuple[str, str, str, str, str, object]]) -> dict[str, CatalogueItem]:
    """Catalogue items from (code, provider_zone, name, category, unit, price); refuses duplicates, unknown
    categories and prices that are not positive exact amounts."""
    out: dict[str, CatalogueItem] = {}
    for code, provider, name, category, unit, price in items:
        if code in out:
            raise InvalidArgument("catalogue", f"service code {code!r} is listed twice")
        try:
            kind = Category(category)
        except ValueError:
            raise InvalidArgument("category", f"park_operation, innovation or industry, got {category!r}") from None
        try:
            amount = to_decimal(price)
        except (TypeError, ValueError) as exc:
            raise InvalidArgument("price", f"{code}: {exc}") from None
        if amount <= 0:
            raise InvalidArgument("price", f"{code}: a price must be positive, got {amount}")
        out[code] = CatalogueItem(code, provider, name.strip(), kind, unit, amount)
    return out


def order(items: dict[str, CatalogueItem], order_id: str, buyer_zone: str, code: str, quantity: object,
          ordered_on: date) -> Order:
    """An order at today's catalogue price (its snapshot); refuses unknown services, a zone buying from
    itself and non-positive quantities."""
    item = items.get(code)
    if item is None:
        raise InvalidArgument("code", f"no service {code!r} in the catalogue")
    if buyer_zone == item.provider_zone:
        raise InvalidArgument("buyer_zone", f"{buyer_zone} provides {code} itself")
    try:
        amount = to_decimal(quantity)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("quantity", str(exc)) from None
    if amount <= 0:
        raise InvalidArgument("quantity", f"must be positive, got {amount}")
    return Order(order_id, buyer_zone, code, amount, ordered_on, item.price)


@dataclass(frozen=True)
class StatementLine:
    order_id: str
    ordered_on: date
    code: str
    name: str
    quantity: Decimal
    price: Decimal
    amount: Decimal  # quantity × price, rounded half-even to 1 yuan


@dataclass(frozen=True)
class Statement:
    """What ``buyer_zone`` owes ``provider_zone`` for orders in [start, end] (对账单)."""

    provider_zone: str
    buyer_zone: str
    start: date
    end: date
    lines: tuple[StatementLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def line_amount(quantity: Decimal, price: Decimal) -> Decimal:
    """What an order line costs: quantity × unit price, rounded half-even to 1 yuan (0.0001 万元)."""
    return (quantity * price).quantize(_CENT, rounding=ROUND_HALF_EVEN)


def statement(items: dict[str, CatalogueItem], orders: Sequence[Order], provider_zone: str, start: date,
              end: date) -> list[Statement]:
    """One statement per buyer of ``provider_zone``'s services ordered between ``start`` and ``end``
    (both included), each line priced at its order's unit price (the catalogue price for an order without
    one)."""
    if end < start:
        raise InvalidArgument("end", f"{end} is before {start}")
    by_buyer: dict[str, list[StatementLine]] = {}
    for o in sorted(orders, key=lambda o: (o.ordered_on, o.order_id)):
        item = items[o.code]
        if item.provider_zone != provider_zone or not start <= o.ordered_on <= end:
            continue
        price = item.price if o.unit_price is None else o.unit_price
        by_buyer.setdefault(o.buyer_zone, []).append(StatementLine(
            o.order_id, o.ordered_on, o.code, item.name, o.quantity, price, line_amount(o.quantity, price)))
    return [Statement(provider_zone, buyer, start, end, tuple(lines)) for buyer, lines in sorted(by_buyer.items())]
