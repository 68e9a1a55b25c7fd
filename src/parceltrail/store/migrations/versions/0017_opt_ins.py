"""Buyers' opt-ins from the tracking page, confirmed from the message sent to the address.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opt_ins",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_opt_ins_package_id_requested_at"), "opt_ins", ["package_id", "requested_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_opt_ins_package_id_requested_at"), table_name="opt_ins")
    op.drop_table("opt_ins")
