"""The audit log's hash chain: verify passes on an intact log and finds the first altered or deleted entry
(the append-only triggers must be dropped first — as only a database owner could)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from parknet.cli import app
from parknet.store import audit

DROP = {
    "sqlite": ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
    "postgresql": ["DROP TRIGGER audit_log_no_change ON audit_log"],
}


def _append(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        for i in range(n):
            audit.append(conn, actor="tester", action="update", entity="indicators", entity_key=f"z/2019/gdp/{i}",
                         before={"value": str(i)}, after={"value": str(i + 1)})


def _tamper(engine: Engine, statement: str) -> None:
    with engine.begin() as conn:
        for drop in DROP[engine.dialect.name]:
            conn.execute(text(drop))
        conn.execute(text(statement))


def test_intact_chain_verifies(engine: Engine) -> None:
    _append(engine, 5)
    check = audit.verify_chain(engine)
    assert check.ok and check.entries >= 5


def test_altered_entry_is_found(engine: Engine) -> None:
    _append(engine, 5)
    with engine.connect() as conn:
        target = conn.execute(text("select id from audit_log order by id limit 1 offset 2")).scalar()
    _tamper(engine, f"update audit_log set after = '{{\"value\":\"999\"}}' where id = {target}")
    check = audit.verify_chain(engine)
    assert not check.ok and check.first_bad_id == target and "altered" in (check.reason or "")


def test_deleted_entry_is_found(engine: Engine) -> None:
    _append(engine, 5)
    with engine.connect() as conn:
        ids = conn.execute(text("select id from audit_log order by id")).scalars().all()
    _tamper(engine, f"delete from audit_log where id = {ids[1]}")
    check = audit.verify_chain(engine)
    assert not check.ok and check.first_bad_id == ids[2] and "deleted" in (check.reason or "")


def test_cli_audit_verify_exit_codes(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PARKNET_DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    add = runner.invoke(app, ["users", "add", "alice", "--role", "analyst", "--password-stdin"],
                        input="a long enough password\n")
    assert add.exit_code == 0, add.output
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "1 entries" in ok.stdout
    from parknet.store.session import make_engine

    _tamper(make_engine(), "update audit_log set actor = 'mallory'")
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1 and "broken at entry 1" in bad.stderr


def test_cli_users_contract(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PARKNET_DATABASE_URL", f"sqlite:///{tmp_path / 'u.db'}")
    runner = CliRunner()
    runner.invoke(app, ["init"])
    short = runner.invoke(app, ["users", "add", "bob", "--role", "analyst", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "password: at least 10 characters" in short.stderr
    no_zone = runner.invoke(app, ["users", "add", "za", "--role", "zone_admin", "--password-stdin"],
                            input="a long enough password\n")
    assert no_zone.exit_code == 2 and "--zone" in no_zone.stderr
    ok = runner.invoke(app, ["users", "add", "za", "--role", "zone_admin", "--zone", "wuhan-donghu",
                             "--password-stdin"], input="a long enough password\n")
    assert ok.exit_code == 0
    token = runner.invoke(app, ["users", "token", "za"])
    assert token.exit_code == 0 and len(token.stdout.strip()) >= 40
    from parknet.services.accounts import token_principal
    from parknet.store.session import make_engine

    principal = token_principal(make_engine(), token.stdout.strip())
    assert principal is not None and (principal.username, principal.role, principal.zone_id) == (
        "za", "zone_admin", "wuhan-donghu")
