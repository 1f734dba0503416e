"""Speed and memory of the synthetic demo data: ``generate()`` and ``load_demo()`` into a fresh SQLite file.

Measured, each run in its own subprocess (peak RSS = that process's ``ru_maxrss``), runs interleaved,
medians of ``--runs`` (default 3):

* **generate** — ``parknet.data.demo.generate(seed=DEFAULT_SEED)`` at its default size (100,000 enterprises,
  2012–2023; ≈4.6 million rows in six frames).
* **load_demo** — ``parknet.services.demo.load_demo(engine)`` on a new SQLite file: migrations + reference
  data, generate, then one transaction writing every frame; split into those phases and per table.

Anchor: the same frames (generated untimed in the anchor's process, so both hold them in memory) written
with raw ``sqlite3.executemany`` in 200,000-row chunks, in one transaction, ParkNet's pragmas (WAL,
synchronous=NORMAL), into tables with the same columns and primary keys but no secondary indexes, foreign
keys or checks; quantities scaled to integer ten-thousandths and dates formatted in polars first, as ParkNet
does. That is the floor for getting these rows into SQLite from Python, so ParkNet's write phase / anchor is
the cost of its schema (indexes, foreign keys) and code. ``polars.DataFrame.write_database`` was not chosen:
it goes through SQLAlchemy/pandas (or ADBC, not installed), so it is slower than the floor and measures
another library's overhead rather than the limit of the machine.

Run: ``.venv/bin/python benchmarks/bench_demo_load.py [--runs N]`` (about 6 minutes with 3 runs).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def db_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20


# --- children: one measurement each, printing one JSON line ------------------------------------------

def child_generate(_db: str) -> dict:
    from parknet.data.demo import DEFAULT_SEED, generate

    t0 = time.perf_counter()
    data = generate(seed=DEFAULT_SEED)
    seconds = time.perf_counter() - t0
    frames = (data.zones, data.zone_indicators, data.industry_output, data.enterprises, data.enterprise_years,
              data.relocations)
    return {"seconds": seconds, "rows": sum(f.height for f in frames)}


def child_load(db: str) -> dict:
    from parknet.services import demo
    from parknet.store.session import make_engine

    phases: dict[str, float] = {}

    def timed(name: str, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t
        return wrapper

    demo.init_database = timed("init (migrate + reference)", demo.init_database)
    demo.generate = timed("generate", demo.generate)
    insert_frame = demo.insert_frame
    demo.insert_frame = lambda conn, table, frame, **kw: timed(f"write {table.name}", insert_frame)(
        conn, table, frame, **kw)
    engine = make_engine(f"sqlite:///{db}")
    t0 = time.perf_counter()
    result = demo.load_demo(engine)
    seconds = time.perf_counter() - t0
    engine.dispose()  # checkpoints the WAL into the file
    phases["other (commit, area updates, key checks)"] = seconds - sum(phases.values())
    write_seconds = seconds - phases["init (migrate + reference)"] - phases["generate"]
    return {"seconds": seconds, "write_seconds": write_seconds,
            "rows": sum(result.rows.values()), "phases": phases, "db_mib": db_mib(Path(db))}


def child_anchor(db: str) -> dict:
    import sqlite3

    import polars as pl
    from sqlalchemy.dialects import sqlite

    from parknet.data.demo import DEFAULT_SEED, generate
    from parknet.store import models
    from parknet.store.types import SCALE, ExactDecimal

    data = generate(seed=DEFAULT_SEED)
    frames = {  # the frames load_demo writes, renamed to their tables' columns as parknet.services.demo does
        models.Zone: data.zones.filter(pl.col("is_synthetic")).rename({"zone_id": "id"}),
        models.ZoneIndicatorValue: data.zone_indicators.rename({"indicator": "indicator_code"}),
        models.ZoneIndustryOutput: data.industry_output.rename({"indicator": "indicator_code"}),
        models.Enterprise: data.enterprises,
        models.EnterpriseValue: data.enterprise_years.rename({"indicator": "indicator_code"}),
        models.Relocation: data.relocations.rename({"date": "moved_on"}),
    }
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    t0 = time.perf_counter()
    con.execute("BEGIN")
    rows = 0
    for model, frame in frames.items():
        table = model.__table__
        frame = frame.with_columns(pl.lit(1).alias("batch_id"))
        frame = frame.select(
            (pl.col(c) * SCALE).round(0).cast(pl.Int64) if isinstance(table.c[c].type, ExactDecimal)
            else pl.col(c).dt.strftime("%Y-%m-%d") if dtype == pl.Date else pl.col(c)
            for c, dtype in frame.schema.items())
        columns = ", ".join(f"{c.name} {c.type.compile(dialect=sqlite.dialect())}" for c in table.columns)
        con.execute(f"CREATE TABLE {table.name} ({columns}, "
                    f"PRIMARY KEY ({', '.join(c.name for c in table.primary_key)}))")
        sql = f"INSERT INTO {table.name} ({', '.join(frame.columns)}) VALUES ({', '.join('?' * frame.width)})"
        for start in range(0, frame.height, 200_000):
            con.executemany(sql, frame.slice(start, 200_000).rows())
        rows += frame.height
    con.execute("COMMIT")
    seconds = time.perf_counter() - t0
    con.close()
    return {"seconds": seconds, "write_seconds": seconds, "rows": rows, "db_mib": db_mib(Path(db))}


# --- parent (never imports ParkNet or polars: on Linux a child's ru_maxrss starts from its spawner's RSS) --

def measure(mode: str, work: Path) -> dict:
    db = work / "run.db"
    for leftover in work.glob("run.db*"):
        leftover.unlink()
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(db)], capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(f"child {done.args[3:]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, db = args.child
        result = {"generate": child_generate, "load": child_load, "anchor": child_anchor}[mode](db)
        result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    cases = ("anchor", "load", "generate")
    results: dict[str, list[dict]] = {c: [] for c in cases}
    with tempfile.TemporaryDirectory(prefix="parknet-bench-") as tmp:
        for _ in range(args.runs):  # interleaved, so drifting machine load hits every case alike
            for case in cases:
                results[case].append(measure(case, Path(tmp)))

    def med(case: str, key: str) -> float:
        return statistics.median(r[key] for r in results[case])

    anchor_s, anchor_rss = med("anchor", "seconds"), med("anchor", "rss_mib")
    print(f"ParkNet demo data, SQLite — medians of {args.runs} runs, one process each")
    print(f"{platform.node()} · {platform.machine()} · Python {platform.python_version()}")
    print(f"{'case':<26}{'rows':>11}{'seconds':>9}{'rows/s':>10}{'time x':>8}{'peak RSS MiB':>14}{'RSS x':>7}"
          f"{'DB MiB':>8}")
    lines = [("anchor: executemany", "anchor", "seconds"), ("load_demo: total", "load", "seconds"),
             ("load_demo: write phase", "load", "write_seconds"), ("generate", "generate", "seconds")]
    for label, case, key in lines:
        rows, s, rss = med(case, "rows"), med(case, key), med(case, "rss_mib")
        size = f"{med(case, 'db_mib'):>8.0f}" if "db_mib" in results[case][0] else f"{'':>8}"
        print(f"{label:<26}{rows:>11,.0f}{s:>9.1f}{rows / s:>10,.0f}{s / anchor_s:>8.1f}{rss:>14.0f}"
              f"{rss / anchor_rss:>7.1f}{size}")
    loads = results["load"]
    phases = {k: statistics.median(r["phases"][k] for r in loads) for k in loads[0]["phases"]}
    total = med("load", "seconds")
    print("where load_demo's time goes: " + " · ".join(
        f"{k} {v:.1f} s ({v / total:.0%})" for k, v in sorted(phases.items(), key=lambda kv: -kv[1])
        if v >= 0.05))


if __name__ == "__main__":
    main()
