"""backfill progress: one row per WARC byte range

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 11:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('backfill_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=2048), nullable=False),
    sa.Column('start_offset', sa.BigInteger(), nullable=False),
    sa.Column('end_offset', sa.BigInteger(), nullable=False),
    sa.Column('next_offset', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('seen', sa.Integer(), nullable=False),
    sa.Column('stored', sa.Integer(), nullable=False),
    sa.Column('already_stored', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('backfill_jobs', schema=None) as batch_op:
        batch_op.create_index('ux_backfill_jobs_path_start', ['path', 'start_offset'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('backfill_jobs', schema=None) as batch_op:
        batch_op.drop_index('ux_backfill_jobs_path_start')

    op.drop_table('backfill_jobs')
