"""Proof of delivery kept per package, and the buyer's confirmation.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_proofs",
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("carrier", sa.String(32), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("signed_by", sa.String(200), nullable=True),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("facility", sa.String(200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("raw_sha256", sa.String(64), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_delivery_proofs_package_id_packages",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_delivery_proofs_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("package_id", name="pk_delivery_proofs"),
    )
    op.create_index("ix_delivery_proofs_shop_id", "delivery_proofs", ["shop_id"])
    op.create_table(
        "buyer_confirmations",
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_buyer_confirmations_package_id_packages",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_buyer_confirmations_shop_id_shops",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("package_id", name="pk_buyer_confirmations"),
    )
    op.create_index("ix_buyer_confirmations_shop_id", "buyer_confirmations", ["shop_id"])


def downgrade() -> None:
    op.drop_index("ix_buyer_confirmations_shop_id", table_name="buyer_confirmations")
    op.drop_table("buyer_confirmations")
    op.drop_index("ix_delivery_proofs_shop_id", table_name="delivery_proofs")
    op.drop_table("delivery_proofs")
