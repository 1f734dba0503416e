"""What every CLI command shares: the engine, error reporting (exit code 2, nothing written), JSON output,
and the acting user (``--as``)."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from parknet.errors import ImportRejected, InvalidArgument, ParkNetError

__all__ = ["out", "err", "engine", "fail", "emit_json", "principal", "operator", "parse_date", "AsUser", "AsJson"]

#: ``--as USER``: the ParkNet account a command acts as (see :func:`principal`)
AsUser = Annotated[str | None, typer.Option("--as", help="以该用户身份操作 / act as this ParkNet user (default: the "
                                                         "CLI operator, with the province admin's rights)")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON output")]

out = Console()
err = Console(stderr=True)


def engine():  # noqa: ANN201 - imported lazily so `parknet --help` stays fast
    from parknet.store.session import make_engine

    return make_engine()


def fail(exc: ParkNetError) -> NoReturn:
    """Print the error (each import problem as FILE:ROW:COLUMN) and exit with code 2."""
    if isinstance(exc, ImportRejected):
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        if exc.more:
            print(f"… and {exc.more} more problems", file=sys.stderr)
        print("导入失败，数据库未作任何修改 / import rejected, nothing was written", file=sys.stderr)
    else:
        print(f"错误 / error: {exc}", file=sys.stderr)
    raise typer.Exit(2)


def emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def parse_date(value: str | None, argument: str) -> date | None:
    """``YYYY-MM-DD`` → date (None stays None); anything else exits 2 naming ``argument``."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(InvalidArgument(argument, f"not a date (YYYY-MM-DD): {value!r}"))


def operator() -> str:
    """The audit actor of a CLI run without ``--as``: the operating-system user."""
    return f"cli:{getpass.getuser()}"


def principal(engine_: Any, as_user: str | None) -> Any:
    """The acting user: ``--as USER`` (an active ParkNet account, e.g. a zone admin confirming an agreement),
    else the CLI operator, who holds the province admin's rights (they have the database itself)."""
    from parknet.services.accounts import Principal, principal_by_name

    if as_user is None:
        return Principal(0, operator(), "admin")
    return principal_by_name(engine_, as_user)
