"""Shared API pieces: pagination."""

from __future__ import annotations

from typing import Any

from fastapi import Query
from pydantic import BaseModel

__all__ = ["Page", "PageParams", "page_params", "paginate"]


class PageParams:
    """``?page=1&per_page=50`` (per_page ≤ 500)."""

    def __init__(self, page: int = 1, per_page: int = 50) -> None:
        self.page = page
        self.per_page = per_page


async def page_params(page: int = Query(1, ge=1, le=1_000_000), per_page: int = Query(50, ge=1, le=500)) -> PageParams:
    """The paging dependency (async, so it runs on the event loop rather than in the thread pool)."""
    return PageParams(page, per_page)


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    pages: int


def paginate(items: list[Any], params: PageParams) -> Page:
    total = len(items)
    start = (params.page - 1) * params.per_page
    return Page(items=items[start:start + params.per_page], total=total, page=params.page,
                per_page=params.per_page, pages=max(1, -(-total // params.per_page)))
