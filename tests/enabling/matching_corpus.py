"""The labelled evaluation set of the sci-tech matching (``parknet.enabling.matching``).

``data/matching_corpus.csv``: 304 synthetic technology records (技术库) written by hand across eight
industry chains — new-energy vehicles and power batteries (EV), integrated circuits (IC), optoelectronics
(OE), biomedicine (BIO), new materials (MAT), intelligent manufacturing and industrial robots (IM), software
and information services (SW), modern agriculture (AG) — with GB/T 4754 division codes. Near-misses are
deliberate: photovoltaic cells beside power batteries, pharmaceutical beside agricultural cold chains,
plastic and PV-module recycling beside battery recycling.

``data/matching_queries.json``: 62 demands of a lagging zone in Chinese, each with graded judgements over
the corpus ids (2 = highly relevant, 1 = partly relevant, unlisted = not relevant), judged from the records'
text before the matcher was run on them. Synthetic: not a published benchmark.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

DATA = Path(__file__).parent / "data"


def records() -> pl.DataFrame:
    """The corpus: ``id, industry_codes`` (comma-separated divisions), ``title, description``."""
    return pl.read_csv(DATA / "matching_corpus.csv", infer_schema_length=0)


def queries() -> list[tuple[str, str, dict[str, int]]]:
    """``(query_id, text, {record_id: grade})`` for every query."""
    data = json.loads((DATA / "matching_queries.json").read_text(encoding="utf-8"))
    return [(q["id"], q["text"], q["judgements"]) for q in data["queries"]]
