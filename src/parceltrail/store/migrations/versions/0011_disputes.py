"""Disputes (a buyer's claim about a package) and their history.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("order_id", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("external_ref", sa.String(128), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("steps_done", sa.Text(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_disputes_shop_id_shops", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_disputes_package_id_packages",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_disputes_order_id_orders", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_disputes"),
        sa.UniqueConstraint("shop_id", "external_ref", name="uq_disputes_shop_id_external_ref"),
    )
    op.create_index("ix_disputes_shop_id_state_id", "disputes", ["shop_id", "state", "id"])
    op.create_index("ix_disputes_package_id", "disputes", ["package_id"])
    op.create_table(
        "dispute_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dispute_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["dispute_id"], ["disputes.id"], name="fk_dispute_history_dispute_id_disputes",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_dispute_history"),
    )
    op.create_index("ix_dispute_history_dispute_id_id", "dispute_history", ["dispute_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_dispute_history_dispute_id_id", table_name="dispute_history")
    op.drop_table("dispute_history")
    op.drop_index("ix_disputes_package_id", table_name="disputes")
    op.drop_index("ix_disputes_shop_id_state_id", table_name="disputes")
    op.drop_table("disputes")
