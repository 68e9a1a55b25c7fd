"""Events dated too far ahead to count yet: the package remembers the earliest (core.fold), indexed so the
worker can re-fold packages whose held-back events have become current.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("packages", sa.Column("future_from", UTCDateTime(), nullable=True))
    op.create_index("ix_packages_future_from", "packages", ["future_from"])


def downgrade() -> None:
    op.drop_index("ix_packages_future_from", table_name="packages")
    with op.batch_alter_table("packages") as batch:
        batch.drop_column("future_from")
