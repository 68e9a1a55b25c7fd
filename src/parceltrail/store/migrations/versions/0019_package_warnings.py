"""Warnings stored on packages (a number registered with force, a carrier that could not be detected, ...).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "package_warnings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("code", sa.String(48), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name="fk_package_warnings_package_id_packages",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_package_warnings"),
        sa.UniqueConstraint("package_id", "code", name="uq_package_warnings_package_id_code"),
    )


def downgrade() -> None:
    op.drop_table("package_warnings")
