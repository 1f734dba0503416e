"""Reference and cross-field checks for importing the enabling mechanism's kinds (fund rounds, budgets and
applications; the three sci-tech libraries; demands; platform services). Each check returns (column,
reason) pairs for one parsed row; the importer turns them into FILE:ROW:COLUMN problems and writes nothing.

Duplicate library records: besides a repeated id, a record whose normalised title (name for experts) and
institution equal those of another record under a different id — in the file or already stored — is
refused, naming the other id (the same technology entered twice would split its matches and tickets).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, select

from parknet.store import models
from parknet.store.cooperation import AgreementParty, ProjectPartner
from parknet.store.enabling import Expert, FundRound, PlatformService, ScienceProject, Technology

__all__ = ["EnablingReferences", "CHECKS", "load", "record_identity"]


class _Refs(Protocol):
    zones: set[str]
    provinces: set[str]
    industries: set[str]
    enterprises: set[str]
    enabling: EnablingReferences


_LIBRARY_IDENTITY: dict[str, tuple[Any, str, str]] = {
    # kind → (model, title column, institution column)
    "technologies": (Technology, "title", "owner_institution"),
    "experts": (Expert, "name", "institution"),
    "science-projects": (ScienceProject, "title", "institution"),
}


@dataclass
class EnablingReferences:
    """What the enabling checks look up: rounds (province, status), zones' provinces, agreement parties,
    project partners, stored library identities, catalogue codes."""

    rounds: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (province_code, status)
    zone_province: dict[str, str] = field(default_factory=dict)
    agreement_parties: dict[str, set[str]] = field(default_factory=dict)
    project_partners: dict[str, set[str]] = field(default_factory=dict)
    identities: dict[tuple[str, str], str] = field(default_factory=dict)  # (title, institution) → id
    file_identities: dict[tuple[str, str], str] = field(default_factory=dict)
    services: set[str] = field(default_factory=set)


def load(conn: Connection, kind: str) -> EnablingReferences:
    """The references ``kind``'s checks need (nothing for other kinds)."""
    refs = EnablingReferences()
    if kind in ("fund-rounds", "fund-budgets", "fund-applications"):
        refs.rounds = {r: (p, s) for r, p, s in conn.execute(
            select(FundRound.id, FundRound.province_code, FundRound.status))}
    if kind == "fund-applications":
        refs.zone_province = dict(conn.execute(select(models.Zone.id, models.Zone.province_code)).all())
        for agreement, zone in conn.execute(select(AgreementParty.agreement_id, AgreementParty.zone_id)):
            refs.agreement_parties.setdefault(agreement, set()).add(zone)
        for project, zone in conn.execute(select(ProjectPartner.project_id, ProjectPartner.zone_id)):
            refs.project_partners.setdefault(project, set()).add(zone)
    if kind in _LIBRARY_IDENTITY:
        model, title, institution = _LIBRARY_IDENTITY[kind]
        table = model.__table__
        for rid, t, i in conn.execute(select(table.c.id, table.c[title], table.c[institution])):
            refs.identities[record_identity(t, i)] = rid
    if kind == "platform-services":
        refs.services = set(conn.execute(select(PlatformService.code)).scalars())
    return refs


_SPACE = re.compile(r"\s+")


def record_identity(title: str, institution: str) -> tuple[str, str]:
    """Case-, width- and space-insensitive identity of a library record (NFKC folds full-width letters)."""
    def norm(value: str) -> str:
        return _SPACE.sub("", unicodedata.normalize("NFKC", value or "")).casefold()
    return norm(title), norm(institution)


def _zone_refs(row: dict[str, Any], refs: _Refs, *columns: str) -> list[tuple[str, str]]:
    return [(c, f"unknown zone {row[c]!r}: import it with 'parknet import zones' first")
            for c in columns if row.get(c) is not None and row[c] not in refs.zones]


def _industries(row: dict[str, Any], refs: _Refs) -> list[tuple[str, str]]:
    codes = (row.get("industry_codes") or "").split(",")
    unknown = [c for c in codes if c and c[:2] not in refs.industries]
    if unknown:
        return [("industry_codes", f"unknown GB/T 4754-2017 division in {', '.join(unknown[:3])}")]
    return []


def _library(kind: str) -> Callable[[dict[str, Any], _Refs], list[tuple[str, str]]]:
    _, title, institution = _LIBRARY_IDENTITY[kind]

    def check(row: dict[str, Any], refs: _Refs) -> list[tuple[str, str]]:
        out = _zone_refs(row, refs, "zone_id") + _industries(row, refs)
        identity = record_identity(row[title], row[institution])
        for where, seen in (("already stored", refs.enabling.identities), ("earlier in this file",
                                                                            refs.enabling.file_identities)):
            other = seen.get(identity)
            if other is not None and other != row["id"]:
                out.append((title, f"duplicate record: {other} ({where}) has the same {title} and "
                                   f"{institution}; update that record instead of adding {row['id']}"))
                break
        refs.enabling.file_identities.setdefault(identity, row["id"])
        return out
    return check


def _round(row: dict[str, Any], refs: _Refs) -> tuple[list[tuple[str, str]], str | None]:
    found = refs.enabling.rounds.get(row["round_id"])
    if found is None:
        return [("round_id", f"unknown fund round {row['round_id']!r}: import it with "
                             "'parknet import fund-rounds' first")], None
    province, status = found
    if status != "open":
        return [("round_id", f"round {row['round_id']} is {status}: its allocation is committed, so its "
                             "budgets and applications can no longer change")], None
    return [], province


def _check_round(row: dict[str, Any], refs: _Refs) -> list[tuple[str, str]]:
    out = []
    if row["province_code"] not in refs.provinces:
        out.append(("province_code", f"unknown province code {row['province_code']} (GB/T 2260)"))
    stored = refs.enabling.rounds.get(row["round_id"])
    if stored is not None and stored[1] != "open":
        out.append(("round_id", f"round {row['round_id']} is {stored[1]}: its allocation is committed, so its "
                                "rules can no longer change"))
    elif stored is not None and stored[0] != row["province_code"]:
        out.append(("province_code", f"round {row['round_id']} belongs to province {stored[0]}"))
    return out


def _check_budget(row: dict[str, Any], refs: _Refs) -> list[tuple[str, str]]:
    return _round(row, refs)[0]


def _check_application(row: dict[str, Any], refs: _Refs) -> list[tuple[str, str]]:
    out, province = _round(row, refs)
    out += _zone_refs(row, refs, "zone_id")
    partners = (row.get("partners") or "").split("+") if row.get("partners") else []
    out += [("partners", f"unknown zone {z!r}") for z in partners if z not in refs.zones]
    if row["zone_id"] in partners:
        out.append(("partners", f"{row['zone_id']} is the applicant; list only the other zones"))
    home = refs.enabling.zone_province.get(row["zone_id"])
    if province is not None and home is not None and home != province:
        out.append(("zone_id", f"{row['zone_id']} is in province {home}; round {row['round_id']} is the fund of "
                               f"province {province}"))
    applicants = {row["zone_id"], *partners}
    for column, table, what in (("agreement_id", refs.enabling.agreement_parties, "agreement"),
                                ("project_id", refs.enabling.project_partners, "co-built project")):
        if row.get(column) is None:
            continue
        members = table.get(row[column])
        if members is None:
            out.append((column, f"unknown {what} {row[column]!r}"))
        elif row["zone_id"] not in members:
            out.append((column, f"{row['zone_id']} is not a party to {what} {row[column]} "
                                f"({', '.join(sorted(members))})"))
        elif not applicants <= members:
            out.append(("partners", f"{', '.join(sorted(applicants - members))} not a party to {what} "
                                    f"{row[column]}"))
    if row.get("min_amount") is not None and row["min_amount"] > row["amount"]:
        out.append(("min_amount", f"the smallest useful award {row['min_amount']} is more than the amount asked "
                                  f"{row['amount']}"))
    return out


def _check_demand(row: dict[str, Any], refs: _Refs) -> list[tuple[str, str]]:
    out = _zone_refs(row, refs, "zone_id") + _industries(row, refs)
    if row.get("credit_code") is not None and row["credit_code"] not in refs.enterprises:
        out.append(("credit_code", f"unknown enterprise {row['credit_code']}: import it with "
                                   "'parknet import enterprises' first"))
    return out


def _check_service(row: dict[str, Any], refs: _Refs) -> list[tuple[str, str]]:
    return _zone_refs(row, refs, "provider_zone")


CHECKS: dict[str, Callable[[dict[str, Any], Any], list[tuple[str, str]]]] = {
    "fund-rounds": _check_round,
    "fund-budgets": _check_budget,
    "fund-applications": _check_application,
    "technologies": _library("technologies"),
    "experts": _library("experts"),
    "science-projects": _library("science-projects"),
    "demands": _check_demand,
    "platform-services": _check_service,
}
