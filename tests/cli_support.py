"""What the CLI tests share: running ``parknet`` in-process, a fresh initialised SQLite database, zone admins."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parknet.cli import app

PASSWORD = "a-long-password-123"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """``parknet ARGS`` in-process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new SQLite database made by ``parknet init``, named by PARKNET_DATABASE_URL for the test; its URL."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PARKNET_DATABASE_URL", url)
    code, _, err = run("init")
    assert code == 0, err
    return url


def add_zone_admin(name: str, zone: str) -> None:
    """``parknet users add NAME --role zone_admin --zone ZONE`` (password :data:`PASSWORD`)."""
    code, _, err = run("users", "add", name, "--role", "zone_admin", "--zone", zone, "--password-stdin",
                       input=PASSWORD + "\n")
    assert code == 0, err
