"""Exact amounts: integer units of 0.0001 of an indicator's unit (for money 0.0001 万元 = 1 yuan), and
splits whose parts add up exactly to the whole (largest-remainder method, deterministic tie-break).

The scalar functions (:func:`to_units`, :func:`largest_remainder`) define the arithmetic; the column
functions (:func:`units_column`, :func:`split_in_two`, :func:`amount`) do the same on whole polars columns
and agree with them value for value (``tests/attribution/test_money.py`` checks it on random inputs).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np
import polars as pl

from parknet.errors import InvalidArgument
from parknet.store.types import SCALE, to_decimal

__all__ = ["AMOUNT", "UNIT_DIGITS", "to_units", "from_units", "largest_remainder", "units_column",
           "scaled_column", "amount", "split_in_two"]

#: Decimal places of a unit (SCALE = 10**UNIT_DIGITS) and the polars type of an amount.
UNIT_DIGITS = 4
AMOUNT = pl.Decimal(38, UNIT_DIGITS)
_INT64_MAX = 2**63 - 1


def to_units(value: object) -> int:
    """``value`` (Decimal, int, str or float shortest repr) as integer ten-thousandths; refuses more than
    4 decimal places instead of rounding silently."""
    try:
        return int(to_decimal(value) * SCALE)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("value", str(exc)) from None
    except ArithmeticError:  # an exponent beyond the decimal context, e.g. "9e999999999"
        raise InvalidArgument("value", f"too large: {value!r}") from None


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


def units_column(values: pl.Series) -> pl.Series:
    """Every value as :func:`to_units` converts it, as an ``Int64`` column; refuses what it refuses.

    Decimal, integer, float and plain decimal-string columns convert in polars; the rare values the fast
    conversion cannot vouch for (exponent notation, floats beyond 2³⁷, nulls, …) go through
    :func:`to_units` one by one, which converts them exactly or raises ``InvalidArgument("value", …)``.
    """
    fast = scaled_column(values, UNIT_DIGITS)
    slow = fast.is_null()
    if not slow.any():
        return fast
    exact = pl.Series([to_units(v) for v in values.filter(slow).to_list()], dtype=pl.Int64)
    return fast.scatter(slow.arg_true(), exact)


def scaled_column(values: pl.Series, digits: int) -> pl.Series:
    """``value · 10**digits`` as ``Int64`` where that is exact and the value is read as :func:`to_decimal`
    reads it (floats by their shortest repr); null where it is not (too many decimals, too large, not a
    plain number, null). Callers treat the nulls exactly, one by one.

    A float v is taken when |v| < 2^(51 − ⌈digits·log₂10⌉): then at most one number with ``digits``
    decimals rounds to v, so v's shortest repr is that number, k = round(v·10^digits) finds it and
    k/10^digits == v (one correctly rounded division) confirms it.
    """
    scale = 10**digits
    col = pl.col("v")
    dtype = values.dtype
    if dtype.is_integer():
        whole = col.cast(pl.Int64, strict=False)
        limit = _INT64_MAX // scale
        expr = pl.when(whole.is_between(-limit, limit)).then(whole * scale)
    elif dtype.is_float():
        # numpy, not polars: polars may divide by a literal as a multiplication by its reciprocal, which
        # is not correctly rounded, and the check needs the correctly rounded k / 10^digits
        real = values.cast(pl.Float64).to_numpy()
        bound = 2.0 ** (51 - math.ceil(digits * math.log2(10)))
        with np.errstate(invalid="ignore", over="ignore"):
            k = np.round(real * scale)
            exact = (np.abs(real) < bound) & (k / scale == real)
        return pl.Series(values.name, np.where(exact, k, np.nan)).fill_nan(None).cast(pl.Int64)
    elif isinstance(dtype, pl.Decimal):
        product = col * scale  # keeps the column's scale; null if it overflows
        whole = product.cast(pl.Int64, strict=False)
        exact = whole != -_INT64_MAX - 1
        expr = pl.when(exact if (dtype.scale or 0) <= digits else exact & (product % 1 == 0)).then(whole)
    elif dtype == pl.String:
        text = col.str.strip_chars()
        plain = text.str.contains(rf"^[+-]?[0-9]{{1,{18 - digits}}}(\.[0-9]{{0,{digits}}}0*)?$")
        expr = pl.when(plain).then((text.cast(pl.Decimal(38, digits), strict=False) * scale).cast(pl.Int64))
    else:
        return pl.repeat(None, len(values), dtype=pl.Int64, eager=True).alias(values.name)
    return pl.DataFrame({"v": values}).select(expr.cast(pl.Int64).alias(values.name)).to_series()


def amount(units: pl.Expr) -> pl.Expr:
    """Integer units (Int64 or Int128) as an exact ``Decimal(38, 4)`` amount."""
    return (units.cast(pl.Decimal(38, 0)) * pl.lit(Decimal(1) / SCALE, AMOUNT)).cast(AMOUNT)


def split_in_two(total: pl.Series, numerator: pl.Series, denominator: int, first_key: pl.Series,
                 second_key: pl.Series) -> pl.Series:
    """Per row, the first part of ``largest_remainder(total, [n/d, 1 − n/d], [first_key, second_key])``.

    With ``0 ≤ n ≤ d``: ⌊total·n/d⌋, plus the leftover unit when the fractional remainder r of total·n/d
    exceeds ½, or equals ½ and ``first_key ≤ second_key`` (smaller key first; equal keys: the first, as
    the stable sort in :func:`largest_remainder`). n = 0 gives 0 and n = d gives ``total``. The product
    total·n is taken in Int64 when max|total|·d fits, otherwise in Int128, so any Int64 total is exact.
    """
    frame = pl.DataFrame({"t": total, "n": numerator, "a": first_key, "b": second_key})
    largest = max(abs(frame["t"].max() or 0), abs(frame["t"].min() or 0))
    wide = pl.Int64 if largest * denominator <= _INT64_MAX else pl.Int128
    product = pl.col("t").cast(wide) * pl.col("n").cast(wide)
    twice_remainder = 2 * (product % denominator)
    leftover = (twice_remainder > denominator) | ((twice_remainder == denominator) & (pl.col("a") <= pl.col("b")))
    part = product // denominator + leftover.cast(wide)
    return frame.select(part.cast(pl.Int64).alias(total.name)).to_series()
