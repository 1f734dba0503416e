"""Role × endpoint matrix generated from the app's routes: every route must declare a permission, and every
role (and anonymous) gets exactly the answer the policy gives: 401, 403, or through."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from parknet.web.app import create_app
from parknet.web.policy import PUBLIC, ZONE_SCOPED, roles_for
from parknet.web.security import Allow
from tests.web.conftest import OTHER_ZONE, PASSWORD, ROLES, ZONE, Site, bearer

PATH_VALUES = {"zone_id": ZONE, "code": "420000", "lang": "en"}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/auth/login"): {"json": {"username": "viewer", "password": PASSWORD}},
    ("PUT", "/api/v1/zones/{zone_id}/indicators"): {"json": [{"year": 2019, "indicator": "enterprises", "value": 7}]},
    ("POST", "/login"): {"data": {"username": "viewer", "password": PASSWORD}},
    ("POST", "/zones/{zone_id}/edit"): {"data": {"year": "2019", "indicator": "enterprises", "value": "7"}},
}
FRAMEWORK_ROUTES = {"/api/v1/openapi.json", "/api/v1/docs", "/docs/oauth2-redirect"}  # FastAPI's own, public


def permission_of(route: APIRoute) -> str | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Allow):
            return dep.call.permission
        stack.extend(dep.dependencies)
    return None


def _flatten(routes: list[Any]) -> list[Any]:
    """App routes with included routers expanded (FastAPI ≥ 0.16x keeps them behind a wrapper)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(_flatten(inner.routes) if inner is not None else [route])
    return out


@pytest.fixture(scope="module")
def routes(site: Site) -> list[tuple[str, str, str | None]]:
    app = create_app(site.engine)
    out = []
    for route in _flatten(app.routes):
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                out.append((method, route.path, permission_of(route)))
        elif isinstance(route, Mount):
            assert route.path == "/static", f"unexpected mount {route.path}"
        elif isinstance(route, Route):
            assert route.path in FRAMEWORK_ROUTES, f"route {route.path} is not a FastAPI route with a permission"
    return out


def test_every_route_declares_a_permission(routes: list[tuple[str, str, str | None]]) -> None:
    missing = [(m, p) for m, p, perm in routes if perm is None]
    assert missing == [], f"routes without Allow(permission): {missing}"
    assert len(routes) >= 20


def _call(client, method: str, path: str, headers: dict[str, str]) -> int:  # noqa: ANN001
    url = path
    for name, value in PATH_VALUES.items():
        url = url.replace("{" + name + "}", value)
    kwargs = BODIES.get((method, path), {})
    client.cookies.clear()  # a login in an earlier call must not turn "anonymous" into a session
    return client.request(method, url, headers=headers, follow_redirects=False, **kwargs).status_code


def test_matrix(client, site: Site, routes: list[tuple[str, str, str | None]]) -> None:  # noqa: ANN001
    failures = []
    for method, path, permission in routes:
        assert permission is not None
        allowed = roles_for(permission)
        is_page = not path.startswith("/api/")
        anonymous = _call(client, method, path, {})
        if permission == PUBLIC:
            if anonymous in (401, 403):
                failures.append((method, path, "anonymous", anonymous))
        elif anonymous != (303 if is_page else 401):  # pages send the anonymous to the sign-in page
            failures.append((method, path, "anonymous", anonymous))
        for role in ROLES:
            status = _call(client, method, path, bearer(site, role))
            expected_denied = permission != PUBLIC and role not in allowed
            if expected_denied and status != 403 or not expected_denied and status in (401, 403):
                failures.append((method, path, role, status))
        if permission in ZONE_SCOPED:
            other = path.replace("{zone_id}", OTHER_ZONE)
            client.cookies.clear()
            status = client.request(method, other, headers=bearer(site, "zone_admin"), follow_redirects=False,
                                    **BODIES.get((method, path), {})).status_code
            if status != 403:
                failures.append((method, other, "zone_admin (other zone)", status))
    assert failures == []
