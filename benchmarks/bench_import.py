"""Speed and memory of ``parknet import enterprise-years`` (SQLite), as ratios against a plain-load anchor.

Measured, each run in its own subprocess (peak RSS = that process's ``ru_maxrss``), runs interleaved,
medians of ``--runs`` (default 3):

* **new** — 500,000 rows (50,000 enterprises x 10 years, indicator ``revenue``, 1 decimal) into a database
  holding only the reference data and the 50,000 enterprises: every row is an insert.
* **invalid** — the same file with every value negative: the whole file is parsed and checked, every row
  is rejected, nothing is written.
* **re-import** — the same kind of file imported a second time (every row unchanged, nothing written), at
  50,000 and 100,000 rows: its time grows faster than linearly (see README), so 500,000 would take ~5 min.

Anchor: ``polars.read_csv`` of the same file + ``sqlite3.executemany`` of its rows into a plain table with the
same columns, the same composite primary key (credit_code, year, indicator_code), value as INTEGER
ten-thousandths, in one transaction with ParkNet's pragmas (WAL, synchronous=NORMAL). It is the fastest
reasonable path from this CSV into SQLite with no validation, so ParkNet/anchor is the price of validation,
upsert bookkeeping and SQLAlchemy. Each ParkNet case is compared with the anchor on the same file.

Also printed: where ParkNet's "new" time goes (read+decode, parse/validate, upsert in SQLAlchemy, upsert in
sqlite3), timed by wrapping the importer's steps and SQLAlchemy's cursor events (no profiler overhead).

Run: ``.venv/bin/python benchmarks/bench_import.py [--runs N]`` (about 3 minutes with 3 runs).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import _child  # benchmarks/_child.py (the script's directory is on sys.path)

ENTERPRISES, YEARS = 50_000, range(2014, 2024)
REIMPORT_ROWS = (100_000, 500_000)
HEADER = "credit_code,year,zone_id,indicator,value\n"


# --- children: one measurement each, printing one JSON line ------------------------------------------

def child_anchor(csv_path: str, db_path: str) -> dict:
    import sqlite3

    import polars as pl

    t0 = time.perf_counter()
    frame = pl.read_csv(csv_path, schema_overrides={"credit_code": pl.Utf8, "value": pl.Float64})
    rows = frame.select("credit_code", "year", "zone_id", "indicator",
                        (pl.col("value") * 10_000).round(0).cast(pl.Int64),
                        pl.lit(1).alias("batch_id")).rows()
    t1 = time.perf_counter()
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE enterprise_values (credit_code VARCHAR(18) NOT NULL, year INTEGER NOT NULL, "
                "zone_id VARCHAR(64) NOT NULL, indicator_code VARCHAR(64) NOT NULL, value BIGINT NOT NULL, "
                "batch_id INTEGER, PRIMARY KEY (credit_code, year, indicator_code))")
    with con:
        con.executemany("INSERT INTO enterprise_values VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.close()
    t2 = time.perf_counter()
    return {"seconds": t2 - t0, "phases": {"read_csv+convert": t1 - t0, "executemany+commit": t2 - t1}}


def child_parknet(csv_path: str, db_path: str) -> dict:
    from sqlalchemy import event

    from parknet.errors import ImportRejected
    from parknet.store import importers
    from parknet.store.session import make_engine

    spent: dict[str, float] = {}
    state = {"phase": "other", "t": 0.0}

    def timed(phase: str, fn):
        def wrapper(*args, **kwargs):
            state["phase"], t = phase, time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[phase] = spent.get(phase, 0.0) + time.perf_counter() - t
                state["phase"] = "other"
        return wrapper

    importers.read_table = timed("read+decode", importers.read_table)
    importers._References.load = timed("parse/validate", importers._References.load)
    importers._parse_rows = timed("parse/validate", importers._parse_rows)
    importers._new_batch = timed("write", importers._new_batch)
    importers.upsert_records = timed("write", importers.upsert_records)
    engine = make_engine(f"sqlite:///{db_path}")

    @event.listens_for(engine, "before_cursor_execute")
    def _before(*_):
        state["t"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(*_):
        if state["phase"] == "write":
            spent["sqlite3"] = spent.get("sqlite3", 0.0) + time.perf_counter() - state["t"]

    t0 = time.perf_counter()
    try:
        summary = importers.import_file(engine, "enterprise-years", csv_path).to_dict()
    except ImportRejected as exc:
        summary = {"rejected_problems": len(exc.problems) + exc.more}
    seconds = time.perf_counter() - t0
    engine.dispose()
    write = spent.pop("write", 0.0)
    sql = spent.pop("sqlite3", 0.0)
    spent["upsert: SQLAlchemy/Python"], spent["upsert: sqlite3"] = write - sql, sql
    spent["other (commit, header, ...)"] = seconds - sum(spent.values())
    return {"seconds": seconds, "phases": spent, "summary": summary}


# --- parent ------------------------------------------------------------------------------------------

def run_child(*args: str) -> dict:
    return _child.run_child(__file__, *args)


def measure(mode: str, csv_path: str, db_template: str | None, work: Path) -> dict:
    """One measurement on a copy of ``db_template`` (or a new database file)."""
    db = work / "run.db"
    for leftover in work.glob("run.db*"):
        leftover.unlink()
    if db_template is not None:
        shutil.copyfile(db_template, db)
    return run_child(mode, csv_path, str(db))


def write_csvs(work: Path, codes: list[str]) -> dict[str, Path]:
    rng = random.Random(20191231)
    rows = [f"{c},{y},zhongguancun,revenue,{rng.randint(1, 10**7) / 10:.1f}\n" for c in codes for y in YEARS]
    files = {"new": work / "values.csv", "invalid": work / "invalid.csv"}
    files["new"].write_text(HEADER + "".join(rows))
    files["invalid"].write_text(HEADER + "".join(r.replace(",revenue,", ",revenue,-") for r in rows))
    for n in REIMPORT_ROWS:
        files[f"re-import {n}"] = work / f"values_{n}.csv"
        files[f"re-import {n}"].write_text(HEADER + "".join(rows[:n]))
    return files


def prepare(work: Path) -> dict:
    """(Child) CSV files, and database templates: reference data + enterprises (+ the re-imported file)."""
    from parknet.codes import make_uscc
    from parknet.services.reference import init_database
    from parknet.store.importers import import_file
    from parknet.store.session import make_engine

    codes = [make_uscc("110000", i) for i in range(ENTERPRISES)]
    (work / "enterprises.csv").write_text(
        "credit_code,name,zone_id\n"
        + "".join(f"{c},Enterprise {i},zhongguancun\n" for i, c in enumerate(codes)))
    files = write_csvs(work, codes)
    templates = {"base": work / "base.db"}
    engine = make_engine(f"sqlite:///{templates['base']}")
    init_database(engine)
    import_file(engine, "enterprises", work / "enterprises.csv")
    engine.dispose()  # last connection closed: the WAL is checkpointed into the file
    for n in REIMPORT_ROWS:
        templates[n] = work / f"loaded_{n}.db"
        shutil.copyfile(templates["base"], templates[n])
        engine = make_engine(f"sqlite:///{templates[n]}")
        import_file(engine, "enterprise-years", files[f"re-import {n}"])
        engine.dispose()
    return {"files": {k: str(v) for k, v in files.items()},
            "templates": {str(k): str(v) for k, v in templates.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *paths = args.child
        result = {"prepare": lambda work: prepare(Path(work)), "anchor": child_anchor,
                  "parknet": child_parknet}[mode](*paths)
        result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="parknet-bench-") as tmp:
        work = Path(tmp)
        prepared = run_child("prepare", tmp)
        files, templates = prepared["files"], prepared["templates"]
        cases = [("anchor", "new", None), ("new", "new", templates["base"]),
                 ("invalid", "invalid", templates["base"])]
        for n in REIMPORT_ROWS:
            cases += [(f"anchor {n}", f"re-import {n}", None),
                      (f"re-import {n}", f"re-import {n}", templates[str(n)])]
        results: dict[str, list[dict]] = {name: [] for name, _, _ in cases}
        for _ in range(args.runs):  # interleaved, so drifting machine load hits every case alike
            for name, file_key, template in cases:
                mode = "anchor" if name.startswith("anchor") else "parknet"
                results[name].append(measure(mode, files[file_key], template, work))

    def med(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    def rows_of(file_key: str) -> int:
        return ENTERPRISES * len(YEARS) if file_key in ("new", "invalid") else int(file_key.split()[-1])

    print(f"ParkNet import, kind enterprise-years, SQLite — medians of {args.runs} runs, one process each")
    print(f"{platform.node()} · {platform.machine()} · Python {platform.python_version()}")
    print(f"{'case':<22}{'rows':>9}{'seconds':>9}{'rows/s':>10}{'time x':>9}{'peak RSS MiB':>14}{'RSS x':>7}")
    for name, file_key, _ in cases:
        anchor = "anchor" if file_key in ("new", "invalid") else f"anchor {file_key.split()[-1]}"
        n, s, rss = rows_of(file_key), med(name, "seconds"), med(name, "rss_mib")
        print(f"{name:<22}{n:>9,}{s:>9.2f}{n / s:>10,.0f}{s / med(anchor, 'seconds'):>9.1f}"
              f"{rss:>14.0f}{rss / med(anchor, 'rss_mib'):>7.1f}")
    small, large = REIMPORT_ROWS
    def growth(get) -> float:
        return (statistics.median(map(get, results[f"re-import {large}"]))
                / statistics.median(map(get, results[f"re-import {small}"])))

    in_sqlite = growth(lambda r: r["phases"]["upsert: sqlite3"])
    print(f"re-import: rows x{large / small:.0f} -> time x{growth(lambda r: r['seconds']):.1f}, time inside "
          f"sqlite3 x{in_sqlite:.1f} (linear would be x{large / small:.0f})")
    for name in ("anchor", "new", "invalid", f"re-import {large}"):
        phases = {k: statistics.median(r["phases"][k] for r in results[name])
                  for k in results[name][0]["phases"]}
        total = med(name, "seconds")
        print(f"where the time goes (median per phase), {name}: " + " · ".join(
            f"{k} {v:.1f} s ({v / total:.0%})" for k, v in phases.items()))
    new, invalid = results["new"][-1]["summary"], results["invalid"][-1]["summary"]
    again = results[f"re-import {large}"][-1]["summary"]
    print(f"check: new inserted {new['inserted']:,} rows; invalid rejected with "
          f"{invalid['rejected_problems']:,} problems; re-import {large}: {again['unchanged']:,} unchanged")


if __name__ == "__main__":
    main()
