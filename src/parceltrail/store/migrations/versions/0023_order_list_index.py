"""The orders list pages in id order within a shop: an index that matches it (without one, an unfiltered
list read the shop's orders through the (shop, platform, external id) key and sorted them all).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_orders_shop_id_id", "orders", ["shop_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_orders_shop_id_id", table_name="orders")
