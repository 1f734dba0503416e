"""Typed, user-facing errors. Every message says what is wrong, where, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ParkNetError",
    "InvalidArgument",
    "NotFound",
    "Forbidden",
    "Conflict",
    "Problem",
    "ImportRejected",
    "DataError",
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


class Forbidden(ParkNetError, PermissionError):
    """The acting user may not do this (e.g. confirming an agreement for another zone)."""


class Conflict(ParkNetError):
    """The request conflicts with the record's state (a lifecycle step out of order, a closed year)."""


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


class DataError(ParkNetError):
    """A curated data file (chains, schemes, frameworks) breaks its schema. ``problems`` holds every
    ``FILE: place: reason``."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{file} is invalid ({count}); fix the file:\n" + "\n".join(problems))
