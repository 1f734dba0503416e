"""Industry-chain maps (产业链图谱) and the cross-sector fusion matrix (跨界融合矩阵).

The article 《国家高新区引领区域协同发展的构想》 names three ways zones cooperate; two of them need to know
how industries connect. Chain extension/complement (产业链延补型) pairs zones at upstream and downstream
positions of one industry chain; cross-sector fusion (跨界融合型: 三产融合, 智能+, 文创+) pairs zones whose
industries combine into a new one. This module loads the two curated data files that encode those
connections in GB/T 4754-2017 divisions (大类), the codes zone and enterprise data are classified in:

- ``data/chains/chains.json`` — industry chains, each a DAG of segments (环节) from upstream to downstream. The
  segmentation follows the national plans named in each chain's ``sources`` (e.g. 《新能源汽车产业发展规划
  （2021—2035年）》, 《“十四五”机器人产业发展规划》) and 《战略性新兴产业分类(2018)》.
- ``data/chains/fusion.json`` — pairs of division groups whose fusion forms a new industry (AI software 64/65
  × vehicle manufacturing 36 → intelligent connected vehicles), after 国发〔2015〕40号 (互联网+),
  国办发〔2015〕93号 (农村一二三产业融合) and 国发〔2014〕10号 (文化创意和设计服务融合).

Both are ParkNet's simplification: a segment's firms are classified in the divisions listed, but a
division also serves other chains and other segments (see ``docs/chains.md``). The files are checked
against their schema at load; a broken file raises :class:`DataError` naming the file, the chain or pair,
the segment and the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from parknet.data import reference
from parknet.errors import DataError, InvalidArgument, NotFound

__all__ = [
    "CHAINS_FILE",
    "FUSION_FILE",
    "MIN_SEGMENTS",
    "Stage",
    "Segment",
    "Chain",
    "FusionKind",
    "FusionSide",
    "FusionPair",
    "DataError",
    "check_chains",
    "check_fusion",
    "load_chains",
    "load_fusion",
    "chains_for_division",
    "division_links",
]

_DIR = Path(__file__).resolve().parents[1] / "data" / "chains"
CHAINS_FILE = _DIR / "chains.json"
FUSION_FILE = _DIR / "fusion.json"

#: A chain of fewer segments is too coarse to tell upstream zones from downstream ones.
MIN_SEGMENTS = 5

_CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_CLASS = re.compile(r"[0-9]{4}")
_CHAIN_KEYS = {"code", "name", "name_en", "description", "sources", "segments", "edges"}
_SEGMENT_KEYS = {"code", "name", "name_en", "stage", "divisions", "classes", "key_products"}
_PAIR_KEYS = {"code", "name", "name_en", "kind", "a", "b", "fused_into", "rationale"}
_SIDE_KEYS = {"label", "divisions"}
_LINK_COLUMNS = ("chain", "from_segment", "to_segment", "from_division", "to_division")


class Stage(StrEnum):
    """Position of a segment in its chain."""

    UPSTREAM = "upstream"  # 上游
    MIDSTREAM = "midstream"  # 中游
    DOWNSTREAM = "downstream"  # 下游


_STAGE_RANK = {Stage.UPSTREAM: 0, Stage.MIDSTREAM: 1, Stage.DOWNSTREAM: 2}
_STAGE_VALUES = frozenset(s.value for s in Stage)


class FusionKind(StrEnum):
    """The article's forms of cross-sector fusion (跨界融合)."""

    INTELLIGENT_PLUS = "intelligent_plus"  # 智能+
    CULTURE_PLUS = "culture_plus"  # 文创+
    THREE_SECTOR = "three_sector"  # 三产融合 (农村一二三产业融合)
    DIGITAL_PLUS = "digital_plus"  # 数字+
    OTHER = "other"  # 其他融合 (e.g. 生物技术×农业, 新材料×航空航天)


_KIND_VALUES = frozenset(k.value for k in FusionKind)


@dataclass(frozen=True)
class Segment:
    """One segment (环节) of a chain: its stage, the GB/T 4754-2017 divisions its firms are classified in,
    optionally the 4-digit classes (小类) where the correspondence is certain, and its key products."""

    code: str
    name: str
    name_en: str
    stage: Stage
    divisions: tuple[str, ...]
    classes: tuple[str, ...]
    key_products: tuple[str, ...]


@dataclass(frozen=True)
class Chain:
    """An industry chain (产业链): segments and the supply edges ``(from, to)`` between them, a DAG running
    from upstream to downstream. ``sources`` are the titles of the documents the map is based on."""

    code: str
    name: str
    name_en: str
    description: str
    sources: tuple[str, ...]
    segments: tuple[Segment, ...]
    edges: tuple[tuple[str, str], ...]

    def segment(self, code: str) -> Segment:
        """The segment called ``code``; :class:`~parknet.errors.NotFound` names the chain's segments."""
        for seg in self.segments:
            if seg.code == code:
                return seg
        known = ", ".join(s.code for s in self.segments)
        raise NotFound(f"chain {self.code!r} has no segment {code!r}; its segments are: {known}")

    def upstream_of(self, segment: str | Segment, *, transitive: bool = False) -> tuple[Segment, ...]:
        """The segments that supply ``segment`` (one edge away, or every ancestor when ``transitive``),
        in the chain's segment order."""
        return self._neighbours(segment, upstream=True, transitive=transitive)

    def downstream_of(self, segment: str | Segment, *, transitive: bool = False) -> tuple[Segment, ...]:
        """The segments ``segment`` supplies (one edge away, or every descendant when ``transitive``),
        in the chain's segment order."""
        return self._neighbours(segment, upstream=False, transitive=transitive)

    def divisions(self) -> tuple[str, ...]:
        """Every GB/T 4754-2017 division in the chain, sorted."""
        return tuple(sorted({d for seg in self.segments for d in seg.divisions}))

    def _neighbours(self, segment: str | Segment, *, upstream: bool, transitive: bool) -> tuple[Segment, ...]:
        start = self.segment(segment.code if isinstance(segment, Segment) else segment).code
        step: dict[str, set[str]] = {s.code: set() for s in self.segments}
        for a, b in self.edges:
            step[b if upstream else a].add(a if upstream else b)
        found: set[str] = set()
        frontier = set(step[start])
        while frontier:
            found |= frontier
            frontier = {n for f in frontier for n in step[f]} - found if transitive else set()
        return tuple(s for s in self.segments if s.code in found)


@dataclass(frozen=True)
class FusionSide:
    """One side of a fusion pair: a label (zh) and its GB/T 4754-2017 divisions."""

    label: str
    divisions: tuple[str, ...]


@dataclass(frozen=True)
class FusionPair:
    """Two sectors whose fusion forms a new industry (``name``); ``fused_into`` is the matching chain code
    in ``chains.json``, or None."""

    code: str
    name: str
    name_en: str
    kind: FusionKind
    a: FusionSide
    b: FusionSide
    fused_into: str | None
    rationale: str


# --- schema checks -----------------------------------------------------------------------------------

@cache
def _division_codes() -> frozenset[str]:
    return frozenset(reference.divisions()["code"].to_list())


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[str] = []

    def add(self, place: str, reason: str) -> None:
        self.items.append(f"{self.file}: {place}: {reason}")


def _label(obj: object, index: int) -> str:
    code = obj.get("code") if isinstance(obj, Mapping) else None
    return repr(code) if isinstance(code, str) and code else f"#{index + 1}"


def _is_code(value: object) -> bool:
    return isinstance(value, str) and _CODE.fullmatch(value) is not None


def _check_fields(p: _Problems, place: str, obj: Mapping[str, Any], allowed: set[str],
                  texts: Iterable[str]) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        names = ", ".join(map(repr, unknown))
        p.add(place, f"unknown field(s) {names}; allowed: {', '.join(sorted(allowed))}")
    for key in texts:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            p.add(place, f"{key}: missing or empty (expected a non-empty string)")


def _check_text_list(p: _Problems, place: str, value: object, key: str) -> None:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        p.add(place, f"{key}: expected a non-empty list of non-empty strings")


def _check_divisions(p: _Problems, place: str, value: object) -> list[str]:
    """Problems with a ``divisions`` list; returns its valid codes."""
    if not isinstance(value, list) or not value:
        p.add(place, "divisions: empty; list at least one GB/T 4754-2017 division (2-digit code)")
        return []
    valid: list[str] = []
    for code in value:
        if not isinstance(code, str) or code not in _division_codes():
            p.add(place, f"divisions: {code!r} is not one of the 97 GB/T 4754-2017 divisions ('01'–'97')")
        elif code in valid:
            p.add(place, f"divisions: {code!r} is listed twice")
        else:
            valid.append(code)
    return valid


def _check_segment(p: _Problems, chain_place: str, index: int,
                   seg: object) -> tuple[str, Stage | None] | None:
    """Problems with one segment; returns its (code, stage) when the code is usable."""
    place = f"{chain_place}, segment {_label(seg, index)}"
    if not isinstance(seg, Mapping):
        p.add(place, "expected an object")
        return None
    _check_fields(p, place, seg, _SEGMENT_KEYS, ("name", "name_en"))
    code = seg.get("code")
    if not _is_code(code):
        p.add(place, f"code: {code!r} is not a snake_case code")
    raw_stage = seg.get("stage")
    stage = Stage(raw_stage) if isinstance(raw_stage, str) and raw_stage in _STAGE_VALUES else None
    if stage is None:
        p.add(place, f"stage: {raw_stage!r} is not one of {', '.join(s.value for s in Stage)}")
    divisions = _check_divisions(p, place, seg.get("divisions"))
    classes = seg.get("classes", [])
    if not isinstance(classes, list):
        p.add(place, "classes: expected a list of 4-digit GB/T 4754-2017 classes")
    else:
        for cls in classes:
            if not isinstance(cls, str) or not _CLASS.fullmatch(cls):
                p.add(place, f"classes: {cls!r} is not a 4-digit class code")
            elif divisions and cls[:2] not in divisions:
                p.add(place, f"classes: {cls!r} belongs to division {cls[:2]!r}, "
                             "which the segment does not list")
    _check_text_list(p, place, seg.get("key_products"), "key_products")
    return (code, stage) if isinstance(code, str) and _is_code(code) else None


def _find_cycle(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """A cycle as ``[n0, n1, …, n0]`` (depth-first search), or None for a DAG."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for root in succ:
        if root in state:
            continue
        path, stack = [root], [iter(succ[root])]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(succ[nxt]))
    return None


def _check_edges(p: _Problems, place: str, edges: object, stages: Mapping[str, Stage | None]) -> None:
    if not isinstance(edges, list) or not edges:
        p.add(place, "edges: expected a non-empty list of [from_segment, to_segment] pairs")
        edges = []
    valid: list[tuple[str, str]] = []
    for k, edge in enumerate(edges):
        if not (isinstance(edge, list) and len(edge) == 2 and all(isinstance(x, str) for x in edge)):
            p.add(f"{place}, edge #{k + 1}", f"expected [from_segment, to_segment], got {edge!r}")
            continue
        a, b = edge
        where = f"{place}, edge {a} → {b}"
        unknown = [x for x in (a, b) if x not in stages]
        if unknown:
            p.add(where, f"unknown segment {', '.join(map(repr, unknown))}")
        elif a == b:
            p.add(where, "a segment cannot supply itself")
        elif (a, b) in valid:
            p.add(where, "duplicate edge")
        else:
            sa, sb = stages[a], stages[b]
            if sa is not None and sb is not None and _STAGE_RANK[sa] > _STAGE_RANK[sb]:
                p.add(where, f"runs against the chain: {a!r} is {sa}, {b!r} is {sb}")
            valid.append((a, b))
    cycle = _find_cycle(stages, valid)
    if cycle:
        p.add(place, f"edges: cycle {' → '.join(cycle)}; a chain must be acyclic (a DAG)")
    linked = {x for edge in valid for x in edge}
    for code in stages:
        if code not in linked:
            p.add(f"{place}, segment {code!r}", "isolated: the segment is on no edge")


def _check_chain(p: _Problems, index: int, chain: object, seen: set[str]) -> None:
    place = f"chain {_label(chain, index)}"
    if not isinstance(chain, Mapping):
        p.add(place, "expected an object")
        return
    _check_fields(p, place, chain, _CHAIN_KEYS, ("name", "name_en", "description"))
    code = chain.get("code")
    if not _is_code(code):
        p.add(place, f"code: {code!r} is not a snake_case code")
    elif code in seen:
        p.add(place, "code: duplicate chain code")
    else:
        seen.add(code)
    _check_text_list(p, place, chain.get("sources"), "sources")
    segments = chain.get("segments")
    if not isinstance(segments, list):
        p.add(place, "segments: expected a list")
        return
    if len(segments) < MIN_SEGMENTS:
        p.add(place, f"segments: {len(segments)} segment(s); a chain needs at least {MIN_SEGMENTS}")
    stages: dict[str, Stage | None] = {}
    for j, seg in enumerate(segments):
        checked = _check_segment(p, place, j, seg)
        if checked is None:
            continue
        if checked[0] in stages:
            p.add(f"{place}, segment {checked[0]!r}", "code: duplicate segment code in this chain")
        stages[checked[0]] = checked[1]
    _check_edges(p, place, chain.get("edges"), stages)


def check_chains(data: object, *, file: str = "chains.json") -> list[str]:
    """Every schema problem of parsed ``chains.json`` content, as ``FILE: place: reason`` (empty = valid).

    Rejected: missing or empty names; codes that are not snake_case or repeat; fewer than
    :data:`MIN_SEGMENTS` segments; stages other than upstream/midstream/downstream; empty divisions or
    codes that are not among the 97 GB/T 4754-2017 divisions (``parknet.data.reference.divisions()``);
    classes outside their segment's divisions; edges naming unknown segments, running from a later
    stage to an earlier one, or closing a cycle; segments on no edge; unknown fields.
    """
    p = _Problems(file)
    chains = data.get("chains") if isinstance(data, Mapping) else None
    if not isinstance(chains, list) or not chains:
        p.add("top level", "expected an object with a non-empty 'chains' list")
        return p.items
    seen: set[str] = set()
    for i, chain in enumerate(chains):
        _check_chain(p, i, chain, seen)
    return p.items


def _check_pair(p: _Problems, index: int, pair: object, seen: set[str], chains: frozenset[str]) -> None:
    place = f"pair {_label(pair, index)}"
    if not isinstance(pair, Mapping):
        p.add(place, "expected an object")
        return
    _check_fields(p, place, pair, _PAIR_KEYS, ("name", "name_en", "rationale"))
    code = pair.get("code")
    if not _is_code(code):
        p.add(place, f"code: {code!r} is not a snake_case code")
    elif code in seen:
        p.add(place, "code: duplicate pair code")
    else:
        seen.add(code)
    kind = pair.get("kind")
    if not (isinstance(kind, str) and kind in _KIND_VALUES):
        p.add(place, f"kind: {kind!r} is not one of {', '.join(k.value for k in FusionKind)}")
    sides: list[list[str]] = []
    for name in ("a", "b"):
        side = pair.get(name)
        where = f"{place}, side {name}"
        if not isinstance(side, Mapping):
            p.add(where, "expected an object with 'label' and 'divisions'")
            continue
        _check_fields(p, where, side, _SIDE_KEYS, ("label",))
        sides.append(_check_divisions(p, where, side.get("divisions")))
    if len(sides) == 2 and (shared := sorted(set(sides[0]) & set(sides[1]))):
        p.add(place, f"a and b share division(s) {', '.join(shared)}; a fusion pairs two different sectors")
    fused = pair.get("fused_into")
    if fused is not None and not (isinstance(fused, str) and fused in chains):
        p.add(place, f"fused_into: {fused!r} is not a chain code in chains.json (use null when none matches)")


def check_fusion(data: object, *, chain_codes: Iterable[str] | None = None,
                 file: str = "fusion.json") -> list[str]:
    """Every schema problem of parsed ``fusion.json`` content, as ``FILE: place: reason`` (empty = valid).

    Rejected: missing or empty names, labels or rationale; codes that are not snake_case or repeat; kinds
    outside :class:`FusionKind`; empty divisions or codes that are not GB/T 4754-2017 divisions; sides
    sharing a division; ``fused_into`` naming no chain (``chain_codes``, by default the shipped chains).
    """
    chains = frozenset(load_chains() if chain_codes is None else chain_codes)
    p = _Problems(file)
    pairs = data.get("pairs") if isinstance(data, Mapping) else None
    if not isinstance(pairs, list) or not pairs:
        p.add("top level", "expected an object with a non-empty 'pairs' list")
        return p.items
    seen: set[str] = set()
    for i, pair in enumerate(pairs):
        _check_pair(p, i, pair, seen, chains)
    return p.items


# --- loading -----------------------------------------------------------------------------------------

def _file_label(path: Path) -> str:
    return path.name if path.parent == _DIR else str(path)


def _read_json(path: Path) -> Any:
    label = _file_label(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(label, [f"{label}: cannot be read ({exc.strerror})"]) from None
    except json.JSONDecodeError as exc:
        raise DataError(label, [f"{label}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})"]) from None
    except UnicodeDecodeError:
        raise DataError(label, [f"{label}: not UTF-8 text"]) from None


def _segment(raw: Mapping[str, Any]) -> Segment:
    return Segment(code=raw["code"], name=raw["name"], name_en=raw["name_en"], stage=Stage(raw["stage"]),
                   divisions=tuple(raw["divisions"]), classes=tuple(raw.get("classes", ())),
                   key_products=tuple(raw["key_products"]))


def _parse_chains(path: Path) -> tuple[Chain, ...]:
    data = _read_json(path)
    problems = check_chains(data, file=_file_label(path))
    if problems:
        raise DataError(_file_label(path), problems)
    return tuple(
        Chain(code=c["code"], name=c["name"], name_en=c["name_en"], description=c["description"],
              sources=tuple(c["sources"]), segments=tuple(_segment(s) for s in c["segments"]),
              edges=tuple((a, b) for a, b in c["edges"]))
        for c in data["chains"]
    )


@cache
def _shipped_chains() -> tuple[Chain, ...]:
    return _parse_chains(CHAINS_FILE)


def _parse_fusion(path: Path) -> tuple[FusionPair, ...]:
    data = _read_json(path)
    problems = check_fusion(data, file=_file_label(path))
    if problems:
        raise DataError(_file_label(path), problems)
    return tuple(
        FusionPair(code=f["code"], name=f["name"], name_en=f["name_en"], kind=FusionKind(f["kind"]),
                   a=FusionSide(f["a"]["label"], tuple(f["a"]["divisions"])),
                   b=FusionSide(f["b"]["label"], tuple(f["b"]["divisions"])),
                   fused_into=f["fused_into"], rationale=f["rationale"])
        for f in data["pairs"]
    )


@cache
def _shipped_fusion() -> tuple[FusionPair, ...]:
    return _parse_fusion(FUSION_FILE)


def load_chains(path: Path | None = None) -> dict[str, Chain]:
    """The industry chains by code, in file order (default: the shipped ``chains.json``, parsed once).

    Raises :class:`DataError` listing every schema problem (see :func:`check_chains`).
    """
    return {c.code: c for c in (_shipped_chains() if path is None else _parse_chains(Path(path)))}


def load_fusion(path: Path | None = None) -> list[FusionPair]:
    """The fusion matrix, in file order (default: the shipped ``fusion.json``); ``fused_into`` is checked
    against the shipped chains. Raises :class:`DataError` listing every schema problem."""
    return list(_shipped_fusion() if path is None else _parse_fusion(Path(path)))


# --- queries -----------------------------------------------------------------------------------------

def chains_for_division(code: str) -> list[tuple[Chain, Segment]]:
    """Every (chain, segment) whose firms are classified in GB/T 4754-2017 division ``code``.

    >>> {"nev", "icv"} <= {chain.code for chain, _ in chains_for_division("36")}
    True
    """
    if not isinstance(code, str) or code not in _division_codes():
        raise InvalidArgument("code", f"{code!r} is not a GB/T 4754-2017 division (a 2-digit code '01'–'97')")
    return [(chain, seg) for chain in load_chains().values() for seg in chain.segments
            if code in seg.divisions]


def division_links() -> pl.DataFrame:
    """The division-level supply links implied by the chains' edges.

    One row per edge and pair of divisions (the cross product of the two segments' divisions):
    ``chain, from_segment, to_segment, from_division, to_division``, in file order. A row says that firms
    in ``from_division`` supply firms in ``to_division`` along that chain — the basis for scoring how two
    zones' industries complement each other (产业链延补型). ``from_division`` may equal ``to_division``.
    """
    rows: list[tuple[str, str, str, str, str]] = []
    for chain in load_chains().values():
        segs = {s.code: s for s in chain.segments}
        for a, b in chain.edges:
            rows.extend((chain.code, a, b, da, db) for da in segs[a].divisions for db in segs[b].divisions)
    return pl.DataFrame(rows, schema={c: pl.String for c in _LINK_COLUMNS}, orient="row")
