"""Fast bulk insertion of polars DataFrames (millions of rows): SQLite ``executemany`` on the raw
connection, PostgreSQL ``COPY``. Exact columns (:class:`~parknet.store.types.ExactDecimal`) are scaled to
integers in polars first, so no Python object is made per value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table

from parknet.store.types import SCALE, ExactDecimal

__all__ = ["insert_frame"]

_CHUNK = 200_000


def _prepare(table: Table, frame: pl.DataFrame, dialect: str) -> pl.DataFrame:
    unknown = [c for c in frame.columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name}: no columns {unknown}")
    exprs = []
    for name in frame.columns:
        if isinstance(table.c[name].type, ExactDecimal):
            exprs.append((pl.col(name).cast(pl.Float64) * SCALE).round(0).cast(pl.Int64).alias(name))
        elif dialect == "sqlite" and frame.schema[name] == pl.Date:
            exprs.append(pl.col(name).dt.strftime("%Y-%m-%d"))  # SQLAlchemy's SQLite date format
        else:
            exprs.append(pl.col(name))
    return frame.select(exprs)


def _rows(frame: pl.DataFrame) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, frame.height, _CHUNK):
        yield frame.slice(start, _CHUNK).rows()


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame, *, rebuild_indexes: bool = False) -> int:
    """Insert every row of ``frame`` (columns named as ``table``'s) inside ``conn``'s transaction.

    ``rebuild_indexes`` drops the table's secondary indexes first and builds them again afterwards, in the
    same transaction: one sort instead of millions of index updates (4.3 million enterprise values load in
    about 60% of the time; a failure rolls the indexes back with everything else).
    """
    if frame.height == 0:
        return 0
    if rebuild_indexes:
        indexes = list(table.indexes)
        for index in indexes:
            index.drop(conn)
        inserted = insert_frame(conn, table, frame)
        for index in indexes:  # on failure the rollback restores the dropped indexes
            index.create(conn)
        return inserted
    frame = _prepare(table, frame, conn.dialect.name)
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:  # type: ignore[union-attr]
                for chunk in _rows(frame):
                    for row in chunk:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in frame.columns)
            sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
            for chunk in _rows(frame):
                cursor.executemany(sql, chunk)
    finally:
        cursor.close()
    return frame.height
