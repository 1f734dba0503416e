"""The national backbone (全国主干网): the provinces' leading zones connected into one network.

The backbone is the minimum spanning tree of the leaders under great-circle distance — the shortest
network that connects them all — plus each leader's k nearest other leaders, so that no single link's
failure cuts the network in two and neighbouring hubs talk directly. References: Kruskal (1956), "On the
shortest spanning subtree of a graph", Proc. AMS 7; Sinnott (1984), "Virtues of the haversine", Sky and
Telescope 68; Brandes (2001), "A faster algorithm for betweenness centrality", J. Math. Sociology 25.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import polars as pl

from parknet.errors import InvalidArgument

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "Backbone", "national_backbone"]

#: Mean Earth radius R₁ of IUGG/WGS-84 (Moritz 1980), km.
EARTH_RADIUS_KM = 6371.0088
_TOP = 5


def haversine_km(lat1: float | np.ndarray, lon1: float | np.ndarray, lat2: float | np.ndarray,
                 lon2: float | np.ndarray) -> float | np.ndarray:
    """Great-circle distance (大圆距离) in km by the haversine formula (Sinnott 1984).

        d = 2R · arcsin √( sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2) ),

    φ latitudes and λ longitudes in radians, R = :data:`EARTH_RADIUS_KM`. Accepts scalars or arrays
    (broadcast); a spherical Earth is within 0.5% of the ellipsoid.
    """
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dlon = np.radians(lon2 - lon1)
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlon / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return float(d) if np.ndim(d) == 0 else d


@dataclass(frozen=True)
class Backbone:
    """The national backbone: nodes, edges and metrics.

    ``nodes``: ``zone_id, province_code, lat, lon`` (and ``index`` when given) per leader.
    ``edges``: ``source, target, km, mst`` (``mst`` = part of the minimum spanning tree), sorted by
    source, target. ``metrics``: see :func:`national_backbone`.
    """

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    metrics: dict[str, Any]

    def graph(self) -> nx.Graph:
        """The backbone as a networkx Graph (node attributes from ``nodes``, edge attributes km, mst)."""
        g = nx.Graph()
        g.add_nodes_from((n["zone_id"], n) for n in self.nodes)
        g.add_edges_from((e["source"], e["target"], {"km": e["km"], "mst": e["mst"]}) for e in self.edges)
        return g

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": [dict(n) for n in self.nodes], "edges": [dict(e) for e in self.edges],
                "metrics": dict(self.metrics)}


def _check(leaders: pl.DataFrame, k: int) -> pl.DataFrame:
    if not isinstance(leaders, pl.DataFrame):
        raise InvalidArgument("leaders", f"must be a polars DataFrame, got {type(leaders).__name__}")
    missing = [c for c in ("zone_id", "province_code", "lat", "lon") if c not in leaders.columns]
    if missing:
        raise InvalidArgument("leaders", f"missing columns {missing}")
    if leaders.height < 2:
        raise InvalidArgument("leaders", f"needs at least 2 leaders to connect, got {leaders.height}")
    if leaders["zone_id"].null_count() or leaders["zone_id"].is_duplicated().any():
        raise InvalidArgument("leaders", "zone_id must be present and unique")
    for column, bound in (("lat", 90.0), ("lon", 180.0)):
        if not leaders[column].dtype.is_numeric():
            raise InvalidArgument("leaders", f"column {column!r} must be numeric degrees")
        values = leaders[column].cast(pl.Float64)
        bad = values.is_null() | values.is_nan() | (values.abs() > bound)
        if bad.any():
            zone = leaders["zone_id"][int(bad.arg_true()[0])]
            raise InvalidArgument("leaders", f"{column} of {zone!r} must be a number in "
                                             f"[−{bound:g}, {bound:g}]")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise InvalidArgument("k", f"must be a whole number ≥ 0, got {k!r}")
    return leaders.sort("zone_id")


def _top(values: dict[str, float]) -> list[dict[str, Any]]:
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:_TOP]
    return [{"zone_id": zone, "value": value} for zone, value in ranked]


def _metrics(g: nx.Graph, mst_km: float) -> dict[str, Any]:
    connected = nx.is_connected(g)
    n = g.number_of_nodes()
    km = nx.average_shortest_path_length(g, weight="km") if connected else None
    hops = nx.average_shortest_path_length(g) if connected else None
    return {
        "nodes": n,
        "edges": g.number_of_edges(),
        "total_km": math.fsum(d["km"] for _, _, d in g.edges(data=True)),
        "mst_km": mst_km,
        "connected": connected,
        "average_shortest_path_km": km,
        "average_shortest_path_hops": hops,
        "diameter_hops": nx.diameter(g) if connected else None,
        "average_degree": 2 * g.number_of_edges() / n,
        "degree_centrality_top5": _top(nx.degree_centrality(g)),
        "betweenness_centrality_top5": _top(nx.betweenness_centrality(g, weight="km", normalized=True)),
    }


def national_backbone(leaders: pl.DataFrame, *, k: int = 2) -> Backbone:
    """Connect the provinces' leaders (各省牵头园区) into the national backbone network (主干网).

    With d_ij the haversine distance (:func:`haversine_km`) between leaders i and j, the edge set is

        E = MST(K_n, d) ∪ { (i, j) : j among the k nearest leaders of i },

    the minimum spanning tree of the complete graph (Kruskal; it connects every leader with the least
    total length) plus every leader's k nearest neighbours (ties by zone_id), which adds redundant routes
    between nearby hubs. Hence n − 1 ≤ |E| ≤ min(n − 1 + n k, n(n − 1)/2), and the graph is connected.

    Parameters
    ----------
    leaders : pl.DataFrame
        One row per leader: ``zone_id, province_code, lat, lon`` (degrees) and optionally ``index``
        (carried onto the nodes). Several leaders per province are allowed.
    k : int
        Nearest neighbours added per leader (≥ 0; 0 gives the bare spanning tree).

    Returns
    -------
    Backbone
        ``metrics``: ``nodes``, ``edges``, ``total_km`` (Σ edge lengths), ``mst_km``, ``connected``,
        ``average_shortest_path_km`` (mean over node pairs of the km-weighted shortest path),
        ``average_shortest_path_hops``, ``diameter_hops``, ``average_degree``, and the top 5 leaders by
        ``degree_centrality_top5`` (deg/(n − 1)) and ``betweenness_centrality_top5`` (Brandes, km-weighted
        shortest paths, normalised by (n − 1)(n − 2)/2), each ``[{zone_id, value}]`` with ties by zone_id.
    """
    frame = _check(leaders, k)
    ids = frame["zone_id"].cast(pl.String).to_list()
    lat, lon = frame["lat"].cast(pl.Float64).to_numpy(), frame["lon"].cast(pl.Float64).to_numpy()
    dist = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    n = len(ids)
    complete = nx.Graph()
    complete.add_weighted_edges_from(
        ((ids[i], ids[j], float(dist[i, j])) for i in range(n) for j in range(i + 1, n)), weight="km")
    tree = nx.minimum_spanning_tree(complete, weight="km", algorithm="kruskal")
    g = nx.Graph()
    columns = [c for c in ("zone_id", "province_code", "lat", "lon", "index") if c in frame.columns]
    nodes = frame.select(columns).to_dicts()
    g.add_nodes_from(ids)
    g.add_edges_from((a, b, {"km": d["km"], "mst": True}) for a, b, d in tree.edges(data=True))
    for i in range(n):
        # stable sort on distance keeps zone_id order (the frame is sorted) among equal distances
        for j in [j for j in np.argsort(dist[i], kind="stable") if j != i][:k]:
            if not g.has_edge(ids[i], ids[j]):
                g.add_edge(ids[i], ids[j], km=float(dist[i, j]), mst=False)
    edges = sorted(({"source": min(a, b), "target": max(a, b), "km": d["km"], "mst": d["mst"]}
                    for a, b, d in g.edges(data=True)), key=lambda e: (e["source"], e["target"]))
    mst_km = math.fsum(d["km"] for _, _, d in tree.edges(data=True))
    return Backbone(nodes, edges, _metrics(g, mst_km))
