"""Alembic environment: runs migrations on the engine ParkNet passes in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from parknet.store import accounts, audit, cooperation, enabling, ledger, sharing  # noqa: F401  (tables of later revisions)
from parknet.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations_online()
