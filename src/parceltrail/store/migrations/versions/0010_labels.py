"""Labels (what was printed, bought and promised) and each shop's shipping settings.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "labels",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("order_ref", sa.String(128), nullable=True),
        sa.Column("carrier", sa.String(32), nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("tracking_number", sa.String(64), nullable=False),
        sa.Column("ship_from", sa.Text(), nullable=False),
        sa.Column("ship_to", sa.Text(), nullable=False),
        sa.Column("weight_lb", sa.Float(), nullable=False),
        sa.Column("sides_in", sa.Text(), nullable=True),
        sa.Column("billable_lb", sa.Integer(), nullable=True),
        sa.Column("price", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("promised_on", sa.Date(), nullable=True),
        sa.Column("deliver_by", sa.Date(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("assignment", sa.Text(), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.Column("document_type", sa.String(16), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("voided_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_labels_shop_id_shops", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_labels_package_id_packages",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_labels"),
    )
    op.create_index("ix_labels_shop_id_id", "labels", ["shop_id", "id"])
    op.create_index("ix_labels_package_id", "labels", ["package_id"])
    op.create_table(
        "shop_shipping",
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("ship_from", sa.Text(), nullable=True),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("rates", sa.Text(), nullable=True),
        sa.Column("presets", sa.Text(), nullable=True),
        sa.Column("accounts", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_shop_shipping_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id", name="pk_shop_shipping"),
    )


def downgrade() -> None:
    op.drop_table("shop_shipping")
    op.drop_index("ix_labels_package_id", "labels")
    op.drop_index("ix_labels_shop_id_id", "labels")
    op.drop_table("labels")
