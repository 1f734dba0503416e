"""entities holdings and coalition values

Fair sharing (issue 7): the bodies that hold shares (committees, the province, asset and project
companies), the holdings between them, and each co-built project's characteristic function v(S).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 13:25:00.234675
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coalition_values',
    sa.Column('project_id', sa.String(length=32), nullable=False),
    sa.Column('coalition', sa.String(length=500), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("basis in ('expected', 'realised')", name=op.f('ck_coalition_values_basis')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_coalition_values_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['project_id'], ['cobuilt_projects.id'], name=op.f('fk_coalition_values_project_id_cobuilt_projects')),
    sa.PrimaryKeyConstraint('project_id', 'coalition', name=op.f('pk_coalition_values'))
    )
    op.create_table('entities',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('zone_id', sa.String(length=64), nullable=True),
    sa.Column('province_code', sa.String(length=6), nullable=True),
    sa.Column('project_id', sa.String(length=32), nullable=True),
    sa.Column('is_synthetic', sa.Boolean(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind in ('committee', 'province', 'asset_company', 'project_company')", name=op.f('ck_entities_kind')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_entities_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['project_id'], ['cobuilt_projects.id'], name=op.f('fk_entities_project_id_cobuilt_projects')),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_entities_province_code_provinces')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_entities_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entities'))
    )
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entities_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entities_zone_id'), ['zone_id'], unique=False)

    op.create_table('holdings',
    sa.Column('holder_id', sa.String(length=64), nullable=False),
    sa.Column('company_id', sa.String(length=64), nullable=False),
    sa.Column('share', sa.BigInteger(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('holder_id <> company_id', name=op.f('ck_holdings_not_itself')),
    sa.CheckConstraint('share > 0 and share <= 10000', name=op.f('ck_holdings_share_range')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_holdings_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['company_id'], ['entities.id'], name=op.f('fk_holdings_company_id_entities')),
    sa.ForeignKeyConstraint(['holder_id'], ['entities.id'], name=op.f('fk_holdings_holder_id_entities')),
    sa.PrimaryKeyConstraint('holder_id', 'company_id', name=op.f('pk_holdings'))
    )
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holdings_company_id'), ['company_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holdings_company_id'))

    op.drop_table('holdings')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entities_zone_id'))
        batch_op.drop_index(batch_op.f('ix_entities_project_id'))

    op.drop_table('entities')
    op.drop_table('coalition_values')
