"""entities.mention_count: how often each entity is mentioned, kept up to date on save

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entities") as batch:
        batch.add_column(sa.Column("mention_count", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_entities_mention_count", ["mention_count"])
    op.execute(
        "UPDATE entities SET mention_count = "
        "(SELECT COUNT(*) FROM mentions WHERE mentions.entity_id = entities.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("entities") as batch:
        batch.drop_index("ix_entities_mention_count")
        batch.drop_column("mention_count")
