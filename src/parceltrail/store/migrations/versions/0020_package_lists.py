"""Packages can stop being tracked (kept for evidence), and lists page on an index for each sort.

``(shop_id, id)`` serves the default newest-first list, ``(shop_id, updated_at, id)`` the updated-at sort
and ``updated_since`` (it replaces ``(shop_id, updated_at)``), ``(shop_id, order_ref)`` the lookup by
order reference. Plain ADD COLUMN / CREATE INDEX: no table copy on SQLite.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("packages", sa.Column("stopped_at", UTCDateTime(), nullable=True))
    op.create_index("ix_packages_shop_id_id", "packages", ["shop_id", "id"])
    op.create_index("ix_packages_shop_id_updated_at_id", "packages", ["shop_id", "updated_at", "id"])
    op.drop_index("ix_packages_shop_id_updated_at", table_name="packages")
    op.create_index("ix_packages_shop_id_order_ref", "packages", ["shop_id", "order_ref"])


def downgrade() -> None:
    op.drop_index("ix_packages_shop_id_order_ref", table_name="packages")
    op.create_index("ix_packages_shop_id_updated_at", "packages", ["shop_id", "updated_at"])
    op.drop_index("ix_packages_shop_id_updated_at_id", table_name="packages")
    op.drop_index("ix_packages_shop_id_id", table_name="packages")
    with op.batch_alter_table("packages") as batch:
        batch.drop_column("stopped_at")
