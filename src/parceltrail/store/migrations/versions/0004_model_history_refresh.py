"""When a shop model's history summaries were last re-read (the trees are retrained less often).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shop_models") as batch:
        batch.add_column(sa.Column("history_as_of", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shop_models") as batch:
        batch.drop_column("history_as_of")
