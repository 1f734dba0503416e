"""After 5 failed logins for one account or one address within 15 minutes, login answers 429."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from parknet.services.accounts import add_user
from parknet.store.accounts import LoginAttempt
from tests.web.conftest import PASSWORD, Site


def _forget_failures(site: Site) -> None:
    """Age every recorded attempt out of the window, so each test counts only its own."""
    with site.engine.begin() as conn:
        conn.execute(update(LoginAttempt).values(at=datetime.now(UTC) - timedelta(hours=1)))


def test_five_failures_for_an_account_lock_it_for_fifteen_minutes(client, site: Site) -> None:  # noqa: ANN001
    add_user(site.engine, "locked", "analyst", PASSWORD)
    _forget_failures(site)
    for _ in range(5):
        assert client.post("/api/v1/auth/login", json={"username": "locked", "password": "wrong"}).status_code == 401
    r = client.post("/api/v1/auth/login", json={"username": "locked", "password": PASSWORD})
    assert r.status_code == 429 and r.headers["retry-after"] == "900"
    assert r.headers["content-type"] == "application/problem+json"
    # the failures age out of the 15-minute window: the right password works again
    with site.engine.begin() as conn:
        conn.execute(update(LoginAttempt).where(LoginAttempt.username == "locked")
                     .values(at=datetime.now(UTC) - timedelta(minutes=16)))
    assert client.post("/api/v1/auth/login", json={"username": "locked", "password": PASSWORD}).status_code == 200


def test_five_failures_from_one_address_across_accounts(client, site: Site) -> None:  # noqa: ANN001
    _forget_failures(site)
    for i in range(5):
        client.post("/api/v1/auth/login", json={"username": f"guess{i}", "password": "wrong"})
    assert client.post("/api/v1/auth/login", json={"username": "viewer", "password": PASSWORD}).status_code == 429
    _forget_failures(site)
