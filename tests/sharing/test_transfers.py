"""Settlement of a co-built project, with numbers computed by hand: the fair allocation, transfers against the
default split by investment, provincial direct support, compensation to individual rationality, an empty
core, a game that is not superadditive, and exact money."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest

from parknet.errors import InvalidArgument
from parknet.sharing.transfers import round_to_total, settle


def _values(**by_coalition: str) -> dict[frozenset[str], D]:
    return {frozenset(k.split("_")): D(v) for k, v in by_coalition.items()}


def _by_zone(settlement) -> dict[str, dict]:  # noqa: ANN001
    return {p.zone_id: p for p in settlement.partners}


# leader A alone earns 150, lagging B alone 10, together 200; equal investments 500 / 500
LEADER_LOSES = _values(A="150", B="10", A_B="200")
INVEST = {"A": D(500), "B": D(500)}


def test_shapley_transfers_and_support_by_hand() -> None:
    # Shapley: A = 150 + (200 − 160)/2 = 170, B = 10 + 20 = 30; default split 100 / 100 → transfers +70 / −70
    s = settle(INVEST, LEADER_LOSES, method="shapley", direct_support_ratio=D("0.1"))
    a, b = _by_zone(s)["A"], _by_zone(s)["B"]
    assert (a.allocation, b.allocation) == (D("170.0000"), D("30.0000"))
    assert (a.default_share, b.default_share) == (D("100.0000"), D("100.0000"))
    assert (a.transfer, b.transfer) == (D("70.0000"), D("-70.0000"))
    assert a.loses_out and not b.loses_out  # 100 < 150 under the default split
    assert (a.compensation, b.compensation) == (0, 0)
    assert s.direct_support == D("100.0000") and s.compensation_total == 0  # 0.1 × 1000
    assert not s.core_empty and s.in_core and s.superadditive
    assert any("吃亏" in step and "A" in step for step in s.steps)


def test_proportional_split_needs_provincial_compensation() -> None:
    # by investment A gets 100 < its stand-alone 150: the province compensates 50 (individual rationality)
    s = settle(INVEST, LEADER_LOSES, method="proportional")
    a = _by_zone(s)["A"]
    assert a.allocation == D("100.0000") and a.transfer == 0 and a.compensation == D("50.0000")
    assert s.compensation_total == D("50.0000") and not s.in_core


def test_nucleolus_of_two_partners_is_the_standard_solution() -> None:
    # two players: each gets its stand-alone value plus half the surplus, as Shapley
    s = settle({"A": D(600), "B": D(400)}, _values(A="100", B="20", A_B="200"), method="nucleolus")
    assert [p.allocation for p in s.partners] == [D("140.0000"), D("60.0000")]
    assert [p.transfer for p in s.partners] == [D("20.0000"), D("-20.0000")]  # default 120 / 80


def test_an_empty_core_is_flagged_with_the_objecting_coalition() -> None:
    # majority game: any two earn 1, all three also 1 → the core is empty, least-core ε = 1/3
    v = _values(A="0", B="0", C="0", A_B="1", A_C="1", B_C="1", A_B_C="1")
    s = settle({"A": D(1), "B": D(1), "C": D(1)}, v)
    assert s.core_empty and s.least_core_epsilon == pytest.approx(1 / 3)
    assert sum(p.allocation for p in s.partners) == D(1)  # 0.3334 + 0.3333 + 0.3333, exact
    assert sorted(p.allocation for p in s.partners) == [D("0.3333"), D("0.3333"), D("0.3334")]
    assert any("core is empty" in w for w in s.warnings)


def test_a_game_that_is_not_superadditive_is_solved_with_a_warning() -> None:
    # Peleg–Sudhölter: v({1,2}) = 10, v(N) = 2 → nucleolus (1, 1, 0)
    v = _values(P1="0", P2="0", P3="0", P1_P2="10", P1_P3="0", P2_P3="0", P1_P2_P3="2")
    s = settle({"P1": D(1), "P2": D(1), "P3": D(1)}, v, method="nucleolus")
    assert [p.allocation for p in s.partners] == [D(1), D(1), D(0)]
    assert not s.superadditive and any("not superadditive" in w for w in s.warnings)


def test_bad_input_names_the_argument() -> None:
    with pytest.raises(InvalidArgument, match="2 of 7 coalitions have no value: B\\+C; A\\+B\\+C"):
        settle({"A": D(1), "B": D(1), "C": D(1)}, _values(A="0", B="0", C="0", A_B="1", A_C="1"))
    with pytest.raises(InvalidArgument, match="not partners: \\['Z'\\]"):
        settle(INVEST, {**LEADER_LOSES, frozenset({"Z"}): D(1)})
    with pytest.raises(InvalidArgument, match="method"):
        settle(INVEST, LEADER_LOSES, method="coin_toss")
    with pytest.raises(InvalidArgument, match="at least two partners"):
        settle({"A": D(1)}, _values(A="1"))


def test_round_to_total_keeps_the_sum_and_breaks_ties_by_key() -> None:
    assert round_to_total([Fraction(1, 3)] * 3, 1, ["b", "a", "c"]) == [0, 1, 0]
    assert round_to_total([Fraction(-5, 2), Fraction(7, 2)], 1, ["x", "y"]) == [-2, 3]
    with pytest.raises(InvalidArgument, match="add up"):
        round_to_total([1.0, 1.0], 10, ["a", "b"])
