"""``parknet load-demo``: the reference data plus the synthetic demo data set, in one transaction.

The demo is the zone data of :func:`parknet.data.demo.generate`, the cooperation data of
:func:`parknet.data.demo_cooperation.generate_cooperation` (frameworks, agreements, co-built projects),
the fair-sharing data of :func:`parknet.data.demo_sharing.generate_sharing` (entities, holdings, coalition
values) and the enabling data of :func:`parknet.data.demo_enabling.generate_enabling` (fund rounds with
their budgets, applications, commitments and payments; the three sci-tech libraries; demands; service
tickets with their history; the leading zones' catalogues and orders).

A previous demo load is replaced (its zone data is found by its import batch of kind ``demo``, its
cooperation data as the synthetic agreements and the frameworks written by ``demo``; a demo agreement goes
as a whole, with its parties, projects, partners and values; its fair-sharing rows by their batch, like the
zone data). Data written by imports, the API or the pages is never touched: where it holds a row with the
same key as a demo row (say a zone's 2019 GDP edited after the demo was loaded, an agreement numbered like
a demo one, or a holding imported over a demo one), that row is kept, the demo row is left out, and the
load reports how many were kept. Rows that others' rows name are kept too: a demo agreement to which
someone added a project of their own, or whose project others' entities or coalition values name; a demo
framework such an agreement was made under; a demo entity that others' holdings name; a synthetic zone
that others' rows (entities included) name. The enabling data is found by its batch, and the ledger
rows without one (commitments, payments, tickets and their steps) as the synthetic rows the demo wrote; kept
are a demo fund round (as a whole) in which others applied, committed or paid, a demo ticket someone moved
on, the demo demands and library records that remaining tickets name, a demo service others ordered, and
the demo agreements and projects that others' fund applications name. A reload changes the inputs of
every closed ledger year, so each closed year is first reopened, with the reason and an audit entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    bindparam,
    delete,
    func,
    or_,
    select,
    type_coerce,
    update,
)

from parknet.data.demo import DEMO_LABEL, DemoData, generate
from parknet.data.demo_cooperation import DEMO_ACTOR, CooperationDemo, generate_cooperation
from parknet.data.demo_enabling import EnablingDemo, generate_enabling
from parknet.data.demo_sharing import SharingDemo, generate_sharing
from parknet.services.ledger import latest_version
from parknet.services.reference import init_database
from parknet.store import audit, models
from parknet.store.bulk import insert_frame
from parknet.store.cooperation import (
    Agreement,
    AgreementParty,
    CoBuiltProject,
    Framework,
    ProjectPartner,
    ProjectValue,
)
from parknet.store.enabling import (
    Demand,
    Expert,
    FundApplication,
    FundBudget,
    FundCommitment,
    FundDisbursement,
    FundRound,
    PlatformOrder,
    PlatformService,
    ScienceProject,
    ServiceTicket,
    Technology,
    TicketEvent,
)
from parknet.store.enabling_checks import record_identity
from parknet.store.ledger import LedgerReopening, closed_years
from parknet.store.sharing import CoalitionValue, Entity, Holding
from parknet.store.types import SCALE

__all__ = ["DemoLoad", "load_demo", "DEMO_KIND", "STEPS", "REOPEN_REASON"]

DEMO_KIND = "demo"
#: why a reload reopens the closed ledger years (it rewrites their inputs)
REOPEN_REASON = "演示数据重新加载 / demo data reloaded"
#: the enabling tables' columns that name a zone (a synthetic zone they name is kept)
_ENABLING_ZONE_COLUMNS = (FundApplication.zone_id, Technology.zone_id, Expert.zone_id, ScienceProject.zone_id,
                          Demand.zone_id, ServiceTicket.requester_zone, ServiceTicket.provider_zone,
                          PlatformService.provider_zone, PlatformOrder.buyer_zone)
#: library → (model, the enabling demo's frame, identity columns: title or name, institution)
_LIBRARY_TABLES = {"technology": (Technology, "technologies", "title", "owner_institution"),
                   "expert": (Expert, "experts", "name", "institution"),
                   "project": (ScienceProject, "science_projects", "title", "institution")}


@dataclass(frozen=True)
class DemoLoad:
    """What :func:`load_demo` wrote, and per table how many rows written by others it kept instead."""

    seed: int
    batch_id: int
    rows: dict[str, int]
    kept: dict[str, int]
    label: str = DEMO_LABEL
    reopened: tuple[int, ...] = ()  # closed ledger years the load reopened (:data:`REOPEN_REASON`)


def _demo_batches(conn: Connection) -> list[int]:
    return list(conn.execute(select(models.ImportBatch.id).where(models.ImportBatch.kind == DEMO_KIND)).scalars())


def _reopen_closed_years(conn: Connection) -> tuple[int, ...]:
    """Reopen every closed ledger year (:data:`REOPEN_REASON`, audited), as ``parknet ledger reopen`` does."""
    years = tuple(sorted(closed_years(conn)))
    now = datetime.now(UTC)
    for year in years:
        version = latest_version(conn, year)
        conn.execute(LedgerReopening.__table__.insert().values(
            year=year, version=version, reopened_at=now, reopened_by=DEMO_ACTOR, reason=REOPEN_REASON))
        audit.append(conn, actor=DEMO_ACTOR, action="reopen", entity="ledger",
                     entity_key=f"{year}/v{version}", after={"reason": REOPEN_REASON}, at=now)
    return years


def _keep(conn: Connection, model: type[models.Base], batches: list[int], named: set[str]) -> list[str]:
    """Delete ``model``'s demo rows (its batch) except those in ``named``: these stay without a batch until
    the new load stamps them (their keys are returned)."""
    table = model.__table__
    key = next(iter(table.primary_key.columns))
    demo = set(conn.execute(select(key).where(table.c.batch_id.in_(batches))).scalars())
    kept = sorted(demo & named)
    conn.execute(delete(table).where(table.c.batch_id.in_(batches), key.not_in(kept)))
    conn.execute(update(table).where(table.c.batch_id.in_(batches)).values(batch_id=None))
    return kept


def _remove_fund(conn: Connection, batches: list[int]) -> dict[str, list[Any]]:
    """Delete the demo's fund rounds as a whole (payments, commitments, applications, budgets), except the
    rounds in which others applied, committed or paid: these stay whole (their keys are returned)."""
    r, b, a = FundRound.__table__, FundBudget.__table__, FundApplication.__table__
    c, d = FundCommitment.__table__, FundDisbursement.__table__
    rounds = select(r.c.id).where(r.c.batch_id.in_(batches))
    ours_c = (c.c.is_synthetic.is_(True)) & (c.c.recorded_by == DEMO_ACTOR)
    ours_d = (d.c.is_synthetic.is_(True)) & (d.c.recorded_by == DEMO_ACTOR)
    named = set(conn.execute(select(a.c.round_id).where(
        a.c.round_id.in_(rounds), or_(a.c.batch_id.is_(None), a.c.batch_id.not_in(batches)))).scalars())
    named |= set(conn.execute(select(c.c.round_id).where(c.c.round_id.in_(rounds), ~ours_c)).scalars())
    named |= set(conn.execute(select(a.c.round_id).join(d, d.c.application_id == a.c.id).where(
        a.c.round_id.in_(rounds), ~ours_d)).scalars())
    gone = [x for x in conn.execute(rounds).scalars() if x not in named]
    applications = select(a.c.id).where(a.c.round_id.in_(gone))
    conn.execute(delete(d).where(d.c.application_id.in_(applications)))
    conn.execute(delete(c).where(c.c.round_id.in_(gone)))
    conn.execute(delete(a).where(a.c.round_id.in_(gone)))
    conn.execute(delete(b).where(b.c.round_id.in_(gone)))
    conn.execute(delete(r).where(r.c.id.in_(gone)))
    kept: dict[str, list[Any]] = {"fund_rounds": sorted(named)}
    for name, table, key in (("fund_budgets", b, (b.c.round_id, b.c.subfund)), ("fund_applications", a, (a.c.id,))):
        mine = table.c.round_id.in_(named) & table.c.batch_id.in_(batches)
        kept[name] = [tuple(k) for k in conn.execute(select(*key).where(mine))]
        conn.execute(update(table).where(mine).values(batch_id=None))
    conn.execute(update(r).where(r.c.id.in_(named)).values(batch_id=None))
    return kept


def _remove_enabling(conn: Connection, batches: list[int]) -> dict[str, list[Any]]:
    """Delete the demo's enabling rows (tickets and their steps, demands, libraries, orders, services, fund
    rounds), keeping those that others' rows name; returns per table the keys of the demo rows kept."""
    t, ev = ServiceTicket.__table__, TicketEvent.__table__
    ours = t.c.is_synthetic.is_(True) & (t.c.created_by == DEMO_ACTOR)
    moved_on = set(conn.execute(select(ev.c.ticket_id).join(t, t.c.id == ev.c.ticket_id).where(
        ours, ev.c.is_synthetic.is_(False))).scalars())  # someone took a step: the ticket stays, history and all
    gone = select(t.c.id).where(ours, t.c.id.not_in(moved_on))
    conn.execute(delete(ev).where(ev.c.ticket_id.in_(gone)))
    conn.execute(delete(t).where(t.c.id.in_(gone)))
    kept: dict[str, list[Any]] = {"service_tickets": sorted(moved_on)}
    named: dict[str, set[str]] = {"demand": set(), "technology": set(), "expert": set(), "project": set()}
    for demand, match, assignee in conn.execute(select(t.c.demand_id, t.c.match_ref, t.c.assignee)):
        named["demand"].add(demand)
        library, _, record = (match or "").partition(":")
        named.get(library, set()).add(record)
        named["expert"].add(assignee)  # an expert's id, or a person's name that no expert has
    kept["demands"] = _keep(conn, Demand, batches, named["demand"])
    for library, (model, name, _, _) in _LIBRARY_TABLES.items():
        kept[name] = _keep(conn, model, batches, named[library])
    o = PlatformOrder.__table__
    conn.execute(delete(o).where(o.c.batch_id.in_(batches)))
    kept["platform_services"] = _keep(conn, PlatformService, batches, set(conn.execute(select(o.c.code)).scalars()))
    return kept | _remove_fund(conn, batches)


def _remove_sharing(conn: Connection, batches: list[int]) -> list[str]:
    """Delete the demo's holdings and coalition values, then its entities except those that others'
    holdings name: these stay, without a batch until the new load stamps them (their ids are returned)."""
    for model in (Holding, CoalitionValue):
        conn.execute(delete(model).where(model.batch_id.in_(batches)))
    e, h = Entity.__table__, Holding.__table__
    demo = select(e.c.id).where(e.c.batch_id.in_(batches))
    named = sorted(set(conn.execute(select(h.c.holder_id).where(h.c.holder_id.in_(demo))).scalars())
                   | set(conn.execute(select(h.c.company_id).where(h.c.company_id.in_(demo))).scalars()))
    conn.execute(delete(e).where(e.c.batch_id.in_(batches), e.c.id.not_in(named)))
    conn.execute(update(e).where(e.c.batch_id.in_(batches)).values(batch_id=None))
    return named


def _remove_cooperation(conn: Connection) -> None:
    """Delete the demo's agreements (children first) and the demo frameworks no remaining agreement names."""
    a, p = Agreement.__table__, CoBuiltProject.__table__
    f = FundApplication.__table__  # the demo's applications are gone by now: these are others' (or kept)
    named = select(Entity.project_id).where(Entity.project_id.is_not(None)).union(
        select(CoalitionValue.project_id),  # others' fair-sharing rows (the demo's are gone by now)
        select(f.c.project_id).where(f.c.project_id.is_not(None)))
    adopted = select(p.c.agreement_id).where(or_(p.c.is_synthetic.is_(False),  # someone's own project
                                                 p.c.id.in_(named))).union(
        select(f.c.agreement_id).where(f.c.agreement_id.is_not(None)))
    agreements = list(conn.execute(select(a.c.id).where(
        a.c.is_synthetic.is_(True), a.c.created_by == DEMO_ACTOR, a.c.id.not_in(adopted))).scalars())
    projects = list(conn.execute(select(p.c.id).where(p.c.agreement_id.in_(agreements))).scalars())
    for model in (ProjectValue, ProjectPartner):
        conn.execute(delete(model).where(model.project_id.in_(projects)))
    conn.execute(delete(CoBuiltProject).where(CoBuiltProject.id.in_(projects)))
    conn.execute(delete(AgreementParty).where(AgreementParty.agreement_id.in_(agreements)))
    conn.execute(delete(Agreement).where(Agreement.id.in_(agreements)))
    named = {tuple(r) for r in conn.execute(select(a.c.province_code, a.c.framework_version)
                                            .where(a.c.framework_version.is_not(None)).distinct())}
    f = Framework.__table__
    demo = conn.execute(select(f.c.province_code, f.c.version).where(f.c.created_by == DEMO_ACTOR)).all()
    for code, version in demo:
        if (code, version) not in named:
            conn.execute(delete(f).where(f.c.province_code == code, f.c.version == version))


def _synthetic_zones_named_by_others(conn: Connection, batches: list[int]) -> list[str]:
    """The demo's synthetic zones that remaining rows (written by others) name: deleting them would break
    those rows, so they stay."""
    z = models.Zone
    candidates = list(conn.execute(select(z.id).where(z.batch_id.in_(batches), z.is_synthetic.is_(True)))
                      .scalars())
    named: set[str] = set()
    for column in (AgreementParty.zone_id, ProjectPartner.zone_id, Entity.zone_id,
                   models.ZoneIndicatorValue.zone_id, models.ZoneIndustryOutput.zone_id,
                   models.Enterprise.zone_id, models.Enterprise.incubated_in, models.EnterpriseValue.zone_id,
                   models.Relocation.from_zone, models.Relocation.to_zone, *_ENABLING_ZONE_COLUMNS):
        named |= set(conn.execute(select(column).where(column.in_(candidates)).distinct()).scalars())
    return sorted(named)


def _remove_previous(conn: Connection) -> tuple[list[str], dict[str, list[str]]]:
    """Delete the previous demo (enabling rows first: they name its agreements, projects, zones and batch;
    then the fair-sharing rows: they name its projects, zones and batch); returns the ids of the demo
    entities kept because others' holdings name them, and per enabling table the ids of the demo rows kept
    because others' rows name them."""
    batches = _demo_batches(conn)
    kept_enabling = _remove_enabling(conn, batches)
    kept_entities = _remove_sharing(conn, batches)
    _remove_cooperation(conn)
    if not batches:
        return kept_entities, kept_enabling
    for model in (models.Relocation, models.EnterpriseValue, models.Enterprise, models.ZoneIndustryOutput,
                  models.ZoneIndicatorValue):
        conn.execute(delete(model).where(model.batch_id.in_(batches)))
    z = models.Zone
    named = _synthetic_zones_named_by_others(conn, batches)
    conn.execute(delete(z).where(z.batch_id.in_(batches), z.is_synthetic.is_(True), z.id.not_in(named)))
    conn.execute(update(z).where(z.batch_id.in_(batches), z.is_synthetic.is_(False)).values(area_km2=None,
                                                                                         batch_id=None))
    conn.execute(update(z).where(z.batch_id.in_(batches)).values(batch_id=None))  # the synthetic zones kept
    conn.execute(delete(models.ImportBatch).where(models.ImportBatch.id.in_(batches)))
    return kept_entities, kept_enabling


def _fingerprint(data: DemoData, cooperation: CooperationDemo, sharing: SharingDemo,
                 enabling: EnablingDemo) -> str:
    digest = hashlib.sha256()
    for frame in (data.zones, data.zone_indicators, data.relocations, cooperation.agreements,
                  cooperation.project_partners, cooperation.project_values, sharing.entities,
                  sharing.holdings, sharing.coalition_values, enabling.fund_applications,
                  enabling.fund_commitments, enabling.fund_disbursements, enabling.technologies,
                  enabling.experts, enabling.science_projects, enabling.demands, enabling.service_tickets,
                  enabling.platform_services, enabling.platform_orders):
        digest.update(frame.hash_rows().to_numpy().tobytes())
    return digest.hexdigest()


#: the steps :func:`load_demo` reports to its ``progress`` callback, in order
STEPS = ("schema", "generate", "reopen_closed_years", "remove_previous", "zones", "zone_indicator_values",
         "zone_industry_output", "enterprises", "enterprise_values", "relocations", "frameworks",
         "agreements", "cobuilt_projects", "entities", "holdings", "coalition_values", "fund_rounds",
         "fund_ledger", "libraries", "demands", "service_tickets", "platform")


def load_demo(engine: Engine, seed: int = 20191231, *, progress: Callable[[str], None] | None = None,
              **generate_kwargs: int) -> DemoLoad:
    """Create/migrate the schema, sync reference data, then (re)load the demo data set for ``seed``.

    ``progress(step)`` is called as each of :data:`STEPS` starts (for a progress bar). Closed ledger years
    are reopened first (their inputs change); the result lists them.
    """
    report = progress or (lambda _step: None)
    report("schema")
    init_database(engine)
    report("generate")
    data = generate(seed=seed, **generate_kwargs)
    cooperation = generate_cooperation(data.zones, data.zone_indicators, data.industry_output, seed)
    sharing = generate_sharing(cooperation, data.zones, seed)
    enabling = generate_enabling(data, cooperation, seed)
    with engine.begin() as conn:
        report("reopen_closed_years")
        reopened = _reopen_closed_years(conn)
        report("remove_previous")
        kept_entities, kept_enabling = _remove_previous(conn)
        batch_id = int(conn.execute(models.ImportBatch.__table__.insert().values(
            kind=DEMO_KIND, file_name=f"parknet.data.demo.generate(seed={seed})",
            file_sha256=_fingerprint(data, cooperation, sharing, enabling),
            imported_at=datetime.now(UTC), imported_by=None, rows_read=0, rows_inserted=0, rows_updated=0,
            rows_unchanged=0, note=f"{DEMO_LABEL}: generated by ParkNet, seed {seed}; not real statistics",
        )).inserted_primary_key[0])
        rows, kept = _write(conn, data, batch_id, report)
        more_rows, more_kept = _write_cooperation(conn, cooperation, report)
        rows, kept = rows | more_rows, kept | more_kept
        more_rows, more_kept = _write_sharing(conn, sharing, batch_id, kept_entities, report)
        rows, kept = rows | more_rows, kept | more_kept
        more_rows, more_kept = _write_enabling(conn, enabling, batch_id, kept_enabling, report)
        rows, kept = rows | more_rows, kept | more_kept
        conn.execute(models.ImportBatch.__table__.update().where(models.ImportBatch.id == batch_id)
                     .values(rows_read=sum(rows.values()) + sum(kept.values()), rows_inserted=sum(rows.values()),
                             rows_unchanged=sum(kept.values())))
    return DemoLoad(seed, batch_id, rows, {k: n for k, n in kept.items() if n}, reopened=reopened)


def _not_taken(conn: Connection, model: type[models.Base], frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """``frame`` without the rows whose primary key a non-demo row already holds (those are kept)."""
    table = model.__table__
    key = ([c.name for c in table.primary_key.columns] if model is not models.Relocation
           else ["credit_code", "moved_on"])  # relocations have a surrogate id; this is their natural key
    taken = conn.execute(select(*[table.c[k] for k in key])).all()
    if not taken:
        return frame, 0
    existing = pl.DataFrame(taken, schema={k: frame.schema[k] for k in key}, orient="row")
    remaining = frame.join(existing, on=key, how="anti")
    return remaining, frame.height - remaining.height


def _write(conn: Connection, data: DemoData, batch_id: int,
           report: Callable[[str], None]) -> tuple[dict[str, int], dict[str, int]]:
    stamp = pl.lit(batch_id).alias("batch_id")
    national = data.zones.filter(~pl.col("is_synthetic"))
    known = set(conn.execute(select(models.Zone.id)).scalars())
    missing = set(national["zone_id"]) - known
    if missing:
        raise RuntimeError(f"demo zones missing from the reference table: {sorted(missing)[:5]}")
    rows: dict[str, int] = {}
    kept: dict[str, int] = {}
    report("zones")
    _set_areas(conn, national, batch_id)
    synthetic, kept["zones"] = _not_taken(
        conn, models.Zone, data.zones.filter(pl.col("is_synthetic")).rename({"zone_id": "id"}))
    rows["synthetic_zones"] = insert_frame(conn, models.Zone.__table__, synthetic.with_columns(stamp))
    renamed = {"indicator": "indicator_code", "date": "moved_on"}
    for name, model, frame in (
        ("zone_indicator_values", models.ZoneIndicatorValue, data.zone_indicators),
        ("zone_industry_output", models.ZoneIndustryOutput, data.industry_output),
        ("enterprises", models.Enterprise, data.enterprises),
        ("enterprise_values", models.EnterpriseValue, data.enterprise_years),
        ("relocations", models.Relocation, data.relocations),
    ):
        report(name)
        columns = {old: new for old, new in renamed.items() if old in frame.columns}
        remaining, kept[name] = _not_taken(conn, model, frame.rename(columns))
        rows[name] = insert_frame(conn, model.__table__, remaining.with_columns(stamp),
                                  rebuild_indexes=remaining.height > 1_000_000)
    return rows, kept


def _insert(conn: Connection, model: type[models.Base], frame: pl.DataFrame) -> int:
    """Insert a small frame through SQLAlchemy (its types store the time-zone-aware timestamps)."""
    if frame.height:
        conn.execute(model.__table__.insert(), frame.to_dicts())
    return frame.height


def _write_cooperation(conn: Connection, data: CooperationDemo,
                       report: Callable[[str], None]) -> tuple[dict[str, int], dict[str, int]]:
    """Write the demo's frameworks, agreements and projects, leaving out those whose key is taken: a
    province that holds a different framework version of the same number keeps it (its demo agreements then
    name no version; a stored copy of the demo's own version, kept for someone's agreement, simply stays), a
    taken agreement or project id keeps its row (the demo's is left out with everything under it)."""
    rows: dict[str, int] = {}
    kept: dict[str, int] = {}
    report("frameworks")
    f = Framework.__table__
    stored = {(c, v): d for c, v, d in conn.execute(select(f.c.province_code, f.c.version, f.c.document))}
    keys = data.frameworks.select("province_code", "version").iter_rows()
    demo = data.frameworks.with_columns(pl.Series("stored", [stored.get(key) for key in keys], pl.String))
    differ = pl.col("stored").is_not_null() & (pl.col("stored") != pl.col("document"))
    rows["frameworks"] = _insert(conn, Framework, demo.filter(pl.col("stored").is_null()).drop("stored"))
    no_version = demo.filter(differ)["province_code"].to_list()
    kept["frameworks"] = len(no_version)
    report("agreements")
    agreements, kept["agreements"] = _not_taken(conn, Agreement, data.agreements.with_columns(
        pl.when(pl.col("province_code").is_in(no_version)).then(None)
        .otherwise(pl.col("framework_version")).alias("framework_version")))
    rows["agreements"] = _insert(conn, Agreement, agreements)
    ids = agreements["id"].implode()
    rows["agreement_parties"] = _insert(conn, AgreementParty,
                                        data.agreement_parties.filter(pl.col("agreement_id").is_in(ids)))
    report("cobuilt_projects")
    projects, kept["cobuilt_projects"] = _not_taken(
        conn, CoBuiltProject, data.cobuilt_projects.filter(pl.col("agreement_id").is_in(ids)))
    rows["cobuilt_projects"] = _insert(conn, CoBuiltProject, projects)
    ids = projects["id"].implode()
    for name, model, frame in (("project_partners", ProjectPartner, data.project_partners),
                               ("project_values", ProjectValue, data.project_values)):
        rows[name] = _insert(conn, model, frame.filter(pl.col("project_id").is_in(ids)))
    return rows, kept


def _write_sharing(conn: Connection, data: SharingDemo, batch_id: int, kept_entities: list[str],
                   report: Callable[[str], None]) -> tuple[dict[str, int], dict[str, int]]:
    """Write the demo's entities, holdings and coalition values for the demo projects now stored (written
    by this load or kept with their agreement), stamped with the demo batch, leaving out those whose key is
    taken and the holdings of a company that others' holdings would then push above 100%. The demo entities
    kept by :func:`_remove_sharing` get the new batch, so the next load reconsiders them."""
    stamp = pl.lit(batch_id).alias("batch_id")
    rows: dict[str, int] = {}
    kept: dict[str, int] = {}
    p = CoBuiltProject.__table__
    projects = list(conn.execute(select(p.c.id).where(p.c.is_synthetic.is_(True))).scalars())
    report("entities")
    e = Entity.__table__
    conn.execute(update(e).where(e.c.id.in_(kept_entities)).values(batch_id=batch_id))
    ours = pl.col("project_id").is_null() | pl.col("project_id").is_in(projects)
    entities, kept["entities"] = _not_taken(conn, Entity, data.entities.filter(ours))
    rows["entities"] = _insert(conn, Entity, entities.with_columns(stamp))
    report("holdings")
    known = list(conn.execute(select(e.c.id)).scalars())
    holdings, kept["holdings"] = _not_taken(conn, Holding, data.holdings.filter(
        pl.col("holder_id").is_in(known) & pl.col("company_id").is_in(known)))
    holdings, over = _within_whole(conn, holdings)
    kept["holdings"] += over
    rows["holdings"] = _insert(conn, Holding, holdings.with_columns(stamp))
    report("coalition_values")
    values, kept["coalition_values"] = _not_taken(
        conn, CoalitionValue, data.coalition_values.filter(pl.col("project_id").is_in(projects)))
    rows["coalition_values"] = _insert(conn, CoalitionValue, values.with_columns(stamp))
    return rows, kept


def _restamp(conn: Connection, kept: dict[str, list[Any]], batch_id: int) -> None:
    """Give the demo rows kept by :func:`_remove_enabling` the new batch, so the next load reconsiders them."""
    b = FundBudget.__table__
    for model, name in ((FundRound, "fund_rounds"), (FundApplication, "fund_applications"), (Demand, "demands"),
                        (Technology, "technologies"), (Expert, "experts"), (ScienceProject, "science_projects"),
                        (PlatformService, "platform_services")):
        table = model.__table__
        key = next(iter(table.primary_key.columns))
        ids = [k[0] if isinstance(k, tuple) else k for k in kept.get(name, [])]
        if ids:
            conn.execute(update(table).where(key.in_(ids)).values(batch_id=batch_id))
    for round_id, subfund in kept.get("fund_budgets", []):
        conn.execute(update(b).where(b.c.round_id == round_id, b.c.subfund == subfund).values(batch_id=batch_id))


def _not_twins(conn: Connection, model: type[models.Base], frame: pl.DataFrame, title: str, institution: str
               ) -> tuple[pl.DataFrame, int]:
    """``frame`` without the library records whose normalised title and institution a stored record of
    another id has (the import refuses such duplicates too; see :mod:`parknet.store.enabling_checks`)."""
    table = model.__table__
    stored = {record_identity(t, i): k for k, t, i in conn.execute(select(table.c.id, table.c[title], table.c[institution]))}
    if not stored:
        return frame, 0
    keep = [stored.get(record_identity(t, i), k) == k for k, t, i in frame.select("id", title, institution).iter_rows()]
    remaining = frame.filter(pl.Series(keep, dtype=pl.Boolean))
    return remaining, frame.height - remaining.height


def _existing(conn: Connection, column: Any, frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """``frame`` with ``name`` set to null where no stored row has that key (a demo agreement or project
    left out because others hold its id is not named)."""
    known = list(conn.execute(select(column)).scalars())
    return frame.with_columns(pl.when(pl.col(name).is_in(known)).then(pl.col(name)).otherwise(None).alias(name))


def _write_enabling(conn: Connection, data: EnablingDemo, batch_id: int, kept_rows: dict[str, list[Any]],
                    report: Callable[[str], None]) -> tuple[dict[str, int], dict[str, int]]:
    """Write the demo's enabling rows in FK order (rounds, budgets, applications, commitments, payments;
    libraries; demands; tickets and their steps; services and orders), those with a batch stamped with the
    demo's, leaving out rows whose key is taken (a round goes with everything in it; a ticket with its
    steps; orders follow their service) and library records that would duplicate a stored one."""
    stamp = pl.lit(batch_id).alias("batch_id")
    rows: dict[str, int] = {}
    kept: dict[str, int] = {}
    _restamp(conn, kept_rows, batch_id)
    report("fund_rounds")
    rounds, kept["fund_rounds"] = _not_taken(conn, FundRound, data.fund_rounds)
    rows["fund_rounds"] = _insert(conn, FundRound, rounds.with_columns(stamp))
    ours = pl.col("round_id").is_in(rounds["id"].implode())
    rows["fund_budgets"] = _insert(conn, FundBudget, data.fund_budgets.filter(ours).with_columns(stamp))
    applications, kept["fund_applications"] = _not_taken(conn, FundApplication, data.fund_applications.filter(ours))
    applications = _existing(conn, Agreement.id, applications, "agreement_id")
    applications = _existing(conn, CoBuiltProject.id, applications, "project_id")
    rows["fund_applications"] = _insert(conn, FundApplication, applications.with_columns(stamp))
    report("fund_ledger")
    ours = pl.col("application_id").is_in(applications["id"].implode())
    rows["fund_commitments"] = _insert(conn, FundCommitment, data.fund_commitments.filter(ours))
    rows["fund_disbursements"] = _insert(conn, FundDisbursement, data.fund_disbursements.filter(ours))
    report("libraries")
    for model, name, title, institution in _LIBRARY_TABLES.values():
        frame, kept[name] = _not_taken(conn, model, getattr(data, name))
        frame, twins = _not_twins(conn, model, frame, title, institution)
        kept[name] += twins
        rows[name] = _insert(conn, model, frame.with_columns(stamp))
    report("demands")
    demands, kept["demands"] = _not_taken(conn, Demand, data.demands)
    rows["demands"] = _insert(conn, Demand, demands.with_columns(stamp))
    report("service_tickets")
    tickets, kept["service_tickets"] = _not_taken(conn, ServiceTicket, data.service_tickets)
    rows["service_tickets"] = _insert(conn, ServiceTicket, tickets)
    rows["ticket_events"] = _insert(conn, TicketEvent, data.ticket_events.filter(
        pl.col("ticket_id").is_in(tickets["id"].implode())))
    report("platform")
    services, kept["platform_services"] = _not_taken(conn, PlatformService, data.platform_services)
    rows["platform_services"] = _insert(conn, PlatformService, services.with_columns(stamp))
    sv = PlatformService.__table__
    same = {(c, z, p) for c, z, p in data.platform_services.select("code", "provider_zone", "price").iter_rows()}
    codes = set(services["code"]) | {c for c, z, p in conn.execute(select(sv.c.code, sv.c.provider_zone, sv.c.price)
                                                                   .where(sv.c.code.in_(kept_rows.get("platform_services", []))))
                                     if (c, z, p) in same}  # a kept demo service still as generated
    orders, kept["platform_orders"] = _not_taken(conn, PlatformOrder, data.platform_orders.filter(
        pl.col("code").is_in(sorted(codes))))
    rows["platform_orders"] = _insert(conn, PlatformOrder, orders.with_columns(stamp))
    return rows, kept


def _within_whole(conn: Connection, holdings: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """``holdings`` without those of the companies that the stored holdings (others') and these together
    would hold more than 100% (the import of holdings refuses that too); and how many were left out."""
    h = Holding.__table__
    units = func.sum(type_coerce(h.c.share, BigInteger))
    stored = dict(conn.execute(select(h.c.company_id, units).group_by(h.c.company_id)).all())
    if not stored:
        return holdings, 0
    demo = holdings.group_by("company_id").agg(pl.col("share").sum())
    over = [c for c, share in demo.iter_rows() if stored.get(c, 0) + int(share * SCALE) > SCALE]
    remaining = holdings.filter(~pl.col("company_id").is_in(over))
    return remaining, holdings.height - remaining.height


def _set_areas(conn: Connection, national: pl.DataFrame, batch_id: int) -> None:
    """Demo areas of the real national zones: synthetic values (real planned areas are not compiled);
    the demo batch id on the zone row records that provenance, and a later load resets them."""
    table = models.Zone.__table__
    stmt = (update(table).where(table.c.id == bindparam("zid"))
            .values(area_km2=bindparam("area"), batch_id=batch_id))
    conn.execute(stmt, [{"zid": z, "area": a} for z, a in national.select("zone_id", "area_km2").iter_rows()])
