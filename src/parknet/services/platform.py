"""The leading zone's platform company (领头园区平台公司) in the store: its service catalogue (服务目录),
partner zones' orders (服务订单) and statements per period (对账单); the rules are those of
:mod:`parknet.enabling.platform`.

An order keeps the catalogue's unit price of the day it was placed (``PlatformOrder.unit_price``), so a later
price change never rewrites a statement. Amounts are exact: quantity × unit price rounded half-even to 1 yuan
(0.0001 万元). Only a partner can order: the buyer must be another zone of the provider's province network
(the 1+N network of :func:`parknet.services.network.leading_zones`) — the article's platform company opens
the leading zone's services to its partners, not to the whole country. A zone admin orders for its own zone
only; the province admin for any zone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from parknet.enabling import platform as core
from parknet.errors import Forbidden, InvalidArgument
from parknet.services.accounts import Principal
from parknet.services.tickets import serial_id
from parknet.services.zones import require_zone
from parknet.store import audit, models
from parknet.store.enabling import PlatformOrder, PlatformService

__all__ = ["catalogue", "place_order", "orders", "statement"]

_S, _O = PlatformService.__table__, PlatformOrder.__table__


def _items(rows: list[Any]) -> dict[str, core.CatalogueItem]:
    return core.catalogue((r.code, r.provider_zone, r.name, r.category, r.unit, r.price) for r in rows)


def catalogue(engine: Engine, provider_zone: str | None = None) -> list[dict[str, Any]]:
    """The catalogue (all providers, or one), by provider, category and code; prices per unit in 万元."""
    stmt = select(_S).order_by(_S.c.provider_zone, _S.c.category, _S.c.code)
    if provider_zone:
        stmt = stmt.where(_S.c.provider_zone == provider_zone)
    with engine.connect() as conn:
        if provider_zone:
            require_zone(conn, provider_zone)
        rows = conn.execute(stmt).all()
    return [{"code": r.code, "provider_zone": r.provider_zone, "name": r.name, "category": r.category,
             "unit": r.unit, "price": r.price, "is_synthetic": r.is_synthetic} for r in rows]


def _check_partner(engine: Engine, buyer_zone: str, provider_zone: str) -> None:
    """The buyer must be another member of the provider's province network (a partner zone)."""
    from parknet.services.network import leading_zones

    with engine.connect() as conn:
        province = conn.execute(select(models.Zone.province_code).where(models.Zone.id == provider_zone)).scalar()
        if conn.execute(select(models.Zone.id).where(models.Zone.id == buyer_zone)).scalar() is None:
            raise InvalidArgument("buyer_zone", f"unknown zone {buyer_zone!r}")
    network = leading_zones(engine).get(province, {"leaders": [], "members": []})
    if buyer_zone not in network["members"]:
        led = ", ".join(network["leaders"]) or "—"
        raise InvalidArgument("buyer_zone", f"{buyer_zone} is not a partner in the 1+N network of province "
                                            f"{province} (led by {led}), where {provider_zone} sells its services")


def place_order(engine: Engine, principal: Principal, buyer_zone: str, code: str, quantity: Any,
                ordered_on: date | None = None, *, is_synthetic: bool = False) -> str:
    """A partner zone orders ``quantity`` units of service ``code`` at today's catalogue price; returns the
    order id ``OD-YYYY-NNNNN``. Audited; refused (nothing written) for a zone admin ordering for another zone,
    a buyer that is the provider or outside its province network, an unknown service, a non-positive
    quantity, or a date in the future."""
    if principal.role not in ("admin", "zone_admin"):
        raise Forbidden(f"{principal.username} ({principal.role}) may not order platform services")
    if principal.role == "zone_admin" and principal.zone_id != buyer_zone:
        raise Forbidden(f"{principal.username} is the zone admin of {principal.zone_id}; it orders for "
                        f"{principal.zone_id} only, not for {buyer_zone}")
    day = ordered_on or date.today()
    if day > date.today():
        raise InvalidArgument("ordered_on", f"{day} is in the future")
    with engine.connect() as conn:
        rows = conn.execute(select(_S).where(_S.c.code == code)).all()
    placed = core.order(_items(rows), "new", buyer_zone, code, quantity, day)
    _check_partner(engine, buyer_zone, rows[0].provider_zone)
    with engine.begin() as conn:
        price = placed.unit_price  # the catalogue price of the day: the order's snapshot
        order_id = serial_id(conn, _O.c.id, f"OD-{day.year}-")
        values = {"id": order_id, "buyer_zone": buyer_zone, "code": code, "quantity": placed.quantity,
                  "unit_price": price, "ordered_on": day, "is_synthetic": is_synthetic}
        conn.execute(_O.insert().values(**values))
        audit.append(conn, actor=principal.username, action="order", entity="platform_order", entity_key=order_id,
                     after={**values, "ordered_on": day.isoformat(), "provider_zone": rows[0].provider_zone,
                            "amount": core.line_amount(placed.quantity, price)})
    return order_id


def orders(engine: Engine, buyer_zone: str | None = None, provider_zone: str | None = None, *,
           zone: str | None = None) -> list[dict[str, Any]]:
    """Orders newest first, each with its service, provider, unit price (as ordered) and exact amount;
    filtered by buyer, provider, or ``zone`` on either side."""
    stmt = (select(_O, _S.c.provider_zone, _S.c.name, _S.c.category, _S.c.unit).join(_S, _S.c.code == _O.c.code)
            .order_by(_O.c.ordered_on.desc(), _O.c.id.desc()))
    if buyer_zone:
        stmt = stmt.where(_O.c.buyer_zone == buyer_zone)
    if provider_zone:
        stmt = stmt.where(_S.c.provider_zone == provider_zone)
    if zone:
        stmt = stmt.where((_O.c.buyer_zone == zone) | (_S.c.provider_zone == zone))
    with engine.connect() as conn:
        for given in (buyer_zone, provider_zone, zone):
            if given:
                require_zone(conn, given)
        rows = conn.execute(stmt).all()
    return [{"id": r.id, "buyer_zone": r.buyer_zone, "provider_zone": r.provider_zone, "code": r.code,
             "name": r.name, "category": r.category, "unit": r.unit, "quantity": r.quantity,
             "unit_price": r.unit_price, "amount": core.line_amount(r.quantity, r.unit_price),
             "ordered_on": r.ordered_on.isoformat(), "is_synthetic": r.is_synthetic} for r in rows]


def statement(engine: Engine, provider_zone: str, start: date, end: date) -> dict[str, Any]:
    """What each buyer owes ``provider_zone`` for orders placed in [start, end] (对账单): one block per buyer
    with its lines (quantity × unit price as ordered = amount, half-even to 1 yuan) and total, and the grand
    total (the sum of the rounded lines, so every figure adds up exactly)."""
    with engine.connect() as conn:
        require_zone(conn, provider_zone)
        services = conn.execute(select(_S).where(_S.c.provider_zone == provider_zone)).all()
        rows = conn.execute(select(_O).where(_O.c.code.in_([s.code for s in services]),
                                             _O.c.ordered_on >= start, _O.c.ordered_on <= end)).all()
    placed = [core.Order(r.id, r.buyer_zone, r.code, r.quantity, r.ordered_on, r.unit_price) for r in rows]
    blocks = core.statement(_items(services), placed, provider_zone, start, end)
    buyers = [{"buyer_zone": b.buyer_zone, "total": b.total,
               "lines": [{"order_id": line.order_id, "ordered_on": line.ordered_on.isoformat(), "code": line.code,
                          "name": line.name, "quantity": line.quantity, "unit_price": line.price,
                          "amount": line.amount} for line in b.lines]} for b in blocks]
    return {"provider_zone": provider_zone, "start": start.isoformat(), "end": end.isoformat(), "buyers": buyers,
            "grand_total": sum((b["total"] for b in buyers), Decimal(0)),
            "rounding": "amount = quantity × unit price (as ordered), rounded half-even to 1 yuan (0.0001 万元)"}
