"""Live tracking: polling schedule and claims on packages, estimates, the webhook inbox, carrier accounts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("packages") as batch:
        batch.add_column(sa.Column("origin_postal_code", sa.String(16), nullable=True))
        batch.add_column(sa.Column("origin_country", sa.String(2), nullable=True))
        batch.add_column(sa.Column("service", sa.String(32), nullable=True))
        batch.add_column(sa.Column("next_check_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("claimed_until", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(32), nullable=True))
        batch.add_column(sa.Column("last_checked_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("check_failures", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_check_error", sa.Text(), nullable=True))
        batch.create_index("ix_packages_next_check_at", ["next_check_at"])
        batch.create_index("ix_packages_carrier_key_tracking_number", ["carrier_key", "tracking_number"])
    op.create_table(
        "estimates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("revised_at", UTCDateTime(), nullable=False),
        sa.Column("earliest", sa.Date(), nullable=False),
        sa.Column("likely", sa.Date(), nullable=False),
        sa.Column("latest", sa.Date(), nullable=False),
        sa.Column("promise", sa.Date(), nullable=False),
        sa.Column("confidence", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("moment", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_estimates_package_id_packages",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_estimates"),
    )
    op.create_index("ix_estimates_package_id_revised_at", "estimates", ["package_id", "revised_at"])
    op.create_table(
        "hook_inbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("carrier", sa.String(32), nullable=False),
        sa.Column("delivery_id", sa.String(128), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("processed_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_hook_inbox"),
        sa.UniqueConstraint("carrier", "delivery_id", name="uq_hook_inbox_carrier_delivery_id"),
    )
    op.create_index("ix_hook_inbox_state_id", "hook_inbox", ["state", "id"])
    op.create_table(
        "carrier_accounts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("carrier", sa.String(32), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=True),
        sa.Column("env_ref", sa.String(128), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_carrier_accounts_shop_id_shops",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_carrier_accounts"),
        sa.UniqueConstraint("shop_id", "carrier", name="uq_carrier_accounts_shop_id_carrier"),
    )


def downgrade() -> None:
    op.drop_table("carrier_accounts")
    op.drop_table("hook_inbox")
    op.drop_table("estimates")
    with op.batch_alter_table("packages") as batch:
        batch.drop_index("ix_packages_carrier_key_tracking_number")
        batch.drop_index("ix_packages_next_check_at")
        for column in ("last_check_error", "check_failures", "last_checked_at", "claim_token", "claimed_until",
                       "next_check_at", "service", "origin_country", "origin_postal_code"):
            batch.drop_column(column)
