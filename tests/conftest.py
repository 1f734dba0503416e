"""Shared fixtures: fresh databases on SQLite and (when configured) PostgreSQL.

Store tests take the ``engine`` fixture, which runs them on both backends. ``make test`` starts a local
PostgreSQL server and sets PARKNET_TEST_POSTGRES_URL and PARKNET_REQUIRE_POSTGRES=1, so the PostgreSQL
half cannot silently disappear there; a bare ``pytest`` without a server skips it with that reason.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, MetaData, select, text

from parknet.services.reference import init_database
from parknet.store.session import make_engine

PG_URL = os.environ.get("PARKNET_TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("PARKNET_REQUIRE_POSTGRES") == "1"


def _sqlite_engine(tmp_path) -> Engine:  # noqa: ANN001
    return make_engine(f"sqlite:///{tmp_path / 'parknet.db'}")


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:  # noqa: ANN001
    engine = _sqlite_engine(tmp_path)
    init_database(engine)
    yield engine
    engine.dispose()


def _pg_engine() -> Iterator[Engine]:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("PARKNET_REQUIRE_POSTGRES=1 but PARKNET_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server: set PARKNET_TEST_POSTGRES_URL (make test does)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request, tmp_path) -> Iterator[Engine]:  # noqa: ANN001
    """A database with no schema, on each backend."""
    if request.param == "sqlite":
        engine = _sqlite_engine(tmp_path)
        yield engine
        engine.dispose()
    else:
        yield from _pg_engine()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """A migrated database with the reference data, on each backend."""
    init_database(empty_engine)
    return empty_engine


def snapshot(engine: Engine) -> dict[str, str]:
    """A digest of every table's rows, to assert that a rejected operation changed nothing."""
    meta = MetaData()
    meta.reflect(engine)
    digests = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
            digests[name] = f"{len(rows)}:" + hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests
