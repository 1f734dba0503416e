"""Column types shared by the models.

``ExactDecimal`` keeps quantities exact on every backend: the value is stored as a 64-bit integer of
ten-thousandths (4 decimal places of the indicator's unit; for money 0.0001 万元 = 1 yuan), so sums in
SQL are exact on SQLite as well as PostgreSQL, and Python sees ``decimal.Decimal``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

__all__ = ["ExactDecimal", "SCALE", "to_decimal"]

SCALE = 10_000
_QUANTUM = Decimal("0.0001")
_MAX = Decimal(2**63 - 1) / SCALE


def to_decimal(value: Any) -> Decimal:
    """Convert ``value`` to a Decimal with at most 4 decimal places, refusing anything inexact.

    Floats go through ``repr`` (the shortest string that round-trips), so 0.1 becomes Decimal('0.1').
    """
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    elif isinstance(value, Decimal):
        d = value
    elif isinstance(value, bool):
        raise TypeError("a boolean is not a quantity")
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    else:
        try:
            d = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc

    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if d and d.adjusted() > 15:  # before any arithmetic: 9e999999999 would overflow the decimal context
        raise ValueError(f"too large: {value!r}")
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4 and d != d.quantize(_QUANTUM, rounding="ROUND_HALF_EVEN"):
        raise ValueError(f"more than 4 decimal places: {value!r}")
    if abs(d) > _MAX:
        raise ValueError(f"too large: {value!r}")
    return d


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal with 4 decimal places, stored as a scaled BIGINT (exact everywhere)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int(to_decimal(value) * SCALE)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / SCALE).normalize() if value % SCALE else Decimal(int(value) // SCALE)
