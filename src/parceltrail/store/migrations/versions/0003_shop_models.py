"""Shops' trained delivery-date models, kept in the database so every worker and API process sees one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_models",
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("trained_at", UTCDateTime(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_shop_models_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id", name="pk_shop_models"),
    )


def downgrade() -> None:
    op.drop_table("shop_models")
