"""Schema: Alembic migrations create exactly the ORM's schema; init is idempotent; exact quantities."""

from __future__ import annotations

from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import BigInteger, Engine, func, select, type_coerce

from parknet.services.reference import init_database, sync_reference
from parknet.store import accounts, audit, models  # noqa: F401  (all tables in the metadata)
from parknet.store.session import current_revision, migrate
from tests.conftest import snapshot


def test_migrations_match_models(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    migrate(empty_engine)
    assert current_revision(empty_engine) == "0005"
    with empty_engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), models.Base.metadata) == []


def test_init_loads_reference_data_and_is_idempotent(empty_engine: Engine) -> None:
    first = init_database(empty_engine)
    assert first.changed["provinces"] == 34 and first.changed["industries"] == 117
    assert first.changed["indicators"] == 10
    before = snapshot(empty_engine)
    assert init_database(empty_engine).total == 0
    assert snapshot(empty_engine) == before
    with empty_engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(models.Zone).where(models.Zone.level == "national")).scalar()
        divisions = conn.execute(select(func.count()).select_from(models.Industry)
                                 .where(models.Industry.level == "division")).scalar()
    assert n == first.changed["zones"] and n >= 177
    assert divisions == 97


def test_exact_decimal_round_trips_and_sums_exactly(engine: Engine) -> None:
    v = models.ZoneIndicatorValue
    values = [Decimal("0.1"), Decimal("0.2"), Decimal("123456789012345.6789")]
    with engine.begin() as conn:
        conn.execute(v.__table__.insert(), [
            {"zone_id": "zhongguancun", "year": 2000 + i, "indicator_code": "gdp", "value": x}
            for i, x in enumerate(values)])
    with engine.connect() as conn:
        stored = conn.execute(select(v.value).order_by(v.year)).scalars().all()
        total = conn.execute(select(func.sum(v.value))).scalar()
        raw = conn.execute(select(func.sum(type_coerce(v.value, BigInteger)))).scalar()
    assert stored == values
    assert total == Decimal("123456789012345.9789")
    assert int(raw) == 1_234_567_890_123_459_789  # integer ten-thousandths: exact in SQL too


def test_sync_reference_restores_a_changed_fact(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(models.Province.__table__.update().where(models.Province.code == "420000").values(capital="错"))
    assert sync_reference(engine).changed["provinces"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(models.Province.capital).where(models.Province.code == "420000")).scalar() == "武汉市"
