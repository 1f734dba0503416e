"""/api/v1/audit: the audit log, newest first (admins only)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select

from parknet.store.audit import AuditEntry, verify_chain
from parknet.web.api.common import Page, PageParams, page_params
from parknet.web.security import Allow, engine_of

__all__ = ["router", "audit_page"]

router = APIRouter(prefix="/api/v1", tags=["audit"])


def audit_page(request: Request, paging: PageParams) -> Page:
    table = AuditEntry.__table__
    with engine_of(request).connect() as conn:
        total = conn.execute(select(func.count()).select_from(table)).scalar() or 0
        rows = conn.execute(select(table).order_by(table.c.id.desc())
                            .offset((paging.page - 1) * paging.per_page).limit(paging.per_page)).all()
    items = [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "entity": r.entity,
              "entity_key": r.entity_key, "before": json.loads(r.before) if r.before else None,
              "after": json.loads(r.after) if r.after else None, "hash": r.hash} for r in rows]
    return Page(items=items, total=total, page=paging.page, per_page=paging.per_page,
                pages=max(1, -(-total // paging.per_page)))


@router.get("/audit", response_model=Page)
def get_audit(request: Request, paging: PageParams = Depends(page_params), _: Any = Depends(Allow("audit:read"))) -> Page:
    """Audit entries, newest first: who, when, what, before and after, and each entry's chain hash."""
    return audit_page(request, paging)


@router.get("/audit/verify")
def get_audit_verify(request: Request, _: Any = Depends(Allow("audit:read"))) -> dict[str, Any]:
    """Recompute the hash chain: ``ok``, entries checked, first broken entry."""
    check = verify_chain(engine_of(request))
    return {"ok": check.ok, "entries": check.entries, "first_bad_id": check.first_bad_id, "reason": check.reason}
