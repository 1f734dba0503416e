"""Typed, user-facing errors. Every message says what is wrong, where, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ParkNetError",
    "InvalidArgument",
    "NotFound",
    "Problem",
    "ImportRejected",
]


class ParkNetError(Exception):
    """Base class of the errors ParkNet reports to its users."""


class InvalidArgument(ParkNetError, ValueError):
    """A function or command argument is invalid; the message names the argument."""

    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(f"{argument}: {reason}")
        self.argument = argument
        self.reason = reason


class NotFound(ParkNetError, LookupError):
    """A named record (zone, indicator, industry …) does not exist."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file: ``FILE:ROW:COLUMN: reason``.

    ``row`` is counted as in a spreadsheet (header = 1); 0 means the whole file.
    ``column`` is the header as written in the file (or ``-`` when the problem is not in one column).
    """

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.reason}"


class ImportRejected(ParkNetError):
    """An import found problems; nothing was written."""

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        self.problems = problems
        self.more = more
        head = "\n".join(str(p) for p in problems)
        tail = f"\n… and {more} more problems" if more else ""
        super().__init__(head + tail)
