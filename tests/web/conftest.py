"""A running ParkNet app on a small demo database with one user per role (shared by the web tests)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from parknet.services.accounts import add_user, issue_token
from parknet.services.demo import load_demo
from parknet.store.session import make_engine
from parknet.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
ZONE = "wuhan-donghu"
OTHER_ZONE = "zhongguancun"
ROLES = ("admin", "zone_admin", "analyst", "expert", "viewer")


@dataclass(frozen=True)
class Site:
    engine: Engine
    db_url: str
    tokens: dict[str, str]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    path: Path = tmp_path_factory.mktemp("web") / "web.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    load_demo(engine, seed=5, n_enterprises=2_000, n_provincial=30)
    tokens = {}
    for role in ROLES:
        add_user(engine, role, role, PASSWORD, zone_id=ZONE if role == "zone_admin" else None)
        tokens[role] = issue_token(engine, role)
    return Site(engine, url, tokens)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_app(site.engine)) as c:
        yield c


def bearer(site: Site, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.tokens[role]}"}


def login(client: TestClient, role: str) -> str:
    """Sign in with the session cookie; returns the CSRF token."""
    r = client.post("/api/v1/auth/login", json={"username": role, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]
