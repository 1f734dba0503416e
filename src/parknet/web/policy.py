"""Who may do what: each permission names the roles that hold it. Every route declares one permission
(``Allow(...)``); ``tests/web/test_access_matrix.py`` fails for a route without one.

Roles: admin 省级管理员 (everything, province-wide) · zone_admin 园区管理员 (reads like an analyst, writes
only its own zone) · analyst 分析人员 (reads everything) · expert 专家 (sci-tech platform; reads zone data) ·
viewer 访客 (published aggregates only).
"""

from __future__ import annotations

__all__ = ["PUBLIC", "AUTHENTICATED", "PERMISSIONS", "ZONE_SCOPED", "roles_for"]

PUBLIC = "public"
AUTHENTICATED = "authenticated"

_ALL = frozenset({"admin", "zone_admin", "analyst", "expert", "viewer"})
_READERS = frozenset({"admin", "zone_admin", "analyst", "expert"})

PERMISSIONS: dict[str, frozenset[str]] = {
    AUTHENTICATED: _ALL,
    "aggregates:read": _ALL,  # national / provincial aggregates, the zone list (published)
    "zones:read": _READERS,  # a zone's own figures
    "zones:write": frozenset({"admin", "zone_admin"}),
    "audit:read": frozenset({"admin"}),
    "agreements:read": _READERS,  # cooperation agreements, co-built projects, the provinces' frameworks
    "agreements:write": frozenset({"admin", "zone_admin"}),  # a zone admin: agreements its zone is party to
    "ledger:read": frozenset({"admin", "zone_admin", "analyst"}),  # the statistics-attribution ledger
    "ledger:close": frozenset({"admin"}),  # closing and reopening a year
    "evaluation:read": _READERS,  # rankings under the built-in evaluation schemes
    "sharing:read": frozenset({"admin", "zone_admin", "analyst"}),  # project settlements, cross-shareholding
    "fund:read": frozenset({"admin", "zone_admin", "analyst"}),  # fund rounds, allocations, the fund ledger
    "fund:write": frozenset({"admin"}),  # committing an allocation, recording disbursements
    "scitech:read": _READERS,  # the technology, expert and project libraries, demands, matching
    "scitech:write": frozenset({"admin", "zone_admin"}),  # posting demands (a zone admin: its own zone's)
    "tickets:read": _READERS,  # service tickets (人才对接 / 项目对接 / 情报服务)
    "tickets:write": frozenset({"admin", "zone_admin", "expert"}),  # open (zone admin: own zone), assign, advance
    "platform:read": _READERS,  # leading zones' service catalogues, orders and statements
    "platform:write": frozenset({"admin", "zone_admin"}),  # ordering (a zone admin: for its own zone)
}

#: permissions that a zone_admin holds only for its own zone (the route's ``zone_id`` path parameter)
ZONE_SCOPED = frozenset({"zones:write"})


def roles_for(permission: str) -> frozenset[str]:
    """The roles that hold ``permission`` (empty for PUBLIC: no login needed)."""
    if permission == PUBLIC:
        return frozenset()
    return PERMISSIONS[permission]
