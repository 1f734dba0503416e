"""foundation schema


The foundation tables: provinces (GB/T 2260), industries (GB/T 4754-2017) and their tags, zones,
indicator definitions and yearly values, zone output by industry, enterprises (统一社会信用代码),
enterprise yearly values, relocations and import batches. Exact quantities are BIGINT ten-thousandths
(see parknet.store.types.ExactDecimal).
Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 09:38:39.035654
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=100), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_inserted', sa.Integer(), nullable=False),
    sa.Column('rows_updated', sa.Integer(), nullable=False),
    sa.Column('rows_unchanged', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batches_file_sha256'), ['file_sha256'], unique=False)

    op.create_table('indicators',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('is_money', sa.Boolean(), nullable=False),
    sa.Column('is_integer', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_indicators'))
    )
    op.create_table('industries',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=4), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['industries.code'], name=op.f('fk_industries_parent_code_industries')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_industries'))
    )
    op.create_table('provinces',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('short_name', sa.String(length=20), nullable=False),
    sa.Column('name_en', sa.String(length=50), nullable=False),
    sa.Column('capital', sa.String(length=50), nullable=True),
    sa.Column('capital_code', sa.String(length=6), nullable=True),
    sa.Column('region', sa.String(length=16), nullable=True),
    sa.Column('land_area_km2', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_provinces')),
    sa.UniqueConstraint('name', name=op.f('uq_provinces_name'))
    )
    op.create_table('industry_tags',
    sa.Column('industry_code', sa.String(length=4), nullable=False),
    sa.Column('scheme', sa.String(length=32), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.Column('tag_name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['industry_code'], ['industries.code'], name=op.f('fk_industry_tags_industry_code_industries')),
    sa.PrimaryKeyConstraint('industry_code', 'scheme', 'tag', name=op.f('pk_industry_tags'))
    )
    op.create_table('zones',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('province_code', sa.String(length=6), nullable=False),
    sa.Column('city', sa.String(length=50), nullable=True),
    sa.Column('city_code', sa.String(length=6), nullable=True),
    sa.Column('approved_year', sa.Integer(), nullable=True),
    sa.Column('area_km2', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("level in ('national', 'provincial', 'other')", name=op.f('ck_zones_level')),
    sa.CheckConstraint('area_km2 is null or area_km2 >= 0', name=op.f('ck_zones_area')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_zones_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_zones_province_code_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zones')),
    sa.UniqueConstraint('name', name=op.f('uq_zones_name'))
    )
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zones_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_zones_province_code'), ['province_code'], unique=False)

    op.create_table('enterprises',
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('industry_code', sa.String(length=4), nullable=True),
    sa.Column('zone_id', sa.String(length=64), nullable=True),
    sa.Column('incubated_in', sa.String(length=64), nullable=True),
    sa.Column('founded_year', sa.Integer(), nullable=True),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_enterprises_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['incubated_in'], ['zones.id'], name=op.f('fk_enterprises_incubated_in_zones')),
    sa.ForeignKeyConstraint(['industry_code'], ['industries.code'], name=op.f('fk_enterprises_industry_code_industries')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_enterprises_zone_id_zones')),
    sa.PrimaryKeyConstraint('credit_code', name=op.f('pk_enterprises'))
    )
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprises_incubated_in'), ['incubated_in'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_zone_id'), ['zone_id'], unique=False)

    op.create_table('zone_indicator_values',
    sa.Column('zone_id', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_zone_indicator_values_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['indicator_code'], ['indicators.code'], name=op.f('fk_zone_indicator_values_indicator_code_indicators')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_zone_indicator_values_zone_id_zones')),
    sa.PrimaryKeyConstraint('zone_id', 'year', 'indicator_code', name=op.f('pk_zone_indicator_values'))
    )
    with op.batch_alter_table('zone_indicator_values', schema=None) as batch_op:
        batch_op.create_index('ix_zone_indicator_values_year_indicator', ['year', 'indicator_code'], unique=False)

    op.create_table('zone_industry_output',
    sa.Column('zone_id', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('industry_code', sa.String(length=4), nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_zone_industry_output_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['indicator_code'], ['indicators.code'], name=op.f('fk_zone_industry_output_indicator_code_indicators')),
    sa.ForeignKeyConstraint(['industry_code'], ['industries.code'], name=op.f('fk_zone_industry_output_industry_code_industries')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_zone_industry_output_zone_id_zones')),
    sa.PrimaryKeyConstraint('zone_id', 'year', 'industry_code', 'indicator_code', name=op.f('pk_zone_industry_output'))
    )
    op.create_table('enterprise_values',
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('zone_id', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_enterprise_values_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['credit_code'], ['enterprises.credit_code'], name=op.f('fk_enterprise_values_credit_code_enterprises')),
    sa.ForeignKeyConstraint(['indicator_code'], ['indicators.code'], name=op.f('fk_enterprise_values_indicator_code_indicators')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_enterprise_values_zone_id_zones')),
    sa.PrimaryKeyConstraint('credit_code', 'year', 'indicator_code', name=op.f('pk_enterprise_values'))
    )
    with op.batch_alter_table('enterprise_values', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_values_zone_year', ['zone_id', 'year'], unique=False)

    op.create_table('relocations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('from_zone', sa.String(length=64), nullable=False),
    sa.Column('to_zone', sa.String(length=64), nullable=False),
    sa.Column('moved_on', sa.Date(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('from_zone <> to_zone', name=op.f('ck_relocations_distinct_zones')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_relocations_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['credit_code'], ['enterprises.credit_code'], name=op.f('fk_relocations_credit_code_enterprises')),
    sa.ForeignKeyConstraint(['from_zone'], ['zones.id'], name=op.f('fk_relocations_from_zone_zones')),
    sa.ForeignKeyConstraint(['to_zone'], ['zones.id'], name=op.f('fk_relocations_to_zone_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relocations')),
    sa.UniqueConstraint('credit_code', 'moved_on', name='uq_relocations_credit_code_moved_on')
    )
    with op.batch_alter_table('relocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relocations_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_relocations_from_zone'), ['from_zone'], unique=False)
        batch_op.create_index(batch_op.f('ix_relocations_to_zone'), ['to_zone'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('relocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relocations_to_zone'))
        batch_op.drop_index(batch_op.f('ix_relocations_from_zone'))
        batch_op.drop_index(batch_op.f('ix_relocations_credit_code'))

    op.drop_table('relocations')
    with op.batch_alter_table('enterprise_values', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_values_zone_year')

    op.drop_table('enterprise_values')
    op.drop_table('zone_industry_output')
    with op.batch_alter_table('zone_indicator_values', schema=None) as batch_op:
        batch_op.drop_index('ix_zone_indicator_values_year_indicator')

    op.drop_table('zone_indicator_values')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprises_zone_id'))
        batch_op.drop_index(batch_op.f('ix_enterprises_incubated_in'))

    op.drop_table('enterprises')
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zones_province_code'))
        batch_op.drop_index(batch_op.f('ix_zones_level'))

    op.drop_table('zones')
    op.drop_table('industry_tags')
    op.drop_table('provinces')
    op.drop_table('industries')
    op.drop_table('indicators')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batches_file_sha256'))

    op.drop_table('import_batches')

