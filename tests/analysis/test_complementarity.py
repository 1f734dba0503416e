"""Complementarity scores: each type rewards what the article says it should, stays in [0, 1], and explains
itself."""

from __future__ import annotations

import polars as pl
import pytest

from parknet.analysis.complementarity import PairScorer
from parknet.errors import InvalidArgument

# A: rich in sci-tech, strong in batteries (38) and software (65); B: vehicle maker (36), little R&D;
# C: agriculture (01) and food (13); D: as rich in sci-tech as A, also in batteries; E: no industry data.
PROFILES = pl.DataFrame({
    "zone_id": ["A", "B", "C", "D", "E"],
    "rd_intensity": [0.08, 0.01, 0.005, 0.09, 0.01],
    "invention_patents_granted": [5000, 50, 10, 4000, 5],
    "talent_density": [0.2, 0.02, 0.01, 0.25, 0.02],
    "output": [9e6, 6e6, 1e6, 8e6, 5e5],
})
STRUCTURE = pl.DataFrame({
    "zone_id": ["A", "A", "A", "B", "B", "C", "C", "D", "D"],
    "industry": ["38", "65", "13", "36", "13", "01", "13", "38", "39"],
    "value": [5e6, 3e6, 1e6, 5e6, 1e6, 6e5, 4e5, 6e6, 2e6],
})


@pytest.fixture(scope="module")
def scorer() -> PairScorer:
    return PairScorer(PROFILES, STRUCTURE)


def score(scorer: PairScorer, leader: str, partner: str, kind: str) -> float:
    frame = scorer.scores([leader], [partner])
    return frame[kind].item()


def test_scores_are_in_unit_interval_and_skip_self_pairs(scorer: PairScorer) -> None:
    frame = scorer.scores(["A", "D"], ["A", "B", "C", "D", "E"])
    assert frame.height == 8
    for kind in ("tech_enabling", "chain_complement", "cross_fusion"):
        values = frame[kind].drop_nulls()
        assert ((values >= 0) & (values <= 1)).all()


def test_tech_enabling_rewards_a_gap_and_carrying_capacity(scorer: PairScorer) -> None:
    assert score(scorer, "A", "B", "tech_enabling") > 0 and score(scorer, "A", "C", "tech_enabling") > 0
    assert score(scorer, "A", "D", "tech_enabling") == 0  # no sci-tech gap to a peer that is richer
    assert score(scorer, "B", "A", "tech_enabling") == 0  # the poor zone cannot enable the rich one
    # same gap, less industrial carrying capacity → a lower score
    smaller_b = PairScorer(PROFILES.with_columns(pl.when(pl.col("zone_id") == "B").then(1.0)
                                                 .otherwise(pl.col("output")).alias("output")), STRUCTURE)
    assert score(smaller_b, "A", "B", "tech_enabling") < score(scorer, "A", "B", "tech_enabling")


def test_chain_complement_links_battery_and_vehicle_makers(scorer: PairScorer) -> None:
    assert score(scorer, "A", "B", "chain_complement") > score(scorer, "A", "C", "chain_complement")
    reasons = scorer.explain("A", "B")["chain_complement"]
    assert any("38→36" in r and "新能源汽车" in r for r in reasons)


def test_cross_fusion_finds_software_times_vehicles(scorer: PairScorer) -> None:
    assert score(scorer, "A", "B", "cross_fusion") > score(scorer, "D", "C", "cross_fusion")
    assert any("智能网联汽车" in r for r in scorer.explain("A", "B")["cross_fusion"])


def test_partner_without_industry_data_gets_null_chain_and_fusion(scorer: PairScorer) -> None:
    row = scorer.scores(["A"], ["E"]).row(0, named=True)
    assert row["chain_complement"] is None and row["cross_fusion"] is None
    assert row["tech_enabling"] is not None and scorer.without_structure == ["E"]


def test_reasons_are_bilingual_and_carry_figures(scorer: PairScorer) -> None:
    reasons = scorer.explain("A", "B")
    assert set(reasons) == {"tech_enabling", "chain_complement", "cross_fusion"}
    assert all(" / " in r for rs in reasons.values() for r in rs)
    assert "科技资源指数" in reasons["tech_enabling"][0]


def test_bad_input(scorer: PairScorer) -> None:
    with pytest.raises(InvalidArgument, match="profiles"):
        PairScorer(PROFILES.drop("output"), STRUCTURE)
    with pytest.raises(InvalidArgument, match="structure"):
        PairScorer(PROFILES, STRUCTURE.rename({"value": "x"}))
    with pytest.raises(InvalidArgument) as info:
        scorer.scores(["Z"], ["A"])
    assert info.value.argument == "leaders"
