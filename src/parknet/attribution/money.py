"""Exact amounts: integer units of 0.0001 of an indicator's unit (for money 0.0001 万元 = 1 yuan), and
splits whose parts add up exactly to the whole (largest-remainder method, deterministic tie-break)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from parknet.errors import InvalidArgument
from parknet.store.types import SCALE, to_decimal

__all__ = ["to_units", "from_units", "largest_remainder"]


def to_units(value: object) -> int:
    """``value`` (Decimal, int, str or float shortest repr) as integer ten-thousandths; refuses more than
    4 decimal places instead of rounding silently."""
    try:
        return int(to_decimal(value) * SCALE)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("value", str(exc)) from None


def from_units(units: int) -> Decimal:
    return Decimal(units) / SCALE


def largest_remainder(total: int, weights: Sequence[Fraction], keys: Sequence[str]) -> list[int]:
    """Split the integer ``total`` into parts ∝ ``weights`` that add up exactly to ``total``.

    Hamilton's largest-remainder method: each part gets ⌊total·w_i/Σw⌋, and the units left over go one each
    to the largest fractional remainders; equal remainders go to the smaller key (deterministic).
    """
    if len(weights) != len(keys) or not weights:
        raise InvalidArgument("weights", "need one positive weight per key")
    if any(w <= 0 for w in weights):
        raise InvalidArgument("weights", "weights must be positive")
    whole = sum(weights, Fraction(0))
    exact = [Fraction(total) * w / whole for w in weights]
    parts = [int(e.numerator // e.denominator) for e in exact]
    left = total - sum(parts)
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - parts[i]), keys[i]))
    for i in order[:left]:
        parts[i] += 1
    return parts
