"""stories: an index on last_update, so that the key topics of the day sort only the stories updated lately

(An index in rank order, score first, would make SQLite walk every story when none was updated lately.)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 15:40:00
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_stories_last_update", "stories", ["last_update"])


def downgrade() -> None:
    op.drop_index("ix_stories_last_update", table_name="stories")
