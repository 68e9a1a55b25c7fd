"""Recipients and their preferences, opt-outs by address, shops' Apprise channels, unsubscribe tokens,
a message's coalescing rank and the moment a message to a person started going out.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recipients",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("package_id", sa.String(32), nullable=True),
        sa.Column("order_id", sa.String(32), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("channels", sa.Text(), nullable=False),
        sa.Column("quiet_start", sa.String(5), nullable=True),
        sa.Column("quiet_end", sa.String(5), nullable=True),
        sa.Column("digest", sa.String(8), nullable=False, server_default="off"),
        sa.Column("digest_hour", sa.Integer(), nullable=False, server_default="8"),
        sa.Column("opted_out_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_recipients_shop_id_shops", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_recipients_package_id_packages",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_recipients_order_id_orders", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_recipients"),
        sa.UniqueConstraint("package_id", name="uq_recipients_package_id"),
        sa.UniqueConstraint("order_id", name="uq_recipients_order_id"),
    )
    op.create_index("ix_recipients_shop_id_kind_id", "recipients", ["shop_id", "kind", "id"])
    op.create_table(
        "suppressions",
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_suppressions_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id", "channel", "address", name="pk_suppressions"),
    )
    op.create_table(
        "notification_channels",
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("shown_url", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_notification_channels_shop_id_shops",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id", "kind", name="pk_notification_channels"),
    )
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("coalesce_rank", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("started_at", UTCDateTime(), nullable=True))
    op.create_table(
        "unsubscribe_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("notification_id", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"],
                                name="fk_unsubscribe_tokens_notification_id_notifications", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_unsubscribe_tokens"),
    )


def downgrade() -> None:
    op.drop_table("unsubscribe_tokens")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("started_at")
        batch.drop_column("coalesce_rank")
    op.drop_table("notification_channels")
    op.drop_table("suppressions")
    op.drop_table("recipients")
