"""Look-through ownership: hand-derived U = E(I − A)⁻¹ for mutual holdings, a two-group cross-holding and a
pyramid; control by the > 50% chain rule; dividends conserved to the 0.0001; bad holdings refused with a
message naming the company."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from parknet.errors import InvalidArgument
from parknet.sharing.ownership import control, dividend_flows, look_through


def holdings(*rows: tuple[str, str, float]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"holder": pl.String, "company": pl.String, "share": pl.Float64},
                        orient="row")


MUTUAL = holdings(("C1", "C2", 0.5), ("C2", "C1", 0.5), ("O1", "C1", 0.5), ("O2", "C2", 0.5))
GROUPS = holdings(("G1", "F1", 0.7), ("G2", "F2", 0.8), ("F1", "F2", 0.2), ("F2", "F1", 0.3))
PYRAMID = holdings(("G", "F1", 0.6), ("F1", "F2", 0.5))


def as_dict(frame: pl.DataFrame, value: str = "share") -> dict[tuple[str, str], float]:
    return {(o, c): x for o, c, x in frame.select("owner", "company", value).iter_rows()}


def test_mutual_holding_with_outsiders() -> None:
    result = look_through(MUTUAL)
    assert result.columns == ["owner", "company", "share"]
    assert as_dict(result) == pytest.approx({("O1", "C1"): 2 / 3, ("O1", "C2"): 1 / 3,
                                             ("O2", "C1"): 1 / 3, ("O2", "C2"): 2 / 3}, abs=1e-12)


def test_two_groups_with_cross_holdings() -> None:
    # (I − A)⁻¹ = [[1, 0.2], [0.3, 1]] / 0.94
    assert as_dict(look_through(GROUPS)) == pytest.approx({
        ("G1", "F1"): 0.7 / 0.94, ("G1", "F2"): 0.14 / 0.94,
        ("G2", "F1"): 0.24 / 0.94, ("G2", "F2"): 0.8 / 0.94}, abs=1e-12)
    rounded = look_through(GROUPS).with_columns(pl.col("share").round(4))
    assert rounded["share"].to_list() == [0.7447, 0.1489, 0.2553, 0.8511]


def test_pyramid_multiplies_along_the_chain() -> None:
    assert as_dict(look_through(PYRAMID)) == pytest.approx({("G", "F1"): 0.6, ("G", "F2"): 0.3})


def test_look_through_equals_the_sum_over_chains() -> None:
    rng = np.random.default_rng(5)
    a = rng.random((6, 6)) * (rng.random((6, 6)) < 0.4)
    np.fill_diagonal(a, 0)
    a *= 0.8 / np.maximum(a.sum(axis=0), 1)  # companies hold at most 80% of each company
    e = rng.random((3, 6)) * 0.2 / 3
    rows = [(f"F{j}", f"F{k}", a[j, k]) for j in range(6) for k in range(6) if a[j, k] > 0]
    rows += [(f"Z{o}", f"F{k}", e[o, k]) for o in range(3) for k in range(6)]
    series = e.copy()
    power = e.copy()
    for _ in range(400):
        power = power @ a
        series += power
    expected = {(f"Z{o}", f"F{k}"): series[o, k] for o in range(3) for k in range(6)}
    assert as_dict(look_through(holdings(*rows))) == pytest.approx(expected, abs=1e-12)


def test_control_follows_majority_chains_only() -> None:
    chain = holdings(("G", "F1", 0.6), ("F1", "F2", 0.51), ("F2", "F3", 0.3), ("G", "F3", 0.25),
                     ("H", "F3", 0.45))
    assert as_dict(control(chain), "votes") == pytest.approx({("G", "F1"): 0.6, ("G", "F2"): 0.51,
                                                              ("G", "F3"): 0.55})
    assert control(PYRAMID)["company"].to_list() == ["F1"]  # exactly 50% of F2 is not control
    assert as_dict(control(GROUPS), "direct") == {("G1", "F1"): 0.7, ("G2", "F2"): 0.8}


def test_dividends_reach_owners_and_are_conserved_per_company() -> None:
    paid = pl.DataFrame({"company": ["F1", "F2"], "amount": [Decimal("100"), Decimal("50")]})
    flows = dividend_flows(GROUPS, paid, by_company=True)
    assert flows.schema == {"owner": pl.String, "company": pl.String, "amount": pl.Decimal(38, 4)}
    assert as_dict(flows, "amount") == {("G1", "F1"): Decimal("74.4681"), ("G1", "F2"): Decimal("7.4468"),
                                        ("G2", "F1"): Decimal("25.5319"), ("G2", "F2"): Decimal("42.5532")}
    totals = dividend_flows(GROUPS, paid)
    assert totals.rows() == [("G1", Decimal("81.9149")), ("G2", Decimal("68.0851"))]
    # one unit cannot be split 2/3 : 1/3; it goes whole to the larger share
    mutual = dividend_flows(MUTUAL, pl.DataFrame({"company": ["C1"], "amount": [0.0001]}))
    assert mutual.rows() == [("O1", Decimal("0.0001")), ("O2", Decimal("0"))]
    # half of F2 is held by no one listed: that part is not paid to a listed owner
    outside = dividend_flows(PYRAMID, pl.DataFrame({"company": ["F2"], "amount": [1000]}))
    assert outside.rows() == [("G", Decimal("300"))]
    # 0.3 × 1.2345 = 0.37035: an exact half-unit tie between G and the outside holders goes to G
    tie = dividend_flows(PYRAMID, pl.DataFrame({"company": ["F2"], "amount": ["1.2345"]}))
    assert tie.rows() == [("G", Decimal("0.3704"))]


@pytest.mark.parametrize(("frame", "message"), [
    (holdings(("G", "F", 0.7), ("H", "F", 0.6)), r"shares of company F add up to 130\.0000%, more than 100%"),
    (holdings(("A", "B", 1.0), ("B", "A", 1.0)), r"companies A, B hold all of each other's shares"),
    (holdings(("A", "B", 1.0), ("B", "A", 1.0), ("A", "C", 0.5), ("G", "C", 0.5)),
     r"companies A, B hold all .*spectral radius 1"),
    (holdings(("G", "F", 60.0)), r"share 60\.0 of G in F is outside \[0, 1\]"),
    (holdings(("F", "F", 0.1)), "company F holds itself"),
    (holdings(("G", "F", 0.1), ("G", "F", 0.2)), "G holds F in more than one row"),
    (pl.DataFrame({"holder": ["G"], "company": ["F"]}), r"missing columns \['share'\]"),
])
def test_bad_holdings_are_refused_with_a_message(frame: pl.DataFrame, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        look_through(frame)


def test_bad_dividends_are_refused() -> None:
    with pytest.raises(InvalidArgument, match=r"companies X are not held by anyone"):
        dividend_flows(GROUPS, pl.DataFrame({"company": ["X"], "amount": [1]}))
    with pytest.raises(InvalidArgument, match="dividend of F1 is negative"):
        dividend_flows(GROUPS, pl.DataFrame({"company": ["F1"], "amount": [-1]}))
    with pytest.raises(InvalidArgument, match=r"^dividends: amount: more than 4 decimal places"):
        dividend_flows(GROUPS, pl.DataFrame({"company": ["F1"], "amount": ["1.23456"]}))
