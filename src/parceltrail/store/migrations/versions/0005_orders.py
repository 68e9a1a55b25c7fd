"""Orders from shop platforms (TikTok Shop): orders, their packages (a link table), status history;
a shop's TikTok Shop connection, the browser flow's states and the TikTok webhook inbox.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("on_hold", sa.Boolean(), nullable=False),
        sa.Column("shipping_type", sa.String(16), nullable=True),
        sa.Column("buyer_name", sa.String(200), nullable=True),
        sa.Column("buyer_line1", sa.String(300), nullable=True),
        sa.Column("buyer_line2", sa.String(300), nullable=True),
        sa.Column("buyer_city", sa.String(128), nullable=True),
        sa.Column("buyer_region", sa.String(64), nullable=True),
        sa.Column("buyer_postal_code", sa.String(16), nullable=True),
        sa.Column("buyer_country", sa.String(2), nullable=True),
        sa.Column("line_items", sa.Text(), nullable=False),
        sa.Column("platform_times", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("paid_at", UTCDateTime(), nullable=True),
        sa.Column("platform_updated_at", UTCDateTime(), nullable=False),
        sa.Column("ship_by", UTCDateTime(), nullable=True),
        sa.Column("collect_by", UTCDateTime(), nullable=True),
        sa.Column("deliver_by", UTCDateTime(), nullable=True),
        sa.Column("auto_cancel_at", UTCDateTime(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_orders_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.UniqueConstraint("shop_id", "platform", "external_id", name="uq_orders_shop_id_platform_external_id"),
    )
    op.create_index("ix_orders_shop_id_status_id", "orders", ["shop_id", "status", "id"])
    op.create_index("ix_orders_shop_id_ship_by", "orders", ["shop_id", "ship_by"])
    op.create_index("ix_orders_shop_id_deliver_by", "orders", ["shop_id", "deliver_by"])
    op.create_table(
        "order_packages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(32), nullable=False),
        sa.Column("package_key", sa.String(80), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=True),
        sa.Column("package_id", sa.String(32), nullable=True),
        sa.Column("tracking_number", sa.String(64), nullable=True),
        sa.Column("carrier", sa.String(32), nullable=True),
        sa.Column("shipping_provider_id", sa.String(64), nullable=True),
        sa.Column("shipping_provider_name", sa.String(128), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_order_packages_order_id_orders",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_order_packages_package_id_packages",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_order_packages"),
        sa.UniqueConstraint("order_id", "package_key", name="uq_order_packages_order_id_package_key"),
    )
    op.create_index("ix_order_packages_package_id", "order_packages", ["package_id"])
    op.create_index("ix_order_packages_external_id", "order_packages", ["external_id"])
    op.create_index("ix_order_packages_tracking_number", "order_packages", ["tracking_number"])
    op.create_table(
        "order_status_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("on_hold", sa.Boolean(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_order_status_history_order_id_orders",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_order_status_history"),
    )
    op.create_index("ix_order_status_history_order_id_id", "order_status_history", ["order_id", "id"])
    op.create_table(
        "tiktok_connections",
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("tiktok_shop_id", sa.String(64), nullable=False),
        sa.Column("shop_cipher", sa.String(256), nullable=True),
        sa.Column("shop_name", sa.String(200), nullable=True),
        sa.Column("region", sa.String(8), nullable=True),
        sa.Column("seller_name", sa.String(200), nullable=True),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("access_expires_at", UTCDateTime(), nullable=False),
        sa.Column("refresh_expires_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_detail", sa.Text(), nullable=True),
        sa.Column("synced_through", UTCDateTime(), nullable=True),
        sa.Column("last_sync_at", UTCDateTime(), nullable=True),
        sa.Column("last_sync_error", sa.Text(), nullable=True),
        sa.Column("connected_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_tiktok_connections_shop_id_shops",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id", name="pk_tiktok_connections"),
        sa.UniqueConstraint("tiktok_shop_id", name="uq_tiktok_connections_tiktok_shop_id"),
    )
    op.create_table(
        "tiktok_auth_states",
        sa.Column("state_hash", sa.String(64), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_tiktok_auth_states_shop_id_shops",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("state_hash", name="pk_tiktok_auth_states"),
    )
    op.create_table(
        "tiktok_inbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notification_id", sa.String(128), nullable=True),
        sa.Column("tiktok_shop_id", sa.String(64), nullable=True),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("processed_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tiktok_inbox"),
        sa.UniqueConstraint("notification_id", name="uq_tiktok_inbox_notification_id"),
    )
    op.create_index("ix_tiktok_inbox_state_id", "tiktok_inbox", ["state", "id"])


def downgrade() -> None:
    for name in ("tiktok_inbox", "tiktok_auth_states", "tiktok_connections", "order_status_history",
                 "order_packages", "orders"):
        op.drop_table(name)
