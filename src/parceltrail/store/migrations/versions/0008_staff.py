"""Seller staff accounts for the dashboard, and staff notes on packages.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sessions_since", UTCDateTime(), nullable=False),
        sa.Column("last_login_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_staff_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
        sa.UniqueConstraint("email", name="uq_staff_email"),
    )
    op.create_index("ix_staff_shop_id", "staff", ["shop_id"])
    op.create_table(
        "package_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("staff_id", sa.String(32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_package_notes_package_id_packages",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name="fk_package_notes_staff_id_staff", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_package_notes"),
    )
    op.create_index("ix_package_notes_package_id_id", "package_notes", ["package_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_package_notes_package_id_id", table_name="package_notes")
    op.drop_table("package_notes")
    op.drop_index("ix_staff_shop_id", table_name="staff")
    op.drop_table("staff")
