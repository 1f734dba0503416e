"""A process killed in the middle of writing an import leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from parknet.codes import make_uscc
from tests.conftest import snapshot

ROWS = 400_000


def _writing_started(engine: Engine, db_file: Path | None) -> bool:
    if db_file is not None:  # SQLite (WAL): uncommitted pages spill into the -wal file while inserting
        wal = db_file.with_name(db_file.name + "-wal")
        return wal.exists() and wal.stat().st_size > 4 * 2**20
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "select count(*) from pg_stat_activity where state = 'active' and query ilike 'insert into%enterprises%'"
        )).scalar())


@pytest.mark.slow
def test_kill_during_write_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    big = tmp_path / "enterprises.csv"
    with big.open("w") as fh:
        fh.write("credit_code,name,zone_id\n")
        for i in range(ROWS):
            fh.write(f"{make_uscc('110000', i)},测试企业{i:06d},zhongguancun\n")
    before = snapshot(engine)
    url = engine.url.render_as_string(hide_password=False)
    env = dict(os.environ, PARKNET_DATABASE_URL=url)
    db_file = Path(engine.url.database) if engine.dialect.name == "sqlite" else None
    if engine.dialect.name == "postgresql":
        # the test schema is chosen by search_path: hand it to the child through libpq's PGOPTIONS
        env["PGOPTIONS"] = _search_path_option(engine)
    proc = subprocess.Popen([sys.executable, "-m", "parknet", "import", "enterprises", str(big)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not _writing_started(engine, db_file):
        assert proc.poll() is None, f"import ended before it could be killed: {proc.communicate()}"
        assert time.monotonic() < deadline, "import never started writing"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    engine.dispose()
    assert snapshot(engine) == before
    if db_file is not None:
        with engine.connect() as conn:
            assert conn.execute(text("pragma integrity_check")).scalar() == "ok"


def _search_path_option(engine: Engine) -> str:
    with engine.connect() as conn:
        schema = conn.execute(text("select current_schema()")).scalar()
    return f"-csearch_path={schema}"
