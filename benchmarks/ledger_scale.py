"""Speed and memory of a national year close of the attribution ledger, as a ratio against DuckDB SQL.

The close: ``attribute(...)`` for the closed year 2021, then ``totals()``, ``conservation()`` and
``condensed()`` (the form stored in the database). Synthetic data, seeded (``--seed``), written once to
Arrow IPC files by a preparing child:

* **enterprise values** — ``--rows`` rows (default 10,000,000 = 2,000,000 enterprises x 5 indicators), all
  in 2021, Decimal(38, 4) money in 万元: log-normal (median ~2,000 万元), each value rounded to 0-4 decimals.
* **relocations** — rows/20 (500,000) enterprises each move once out of their incubating zone (178 zones),
  on a day drawn uniformly from 2019-06-01 to 2021-12-31, so 2021 lies wholly, partly or not at all in the
  window; no overlapping windows. They report 2021 in the zone they moved to.
* **projects** — rows/100 (100,000) partner rows: ~33,000 project-indicator groups of 2-4 partner zones,
  float weights of two decimals summing to 0.80-1.30.
* **rules** — ``split_30_70`` (24 months) for gdp, revenue, tax; ``split_50_50(window_months=12)`` for
  exports; ``rd_spending`` is not covered.

Anchor: one hand-written DuckDB SQL query over the same frames (handed over as Arrow, ``threads = 2``)
computing every zone's attributed total per indicator with the same rules in integer arithmetic: values as
BIGINT units (through DECIMAL(18, 4), enough for values below 10¹⁴ 万元, as here), A's numerator m·s per
sharing relocation and rule (the first listed with m > 0 per enterprise, destination and rule), the credit
⌊u·m·s/120000⌋ in HUGEINT plus the leftover unit by the same largest-remainder tie-break, and the projects'
largest-remainder split of round_half_even(value·Σw). It computes only those totals (no entry per record,
no checks), so it is the floor. Only the query is timed (the Arrow hand-over is not). The benchmark asserts
that DuckDB's totals equal ``Ledger.totals()`` exactly.

Each measurement runs in its own subprocess (peak RSS = that process's ``ru_maxrss``: inputs read from IPC
plus the close), interleaved, medians of ``--runs`` (default 3). Targets (issue 6): the close ≤ 20 s and
≤ 6 GB, ≤ 1.5x DuckDB.

Run: ``.venv/bin/python benchmarks/ledger_scale.py [--rows N] [--runs N]`` (about 2 minutes at full size; ``--rows 1000000`` for a quick check).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

import _child  # benchmarks/_child.py (the script's directory is on sys.path)

YEAR = 2021
INDICATORS = ("revenue", "gdp", "tax", "exports", "rd_spending")
ZONES = 178


def _rules():
    from parknet.attribution import RelocationRule

    return [RelocationRule.split_30_70(indicators=("gdp", "revenue", "tax")),
            RelocationRule.split_50_50(indicators=("exports",), window_months=12)]


# --- children: one step each, printing one JSON line ---------------------------------------------------

def child_prepare(work: str, rows: str, seed: str) -> dict:
    """Write the four input frames as Arrow IPC files."""
    import numpy as np
    import polars as pl

    from parknet.attribution.money import amount

    rng = np.random.default_rng(int(seed))
    n_ent = int(rows) // len(INDICATORS)
    n_rel = int(rows) // 20
    zone_names = pl.Series([f"Z{z:03d}" for z in range(ZONES)])
    incubated = rng.integers(0, ZONES, n_ent)
    moved = rng.choice(n_ent, n_rel, replace=False)
    to_zone = (incubated[moved] + rng.integers(1, ZONES, n_rel)) % ZONES
    reporting = incubated.copy()
    reporting[moved] = to_zone
    first, last = np.datetime64("2019-06-01"), np.datetime64("2021-12-31")
    dates = first + rng.integers(0, int((last - first).astype(int)) + 1, n_rel).astype("timedelta64[D]")

    def ids(index) -> pl.Expr:
        return pl.format("91{}", pl.lit(pl.Series(index)).cast(pl.String).str.zfill(16))

    def money(n: int) -> pl.Series:
        units = np.round(np.exp(rng.normal(np.log(2e7), 2.0, n))).astype(np.int64)
        step = 10 ** (4 - rng.integers(0, 5, n))  # 0-4 decimals
        units = np.maximum(units - units % step, 0)
        return pl.DataFrame({"u": units}).select(amount(pl.col("u"))).to_series()

    enterprise = np.repeat(np.arange(n_ent), len(INDICATORS))
    frames = {
        "enterprise_years": pl.select(
            ids(enterprise).alias("enterprise_id"),
            zone_names.gather(reporting[enterprise]).alias("zone_id"),
            pl.lit(YEAR, pl.Int32).alias("year"),
            pl.Series(np.tile(np.array(INDICATORS), n_ent)).alias("indicator"),
            money(n_ent * len(INDICATORS)).alias("value")),
        "relocations": pl.select(
            ids(moved).alias("enterprise_id"), zone_names.gather(incubated[moved]).alias("from_zone"),
            zone_names.gather(to_zone).alias("to_zone"), pl.Series(dates).cast(pl.Date).alias("date")),
        "incubation": pl.select(
            ids(np.arange(n_ent)).alias("enterprise_id"), zone_names.gather(incubated).alias("incubated_in"),
            pl.Series(rng.integers(1995, 2019, n_ent)).cast(pl.Int32).alias("founded_year")),
        "projects": _projects(rng, int(rows) // 100, zone_names, money),
    }
    for name, frame in frames.items():
        frame.write_ipc(Path(work) / f"{name}.arrow")
    return {"rows": {name: frame.height for name, frame in frames.items()}}


def _projects(rng, n_rows: int, zone_names, money):
    import numpy as np
    import polars as pl

    records = []
    group = 0
    while len(records) < n_rows:
        k = int(rng.integers(2, 5))
        cents = int(rng.integers(80, 131))
        cuts = np.sort(rng.choice(np.arange(1, cents), k - 1, replace=False)) if k > 1 else []
        weights = np.diff(np.concatenate([[0], cuts, [cents]])) / 100
        indicator = INDICATORS[int(rng.integers(0, len(INDICATORS)))]
        for zone, weight in zip(rng.choice(ZONES, k, replace=False), weights):
            records.append((f"P{group:06d}", f"AG{group // 3:05d}", YEAR, indicator, group, zone_names[int(zone)],
                            float(weight)))
        group += 1
    frame = pl.DataFrame(records, schema=["project_id", "agreement_id", "year", "indicator", "group", "zone_id",
                                          "weight"], orient="row")
    values = money(group)
    return frame.with_columns(value=values.gather(frame["group"])).select(
        "project_id", "agreement_id", pl.col("year").cast(pl.Int32), "indicator", "value", "zone_id", "weight")


def _read(work: str):
    import polars as pl

    return {name: pl.read_ipc(Path(work) / f"{name}.arrow")
            for name in ("enterprise_years", "relocations", "incubation", "projects")}


def child_parknet(work: str) -> dict:
    from parknet.attribution import attribute

    frames = _read(work)
    rules = _rules()
    phases = {}
    t0 = time.perf_counter()
    ledger = attribute(frames["enterprise_years"], frames["relocations"], frames["incubation"], frames["projects"],
                       rules, YEAR)
    phases["attribute"] = time.perf_counter() - t0
    t = time.perf_counter()
    totals = ledger.totals()
    phases["totals"] = time.perf_counter() - t
    t = time.perf_counter()
    balanced = bool(ledger.conservation()["balanced"].all())
    phases["conservation"] = time.perf_counter() - t
    t = time.perf_counter()
    condensed = ledger.condensed()
    phases["condensed"] = time.perf_counter() - t
    seconds = time.perf_counter() - t0
    totals.write_parquet(Path(work) / "totals_parknet.parquet")
    return {"seconds": seconds, "phases": phases, "balanced": balanced, "entries": ledger.entries.height,
            "condensed": condensed.height, "origin_entries": ledger.entries.filter(
                ledger.entries["rule_id"].str.ends_with(":origin")).height}


ANCHOR_SQL = """
WITH moves AS (
    SELECT row_number() OVER () AS move, *, year(date) * 12 + month(date) - 1 AS start FROM relocations
), sharing AS (  -- per sharing move and rule: A's numerator m·s (of 120,000); first listed move with m > 0
    SELECT m.enterprise_id, m.from_zone, m.to_zone, r.rule_id,
           greatest(0, least(m.start + r.window_months - 1, {year} * 12 + 11) - greatest(m.start, {year} * 12) + 1)
               * r.share_units AS num
    FROM moves m
    JOIN incubation i ON i.enterprise_id = m.enterprise_id AND i.incubated_in = m.from_zone
    CROSS JOIN (SELECT DISTINCT rule_id, share_units, window_months FROM params) r
    WHERE num > 0
    QUALIFY row_number() OVER (PARTITION BY m.enterprise_id, m.to_zone, r.rule_id ORDER BY m.move) = 1
), product AS (
    SELECT e.zone_id, e.indicator, s.from_zone,
           CAST(CAST(CAST(e.value AS DECIMAL(18, 4)) * 10000 AS BIGINT) AS HUGEINT) * s.num AS prod
    FROM ey e JOIN params p ON p.indicator = e.indicator
    JOIN sharing s ON s.enterprise_id = e.enterprise_id AND s.to_zone = e.zone_id AND s.rule_id = p.rule_id
    WHERE e.year = {year}
), credit AS MATERIALIZED (  -- ⌊prod/120000⌋ + the leftover unit (remainder > ½, or ½ and A ≤ B)
    SELECT zone_id, indicator, from_zone,
           CAST((prod - r) // 120000 + CASE WHEN 2 * r > 120000 OR (2 * r = 120000 AND from_zone <= zone_id)
                                            THEN 1 ELSE 0 END AS BIGINT) AS credit
    FROM (SELECT *, ((prod % 120000) + 120000) % 120000 AS r FROM product)
), pj AS (
    SELECT project_id, agreement_id, indicator, zone_id, CAST(value * 10000 AS HUGEINT) AS units,
           CAST(round(weight * 1e9) AS HUGEINT) AS w,
           sum(CAST(round(weight * 1e9) AS HUGEINT)) OVER (PARTITION BY project_id, agreement_id, indicator) AS sw
    FROM projects WHERE year = {year}
), pr AS (
    SELECT *, units * sw AS prod, ((units * sw % 1000000000) + 1000000000) % 1000000000 AS r FROM pj
), pt AS (  -- round(value·Σw) half to even
    SELECT *, (prod - r) // 1000000000 + CASE WHEN 2 * r > 1000000000
        OR (2 * r = 1000000000 AND (((prod - r) // 1000000000) % 2 + 2) % 2 = 1) THEN 1 ELSE 0 END AS total
    FROM pr
), pf AS (
    SELECT *, total * w AS share, ((total * w % sw) + sw) % sw AS rem FROM pt
), pp AS (  -- largest remainder: the total − Σ⌊…⌋ largest remainders get one more unit (ties: smaller zone)
    SELECT zone_id, indicator, (share - rem) // sw AS part, total,
           row_number() OVER (PARTITION BY project_id, agreement_id, indicator ORDER BY rem DESC, zone_id) AS place,
           sum((share - rem) // sw) OVER (PARTITION BY project_id, agreement_id, indicator) AS floors
    FROM pf
), movements AS (
    SELECT zone_id, indicator, CAST(CAST(value AS DECIMAL(18, 4)) * 10000 AS BIGINT) AS units FROM ey
    WHERE year = {year}
    UNION ALL SELECT zone_id, indicator, -credit FROM credit
    UNION ALL SELECT from_zone, indicator, credit FROM credit
    UNION ALL SELECT zone_id, indicator, part + CASE WHEN place <= total - floors THEN 1 ELSE 0 END FROM pp
)
SELECT zone_id, indicator, CAST(sum(units) AS VARCHAR) AS attributed_units FROM movements GROUP BY ALL
"""


def child_duckdb(work: str) -> dict:
    import duckdb
    import polars as pl

    frames = _read(work)
    rules = _rules()
    params = pl.DataFrame([(code, rule.rule_id, rule.share_units, rule.window_months)
                           for rule in rules for code in rule.indicators],
                          schema=["indicator", "rule_id", "share_units", "window_months"], orient="row")
    con = duckdb.connect(config={"threads": 2})
    for name, frame in {**frames, "params": params}.items():
        con.register("ey" if name == "enterprise_years" else name, frame.to_arrow())
    t0 = time.perf_counter()
    result = con.sql(ANCHOR_SQL.format(year=YEAR)).to_arrow_table()
    seconds = time.perf_counter() - t0
    pl.from_arrow(result).write_parquet(Path(work) / "totals_duckdb.parquet")
    return {"seconds": seconds}


def child_check(work: str) -> dict:
    """DuckDB's per-zone totals equal the ledger's, to the unit (the benchmark fails otherwise)."""
    import polars as pl

    ours = pl.read_parquet(Path(work) / "totals_parknet.parquet").select(
        "zone_id", "indicator", (pl.col("attributed") * 10000).cast(pl.Int128).alias("ours"))
    theirs = pl.read_parquet(Path(work) / "totals_duckdb.parquet").select(
        "zone_id", "indicator", pl.col("attributed_units").cast(pl.Int128).alias("duckdb"))
    both = ours.join(theirs, on=["zone_id", "indicator"], how="full", coalesce=True)
    differing = both.filter(pl.col("ours").fill_null(0) != pl.col("duckdb").fill_null(0))
    assert differing.is_empty(), f"DuckDB and the ledger disagree:\n{differing}"
    return {"zone_indicators": both.height}


# --- parent ------------------------------------------------------------------------------------------

def run_child(*args: str) -> dict:
    return _child.run_child(__file__, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="enterprise-value rows (default 10,000,000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20211231)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        result = {"prepare": child_prepare, "parknet": child_parknet, "duckdb": child_duckdb,
                  "check": child_check}[mode](*rest)
        result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="parknet-ledger-") as work:
        prepared = run_child("prepare", work, str(args.rows), str(args.seed))
        results: dict[str, list[dict]] = {"duckdb": [], "parknet": []}
        for _ in range(args.runs):  # interleaved, so drifting machine load hits both alike
            for mode in results:
                results[mode].append(run_child(mode, work))
                if mode == "parknet":
                    checked = run_child("check", work)

    def med(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode])

    rows = prepared["rows"]
    anchor_s, anchor_rss = med("duckdb", "seconds"), med("duckdb", "rss_mib")
    print(f"Ledger year close {YEAR} — medians of {args.runs} runs, one process each")
    print(f"{platform.node()} · {platform.machine()} · Python {platform.python_version()} · inputs: "
          + ", ".join(f"{name} {n:,}" for name, n in rows.items()))
    print(f"{'case':<34}{'seconds':>9}{'time x':>8}{'peak RSS MiB':>14}{'RSS x':>7}")
    for label, mode in (("anchor: DuckDB SQL, totals only", "duckdb"), ("ParkNet close", "parknet")):
        s, rss = med(mode, "seconds"), med(mode, "rss_mib")
        print(f"{label:<34}{s:>9.2f}{s / anchor_s:>8.2f}{rss:>14.0f}{rss / anchor_rss:>7.2f}")
    phases = {k: statistics.median(r["phases"][k] for r in results["parknet"]) for k in results["parknet"][0]["phases"]}
    print("ParkNet phases (medians): " + " · ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    last = results["parknet"][-1]
    print(f"entries {last['entries']:,} (origin credits {last['origin_entries']:,}), condensed {last['condensed']:,}; "
          f"conservation balanced: {last['balanced']}; DuckDB totals equal the ledger's on "
          f"{checked['zone_indicators']:,} zone-indicators")
    seconds, gib = med("parknet", "seconds"), med("parknet", "rss_mib") / 1024
    print(f"targets: ≤ 20 s {'met' if seconds <= 20 else 'MISSED'} ({seconds:.1f} s) · ≤ 6 GB "
          f"{'met' if gib <= 6 else 'MISSED'} ({gib:.2f} GiB) · ≤ 1.5x DuckDB "
          f"{'met' if seconds / anchor_s <= 1.5 else 'MISSED'} ({seconds / anchor_s:.2f}x)")


if __name__ == "__main__":
    main()
