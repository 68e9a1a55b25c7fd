"""Shops, API keys, packages and events.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shops",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shops"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_api_keys_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_table(
        "packages",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("tracking_number", sa.String(64), nullable=False),
        sa.Column("carrier", sa.String(32), nullable=True),
        sa.Column("carrier_key", sa.String(32), nullable=False),
        sa.Column("order_ref", sa.String(128), nullable=True),
        sa.Column("dest_postal_code", sa.String(16), nullable=True),
        sa.Column("dest_country", sa.String(2), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("substatus", sa.String(32), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("newest_key", sa.String(80), nullable=True),
        sa.Column("last_event_at", UTCDateTime(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_packages_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_packages"),
        sa.UniqueConstraint("shop_id", "tracking_number", "carrier_key",
                            name="uq_packages_shop_id_tracking_number_carrier_key"),
    )
    op.create_index("ix_packages_shop_id_status_id", "packages", ["shop_id", "status", "id"])
    op.create_index("ix_packages_shop_id_carrier_id", "packages", ["shop_id", "carrier", "id"])
    op.create_index("ix_packages_shop_id_updated_at", "packages", ["shop_id", "updated_at"])
    op.create_index("ix_packages_status_last_event_at", "packages", ["status", "last_event_at"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("substatus", sa.String(32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("carrier_code", sa.String(64), nullable=True),
        sa.Column("city", sa.String(128), nullable=True),
        sa.Column("region", sa.String(64), nullable=True),
        sa.Column("postal_code", sa.String(16), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_events_package_id_packages",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("package_id", "fingerprint", name="uq_events_package_id_fingerprint"),
    )
    op.create_index("ix_events_package_id_occurred_at", "events", ["package_id", "occurred_at"])


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("packages")
    op.drop_table("api_keys")
    op.drop_table("shops")
