"""page failures: pages that gave no article, with status and reason (extraction health)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("input", sa.String(length=2048), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("feed_url", sa.String(length=2048), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_page_failures_domain_at", "page_failures", ["domain", "at"])
    op.create_index("ix_page_failures_feed_at", "page_failures", ["feed_url", "at"])


def downgrade() -> None:
    op.drop_index("ix_page_failures_feed_at", table_name="page_failures")
    op.drop_index("ix_page_failures_domain_at", table_name="page_failures")
    op.drop_table("page_failures")
