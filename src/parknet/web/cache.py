"""A small cache of computed aggregates, invalidated whenever the data version changes (a new import batch
or audit entry), so the dashboard stays fast and never shows stale numbers after a write."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy import Engine
from starlette.responses import Response

from parknet.services.overview import data_version

__all__ = ["Cache"]


class Cache:
    """``get(key, compute)``: the cached value for ``key`` while the data version is unchanged.

    The version is read at most every ``check_every`` seconds (a cheap query), so a write through another
    process shows within that time, and a write through this app immediately (:meth:`invalidate`).
    """

    def __init__(self, engine: Engine, check_every: float = 1.0) -> None:
        self.engine = engine
        self.check_every = check_every
        self._lock = Lock()
        self._values: dict[Hashable, Any] = {}
        self._version: tuple[int, int] | None = None
        self._checked = 0.0

    def invalidate(self) -> None:
        with self._lock:
            self._values.clear()
            self._checked = 0.0

    def json(self, key: Hashable, compute: Callable[[], Any]) -> Response:
        """A JSON response whose encoded body is cached (the hot read endpoints): no re-validation or
        re-encoding of unchanged aggregates on every request."""
        body = self.get(("json", key), lambda: json.dumps(jsonable_encoder(compute()), ensure_ascii=False,
                                                            separators=(",", ":"), allow_nan=False).encode())
        return Response(body, media_type="application/json")

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        now = time.monotonic()
        if now - self._checked > self.check_every:
            version = data_version(self.engine)
            with self._lock:
                if version != self._version:
                    self._values.clear()
                    self._version = version
                self._checked = now
        try:
            return self._values[key]
        except KeyError:
            value = compute()
            with self._lock:
                self._values[key] = value
            return value
