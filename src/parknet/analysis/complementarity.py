"""Complementarity of zone pairs by the article's three cooperation types (合作领域, §三).

For every ordered pair (leader L, partner P) three scores in [0, 1]:

- **科技赋能型 tech-enabling** T = g · (ω + b)/2 — g = max(0, S_L − S_P), the sci-tech resource gap, with
  S_z the mean percentile rank of the zone's R&D intensity (R&D/GDP), invention patents granted and talent
  density (R&D personnel/employees) among the zones scored; ω = the partner's mean density (Hidalgo et al.
  2007) in the leader's specialised industries (RCA ≥ 1) — how related the partner's industry is to the
  leader's technology strengths; b = the percentile rank of the partner's industrial output (carrying
  capacity). A rich leader, a poor partner that can still absorb the leader's technology.
- **产业链延补型 chain complement** K = mean of the three largest k_e over the upstream→downstream division
  links e = (a, b) of the curated chain maps (and, when given, input–output links) — the pair's three
  strongest chain links (a noisy-OR over all links saturated at 1 for any diversified pair), with
  k_e = max(s_L(a)·s_P(b)·w_P(b), s_P(a)·s_L(b)·w_L(b)): one zone specialised upstream, the other downstream;
  s_z(d) = RCA/(1 + RCA) (0.5 at RCA = 1); w_z(b) = 1 when the receiving zone z itself lacks the segment b
  (RCA < 1: the link fills a missing segment, 延链补链), 0.5 when it already has it.
- **跨界融合型 cross-sector fusion** F = max_k max(σ_L(A_k)·σ_P(B_k), σ_P(A_k)·σ_L(B_k)) over the fusion
  matrix's pairs k (sides A_k, B_k: sets of divisions), σ_z(X) = max_{d ∈ X} s_z(d): both zones strong in
  one side each of a fusable pair (AI × vehicles, digital × culture, agriculture × tourism …).

Scores are vectorised over all pairs; :meth:`PairScorer.explain` gives the reasons behind one pair's score
(the industries, chain segments and figures), in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from parknet.analysis.chains import FusionPair, load_chains, load_fusion
from parknet.analysis.relatedness import density, proximity, rca
from parknet.domain import CooperationType
from parknet.errors import InvalidArgument

__all__ = ["PairScorer", "TYPES", "specialisation"]

TYPES = tuple(t.value for t in CooperationType)  # tech_enabling, chain_complement, cross_fusion
_PROFILE = ("rd_intensity", "invention_patents_granted", "talent_density", "output")
_TOP_LINKS = 3  # the chain score averages the pair's three strongest links


def specialisation(rca_values: np.ndarray) -> np.ndarray:
    """s = RCA / (1 + RCA): 0 without the industry, 0.5 at RCA = 1, → 1 for strong specialisation."""
    r = np.nan_to_num(rca_values)
    return r / (1 + r)


def _percentile(x: np.ndarray) -> np.ndarray:
    """Percentile rank in [0, 1] (ties share their average rank; a single zone gets 0.5)."""
    if x.size == 1:
        return np.array([0.5])
    order = x.argsort(kind="stable")
    ranks = np.empty(x.size)
    ranks[order] = np.arange(x.size)
    values, inverse = np.unique(x, return_inverse=True)
    mean_rank = np.bincount(inverse, weights=ranks) / np.bincount(inverse)
    return mean_rank[inverse] / (x.size - 1)


@dataclass
class PairScorer:
    """Scores every (leader, partner) pair of ``zones`` by the three cooperation types.

    ``profiles``: one row per zone: ``zone_id, rd_intensity, invention_patents_granted, talent_density,
    output`` (output = industrial output, e.g. revenue). ``structure``: ``zone_id, industry, value`` (output
    by GB/T 4754 division or 4-digit class; relatedness uses the codes as given, chain and fusion links their
    divisions — the first two digits). ``io_links`` (optional): ``from_division, to_division, a`` — input–output links
    added to the chain maps' links with weight a / max(a).
    """

    profiles: pl.DataFrame
    structure: pl.DataFrame
    io_links: pl.DataFrame | None = None
    fusion: list[FusionPair] = field(default_factory=load_fusion)

    def __post_init__(self) -> None:
        missing = [c for c in ("zone_id", *_PROFILE) if c not in self.profiles.columns]
        if missing:
            raise InvalidArgument("profiles", f"missing columns {missing}")
        if not {"zone_id", "industry", "value"} <= set(self.structure.columns):
            raise InvalidArgument("structure", "needs columns zone_id, industry, value")
        self.zones = self.profiles["zone_id"].to_list()
        self._index = {z: i for i, z in enumerate(self.zones)}
        without = sorted(set(self.zones) - set(self.structure["zone_id"].unique().to_list()))
        self.without_structure = without  # zones scored on sci-tech only (no industry data)
        structure = self.structure.filter(pl.col("zone_id").is_in(self.zones))
        if structure.select(pl.col("value").lt(0).any()).item():
            raise InvalidArgument("structure", "output values must not be negative")
        # Relatedness (tech-enabling) at the industries' own level (divisions or 4-digit classes); chain and
        # fusion at the division level, where the chain maps and the fusion matrix are defined.
        self.industries, values = self._matrix(structure)
        self.mcp = (self._rca(values) >= 1).astype(float)
        phi = proximity(self.mcp) if self.mcp.shape[1] >= 2 else np.ones((self.mcp.shape[1],) * 2)
        self.density = np.nan_to_num(density(self.mcp, np.nan_to_num(phi)))
        self._cls_col = {d: j for j, d in enumerate(self.industries)}
        self.divisions, div_values = self._matrix(structure.with_columns(pl.col("industry").str.slice(0, 2)))
        self.rca = self._rca(div_values)
        self.spec = specialisation(self.rca)
        self._col = {d: j for j, d in enumerate(self.divisions)}
        self.base = _percentile(self.profiles["output"].fill_null(0).to_numpy().astype(float))
        sci = [_percentile(self.profiles[c].fill_null(0).to_numpy().astype(float)) for c in _PROFILE[:3]]
        self.sci = np.mean(sci, axis=0)
        self._sci_parts = dict(zip(_PROFILE[:3], sci))
        self._edges = self._chain_edges()

    def _matrix(self, structure: pl.DataFrame) -> tuple[list[str], np.ndarray]:
        """(industry codes, zones × industries output) with the profiles' zone order."""
        summed = structure.group_by("zone_id", "industry").agg(pl.col("value").sum())
        codes = sorted(summed["industry"].unique().to_list())
        values = np.zeros((len(self.zones), len(codes)))
        if codes:
            col = {c: j for j, c in enumerate(codes)}
            rows = np.array([self._index[z] for z in summed["zone_id"]], dtype=int)
            cols = np.array([col[c] for c in summed["industry"]], dtype=int)
            values[rows, cols] = summed["value"].to_numpy()
        return codes, values

    @staticmethod
    def _rca(values: np.ndarray) -> np.ndarray:
        has = values.sum(axis=1) > 0
        out = np.zeros_like(values)
        if has.sum() >= 2 and values.shape[1] >= 2:
            out[has] = np.nan_to_num(rca(values[has]))
        return out

    # --- links ------------------------------------------------------------------------------------
    def _chain_edges(self) -> list[tuple[int, int, float, tuple[str, str]]]:
        """(upstream column, downstream column, weight, label) of the division links present in the data."""
        chains = load_chains()
        edges: dict[tuple[int, int], tuple[float, str]] = {}
        for chain in chains.values():
            for up, down in chain.edges:
                a, b = chain.segment(up), chain.segment(down)
                for da in a.divisions:
                    for db in b.divisions:
                        if da != db and da in self._col and db in self._col:
                            label = (f"{chain.name}：{a.name}→{b.name}", f"{chain.name_en}: {a.name_en} → {b.name_en}")
                            edges.setdefault((self._col[da], self._col[db]), (1.0, label))
        if self.io_links is not None and self.io_links.height:
            top = float(self.io_links["a"].max() or 0) or 1.0
            for fd, td, a in self.io_links.select("from_division", "to_division", "a").iter_rows():
                if fd != td and fd in self._col and td in self._col and (self._col[fd], self._col[td]) not in edges:
                    edges[(self._col[fd], self._col[td])] = (min(1.0, a / top), ("投入产出联系", "input–output link"))
        return [(a, b, w, label) for (a, b), (w, label) in edges.items()]

    # --- scores -----------------------------------------------------------------------------------
    def _rows(self, zones: list[str], argument: str) -> np.ndarray:
        unknown = [z for z in zones if z not in self._index]
        if unknown:
            raise InvalidArgument(argument, f"zones not in profiles: {unknown[:5]}")
        return np.array([self._index[z] for z in zones], dtype=int)

    def tech_matrix(self, li: np.ndarray, pi: np.ndarray) -> np.ndarray:
        gap = np.clip(self.sci[li][:, None] - self.sci[pi][None, :], 0, None)
        strengths = self.mcp[li]
        n_strong = strengths.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            related = np.where(n_strong > 0, strengths @ self.density[pi].T / n_strong, 0.0)
        return gap * (related + self.base[pi][None, :]) / 2

    def _edge_terms(self, li: np.ndarray, pi: np.ndarray) -> np.ndarray:
        """k_e for every pair and edge: shape (leaders, partners, edges)."""
        if not self._edges:
            return np.zeros((li.size, pi.size, 0))
        a = np.array([e[0] for e in self._edges])
        b = np.array([e[1] for e in self._edges])
        w = np.array([e[2] for e in self._edges])
        sl, sp = self.spec[li], self.spec[pi]
        lack_p = np.where(self.rca[pi][:, b] < 1, 1.0, 0.5)  # partner lacks downstream segment b
        lack_l = np.where(self.rca[li][:, b] < 1, 1.0, 0.5)
        down = sl[:, a][:, None, :] * (sp[:, b] * lack_p)[None, :, :]  # leader upstream, partner downstream
        up = (sl[:, b] * lack_l)[:, None, :] * sp[:, a][None, :, :]  # partner upstream, leader downstream
        return np.maximum(down, up) * w

    def chain_matrix(self, li: np.ndarray, pi: np.ndarray) -> np.ndarray:
        terms = self._edge_terms(li, pi)
        if not terms.shape[2]:
            return np.zeros((li.size, pi.size))
        k = min(_TOP_LINKS, terms.shape[2])
        return np.sort(terms, axis=2)[:, :, -k:].sum(axis=2) / _TOP_LINKS

    def _fusion_terms(self, li: np.ndarray, pi: np.ndarray) -> np.ndarray:
        terms = []
        for pair in self.fusion:
            ca = [self._col[d] for d in pair.a.divisions if d in self._col]
            cb = [self._col[d] for d in pair.b.divisions if d in self._col]
            if not ca or not cb:
                terms.append(np.zeros((li.size, pi.size)))
                continue
            la, lb = self.spec[li][:, ca].max(axis=1), self.spec[li][:, cb].max(axis=1)
            pa, pb = self.spec[pi][:, ca].max(axis=1), self.spec[pi][:, cb].max(axis=1)
            terms.append(np.maximum(la[:, None] * pb[None, :], lb[:, None] * pa[None, :]))
        return np.stack(terms, axis=2) if terms else np.zeros((li.size, pi.size, 0))

    def fusion_matrix(self, li: np.ndarray, pi: np.ndarray) -> np.ndarray:
        terms = self._fusion_terms(li, pi)
        return terms.max(axis=2) if terms.shape[2] else np.zeros((li.size, pi.size))

    def scores(self, leaders: list[str], partners: list[str]) -> pl.DataFrame:
        """``leader, partner, tech_enabling, chain_complement, cross_fusion`` for every leader × partner
        (a zone is not paired with itself). Partners without industry data get null chain/fusion scores."""
        li, pi = self._rows(leaders, "leaders"), self._rows(partners, "partners")
        t, k, f = self.tech_matrix(li, pi), self.chain_matrix(li, pi), self.fusion_matrix(li, pi)
        no_data = np.array([p in self.without_structure for p in partners])
        k[:, no_data] = np.nan
        f[:, no_data] = np.nan
        frame = pl.DataFrame({
            "leader": np.repeat(leaders, len(partners)), "partner": np.tile(partners, len(leaders)),
            "tech_enabling": t.ravel(), "chain_complement": k.ravel(), "cross_fusion": f.ravel()})
        return frame.filter(pl.col("leader") != pl.col("partner")).with_columns(pl.col(TYPES).fill_nan(None))

    # --- reasons ----------------------------------------------------------------------------------
    def explain(self, leader: str, partner: str, top: int = 3) -> dict[str, list[str]]:
        """The reasons behind each of the pair's three scores (zh / en): figures, industries, chain links."""
        li, pi = self._rows([leader], "leader"), self._rows([partner], "partner")
        reasons: dict[str, list[str]] = {}
        parts = ", ".join(f"{k} {self._sci_parts[k][li[0]]:.2f} vs {self._sci_parts[k][pi[0]]:.2f}"
                          for k in _PROFILE[:3])
        strong = [self.industries[j] for j in np.flatnonzero(self.mcp[li[0]])]
        related = sorted(strong, key=lambda d: -self.density[pi[0], self._cls_col[d]])[:top]
        reasons["tech_enabling"] = [
            f"科技资源指数 {self.sci[li[0]]:.2f} 对 {self.sci[pi[0]]:.2f}（百分位：{parts}） / sci-tech index "
            f"{self.sci[li[0]]:.2f} vs {self.sci[pi[0]]:.2f} (percentiles: {parts})",
            f"伙伴产业承载力百分位 {self.base[pi[0]]:.2f} / partner's industrial carrying capacity percentile "
            f"{self.base[pi[0]]:.2f}",
            "伙伴与牵头园区优势产业最相关的行业 / partner's density in the leader's strongest related industries: "
            + ", ".join(f"{d} ({self.density[pi[0], self._cls_col[d]]:.2f})" for d in related),
        ]
        terms = self._edge_terms(li, pi)[0, 0]
        best = np.argsort(-terms)[:top] if terms.size else []
        reasons["chain_complement"] = []
        for e in best:
            if terms[e] <= 0:
                continue
            (zh, en), up, down = self._edges[e][3], self.divisions[self._edges[e][0]], self.divisions[self._edges[e][1]]
            fills = self.rca[pi[0], self._edges[e][1]] < 1 or self.rca[li[0], self._edges[e][1]] < 1
            note = ("，补链" if fills else "", ", fills a missing segment" if fills else "")
            reasons["chain_complement"].append(f"{zh}（{up}→{down}，强度 {terms[e]:.2f}{note[0]}） / "
                                               f"{en} ({up}→{down}, strength {terms[e]:.2f}{note[1]})")
        fusion = self._fusion_terms(li, pi)[0, 0]
        order = np.argsort(-fusion)[:top] if fusion.size else []
        reasons["cross_fusion"] = [
            f"{self.fusion[k].name}（{self.fusion[k].a.label} × {self.fusion[k].b.label}，强度 {fusion[k]:.2f}） / "
            f"{self.fusion[k].name_en}, strength {fusion[k]:.2f}" for k in order if fusion[k] > 0]
        return reasons

    def to_dict(self) -> dict[str, Any]:
        return {"zones": len(self.zones), "industries": len(self.industries), "divisions": len(self.divisions),
                "chain_links": len(self._edges),
                "fusion_pairs": len(self.fusion), "without_structure": self.without_structure}
