"""Events say whether the seller must act on them; carrier codes no table knew are counted per shop.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("seller_action", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "unknown_codes",
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("carrier", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("shop_id", "carrier", "code", "description", name="pk_unknown_codes"),
    )


def downgrade() -> None:
    op.drop_table("unknown_codes")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("seller_action")
