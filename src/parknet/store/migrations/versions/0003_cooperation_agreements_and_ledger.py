"""cooperation agreements and ledger

The guiding framework in versions, agreements with their parties, co-built projects (partners' weights and
investments, yearly values) and the year-close ledger, whose snapshot tables database triggers make
append-only on SQLite and PostgreSQL (like the audit log).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:13:21.220513
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_reopenings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reopened_by', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_reopenings'))
    )
    with op.batch_alter_table('ledger_reopenings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_reopenings_year'), ['year'], unique=False)

    op.create_table('ledger_snapshots',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by', sa.String(length=100), nullable=False),
    sa.Column('inputs_sha256', sa.String(length=64), nullable=False),
    sa.Column('inputs', sa.Text(), nullable=False),
    sa.Column('rules', sa.Text(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_snapshots')),
    sa.UniqueConstraint('year', 'version', name='year_version')
    )
    with op.batch_alter_table('ledger_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_snapshots_year'), ['year'], unique=False)

    op.create_table('agreements',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('province_code', sa.String(length=6), nullable=False),
    sa.Column('framework_version', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('cooperation_type', sa.String(length=32), nullable=False),
    sa.Column('form', sa.String(length=32), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('rules', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('termination_reason', sa.Text(), nullable=True),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.CheckConstraint("cooperation_type in ('tech_enabling', 'chain_complement', 'cross_fusion')", name=op.f('ck_agreements_type')),
    sa.CheckConstraint("form in ('branch_park', 'special_cooperation_zone', 'co_built_platform', 'project_cooperation')", name=op.f('ck_agreements_form')),
    sa.CheckConstraint("status in ('draft', 'proposed', 'active', 'terminated')", name=op.f('ck_agreements_status')),
    sa.CheckConstraint('ends_on is null or ends_on >= starts_on', name=op.f('ck_agreements_dates')),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_agreements_province_code_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements'))
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_province_code'), ['province_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_status'), ['status'], unique=False)

    op.create_table('frameworks',
    sa.Column('province_code', sa.String(length=6), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_frameworks_province_code_provinces')),
    sa.PrimaryKeyConstraint('province_code', 'version', name=op.f('pk_frameworks'))
    )
    op.create_table('ledger_entries',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('source_kind', sa.String(length=32), nullable=False),
    sa.Column('zone_id', sa.String(length=64), nullable=False),
    sa.Column('indicator', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('agreement_id', sa.String(length=32), nullable=True),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['ledger_snapshots.id'], name=op.f('fk_ledger_entries_snapshot_id_ledger_snapshots')),
    sa.PrimaryKeyConstraint('snapshot_id', 'seq', name=op.f('pk_ledger_entries'))
    )
    op.create_table('ledger_totals',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.String(length=64), nullable=False),
    sa.Column('indicator', sa.String(length=64), nullable=False),
    sa.Column('raw', sa.BigInteger(), nullable=False),
    sa.Column('attributed', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['ledger_snapshots.id'], name=op.f('fk_ledger_totals_snapshot_id_ledger_snapshots')),
    sa.PrimaryKeyConstraint('snapshot_id', 'zone_id', 'indicator', name=op.f('pk_ledger_totals'))
    )
    op.create_table('agreement_parties',
    sa.Column('agreement_id', sa.String(length=32), nullable=False),
    sa.Column('zone_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by', sa.String(length=100), nullable=True),
    sa.CheckConstraint("role in ('lead', 'partner')", name=op.f('ck_agreement_parties_role')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_parties_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_agreement_parties_zone_id_zones')),
    sa.PrimaryKeyConstraint('agreement_id', 'zone_id', name=op.f('pk_agreement_parties'))
    )
    with op.batch_alter_table('agreement_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_parties_zone_id'), ['zone_id'], unique=False)

    op.create_table('cobuilt_projects',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('agreement_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('industry_code', sa.String(length=4), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind in ('platform', 'project')", name=op.f('ck_cobuilt_projects_kind')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_cobuilt_projects_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['industry_code'], ['industries.code'], name=op.f('fk_cobuilt_projects_industry_code_industries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cobuilt_projects'))
    )
    with op.batch_alter_table('cobuilt_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cobuilt_projects_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('project_partners',
    sa.Column('project_id', sa.String(length=32), nullable=False),
    sa.Column('zone_id', sa.String(length=64), nullable=False),
    sa.Column('weight', sa.BigInteger(), nullable=False),
    sa.Column('investment', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('investment >= 0', name=op.f('ck_project_partners_investment_non_negative')),
    sa.CheckConstraint('weight > 0', name=op.f('ck_project_partners_weight_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['cobuilt_projects.id'], name=op.f('fk_project_partners_project_id_cobuilt_projects')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_project_partners_zone_id_zones')),
    sa.PrimaryKeyConstraint('project_id', 'zone_id', name=op.f('pk_project_partners'))
    )
    with op.batch_alter_table('project_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_partners_zone_id'), ['zone_id'], unique=False)

    op.create_table('project_values',
    sa.Column('project_id', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_code'], ['indicators.code'], name=op.f('fk_project_values_indicator_code_indicators')),
    sa.ForeignKeyConstraint(['project_id'], ['cobuilt_projects.id'], name=op.f('fk_project_values_project_id_cobuilt_projects')),
    sa.PrimaryKeyConstraint('project_id', 'year', 'indicator_code', name=op.f('pk_project_values'))
    )
    for statement in _triggers(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION ledger_append_only()")
    op.drop_table('project_values')
    with op.batch_alter_table('project_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_partners_zone_id'))

    op.drop_table('project_partners')
    with op.batch_alter_table('cobuilt_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cobuilt_projects_agreement_id'))

    op.drop_table('cobuilt_projects')
    with op.batch_alter_table('agreement_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_parties_zone_id'))

    op.drop_table('agreement_parties')
    op.drop_table('ledger_totals')
    op.drop_table('ledger_entries')
    op.drop_table('frameworks')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_status'))
        batch_op.drop_index(batch_op.f('ix_agreements_province_code'))

    op.drop_table('agreements')
    with op.batch_alter_table('ledger_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_snapshots_year'))

    op.drop_table('ledger_snapshots')
    with op.batch_alter_table('ledger_reopenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_reopenings_year'))

    op.drop_table('ledger_reopenings')


APPEND_ONLY = ("ledger_snapshots", "ledger_entries", "ledger_totals", "ledger_reopenings")


def _triggers(dialect: str) -> list[str]:
    if dialect == "postgresql":
        out = ["CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS "
               "$$ BEGIN RAISE EXCEPTION '% is append-only (closed ledger)', TG_TABLE_NAME; END $$"]
        for table in APPEND_ONLY:
            out += [f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()",
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()"]
        return out
    return [f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (closed ledger)'); END"
            for table in APPEND_ONLY for verb in ("UPDATE", "DELETE")]
