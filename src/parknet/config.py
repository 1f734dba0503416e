"""Settings read from ``PARKNET_*`` environment variables.

One place for every tunable the adapters need; the pure core never reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "get_settings", "DEFAULT_SQLITE_PATH"]

DEFAULT_SQLITE_PATH = Path("var/parknet.db")


@dataclass(frozen=True)
class Settings:
    """Runtime settings.

    Attributes
    ----------
    database_url:
        SQLAlchemy URL. Default: SQLite file ``var/parknet.db`` (relative to the working directory).
        PostgreSQL: ``postgresql+psycopg://user:pass@host/db``.
    import_max_bytes:
        Largest file ``parknet import`` accepts (``PARKNET_IMPORT_MAX_BYTES``, default 512 MiB).
    import_max_problems:
        How many problems an invalid import lists before summarising the rest.
    """

    database_url: str
    import_max_bytes: int = 512 * 1024 * 1024
    import_max_problems: int = 200


def _default_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def get_settings() -> Settings:
    """Read the settings from the environment (no caching: tests change the environment)."""
    return Settings(
        database_url=os.environ.get("PARKNET_DATABASE_URL") or _default_url(),
        import_max_bytes=int(os.environ.get("PARKNET_IMPORT_MAX_BYTES", 512 * 1024 * 1024)),
        import_max_problems=int(os.environ.get("PARKNET_IMPORT_MAX_PROBLEMS", 200)),
    )
