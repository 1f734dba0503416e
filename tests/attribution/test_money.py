"""The column arithmetic agrees with the scalar definitions value for value: ``split_in_two`` with
``largest_remainder``, ``units_column`` with ``to_units`` (same units, same refusals)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parknet.attribution import largest_remainder, split_in_two, to_units, units_column
from parknet.errors import InvalidArgument

INT64_MAX = 2**63 - 1
KEYS = st.sampled_from(["A", "B", "C"])  # few keys, so equal keys and ties by key come up often
# totals: small ones (exact halves are frequent), and the extremes of Int64 (the Int128 product path)
TOTALS = st.one_of(st.integers(-1000, 1000), st.integers(-INT64_MAX, INT64_MAX),
                   st.sampled_from([INT64_MAX, -INT64_MAX, INT64_MAX - 1, 2**62 + 1]))


def _reference(total: int, numerator: int, denominator: int, first: str, second: str) -> int:
    if numerator in (0, denominator):  # largest_remainder needs positive weights; the limits are exact
        return total if numerator else 0
    weights = [Fraction(numerator, denominator), 1 - Fraction(numerator, denominator)]
    return largest_remainder(total, weights, [first, second])[0]


@given(st.data(), st.sampled_from([120_000, 2, 12, 999_983]))
def test_split_in_two_is_largest_remainder_row_by_row(data: st.DataObject, denominator: int) -> None:
    # numerators include d/2 (origin share ½: an odd total leaves a remainder of exactly ½, tie by key)
    numerators = st.one_of(st.integers(0, denominator), st.just(denominator // 2))
    rows = data.draw(st.lists(st.tuples(TOTALS, numerators, KEYS, KEYS), min_size=1, max_size=40))
    totals, nums, firsts, seconds = (pl.Series(c) for c in zip(*rows))
    parts = split_in_two(totals.cast(pl.Int64), nums.cast(pl.Int64), denominator, firsts, seconds)
    assert parts.dtype == pl.Int64
    assert parts.to_list() == [_reference(*row[:2], denominator, *row[2:]) for row in rows]


def test_split_in_two_ties_go_to_the_smaller_key() -> None:
    # 7 units, half each: 3.5 / 3.5 → the leftover unit to the smaller key; equal keys → the first part
    parts = split_in_two(pl.Series([7, 7, 7, -7]), pl.Series([6, 6, 6, 6]), 12, pl.Series(["A", "B", "A", "A"]),
                         pl.Series(["B", "A", "A", "B"]))
    assert parts.to_list() == [4, 3, 4, -3]  # −3.5: ⌊−3.5⌋ = −4, +1 to the smaller key A → −3


def _expected(values: list[object]) -> list[int] | str:
    """to_units on each value, or the message of the first refusal."""
    out = []
    for v in values:
        try:
            out.append(to_units(v))
        except InvalidArgument as exc:
            return str(exc)
    return out


def _check(series: pl.Series) -> None:
    expected = _expected(series.to_list())
    if isinstance(expected, str):
        with pytest.raises(InvalidArgument) as caught:
            units_column(series)
        assert caught.value.argument == "value" and str(caught.value) == expected
    else:
        assert units_column(series).to_list() == expected


@given(st.lists(st.one_of(
    st.builds(lambda k, places: k / 10**places, st.integers(-10**15, 10**15), st.integers(0, 6)),
    st.floats(allow_nan=True, allow_infinity=True), st.none()), max_size=30))
def test_units_column_reads_floats_as_to_units(values: list[float | None]) -> None:
    _check(pl.Series(values, dtype=pl.Float64))


@given(st.lists(st.one_of(st.integers(-10**15, 10**15), st.integers(-(2**63), INT64_MAX)), max_size=30))
def test_units_column_reads_integers_as_to_units(values: list[int]) -> None:
    _check(pl.Series(values, dtype=pl.Int64))


@given(st.lists(st.decimals(-10**15, 10**15, places=6, allow_nan=False), max_size=30))
def test_units_column_reads_decimals_as_to_units(values: list[Decimal]) -> None:
    _check(pl.Series(values, dtype=pl.Decimal(38, 6)))


@given(st.lists(st.one_of(st.decimals(-10**15, 10**15, places=5, allow_nan=False).map(str),
                          st.text("0123456789.-+e _", max_size=12)), max_size=30))
def test_units_column_reads_strings_as_to_units(values: list[str]) -> None:
    _check(pl.Series(values, dtype=pl.String))


def test_units_column_reads_large_floats_by_their_shortest_repr() -> None:
    # beyond 2³⁷ the spacing of doubles nears 10⁻⁴: 552917255131.43 · 10⁴ rounds to …4301 in binary, while
    # to_units reads the repr "552917255131.43" → …4300; such values must take the exact path
    values = [552917255131.43, 27216342457669.0, 2.0**36 + 0.5]
    assert units_column(pl.Series(values)).to_list() == [5529172551314300, 272163424576690000, to_units(2.0**36 + 0.5)]


def test_an_exponent_beyond_the_decimal_context_is_too_large() -> None:
    # found by hypothesis: abs(Decimal("9e999999999")) overflows the decimal context (decimal.Overflow)
    with pytest.raises(InvalidArgument, match=r"value: too large: '9e999999999'"):
        units_column(pl.Series(["1", "9e999999999"]))


def test_units_column_refuses_a_fifth_decimal_and_names_the_value() -> None:
    # 0.00005 万元 is half a yuan: refused rather than rounded, as to_units does
    with pytest.raises(InvalidArgument, match=r"value: more than 4 decimal places: 1\.00005"):
        units_column(pl.Series([1.5, 1.00005]))
    assert units_column(pl.Series(["1.5", " 2 ", "3.10000", "1e3", "-0.0007"])).to_list() == [
        15000, 20000, 31000, 10_000_000, -7]
