"""Web pages: signing secrets shared by every process, throttle counters, shop branding, and an index
for the buyer page's lookup of a tracking number in every shop.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_secrets",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_site_secrets"),
    )
    op.create_table(
        "throttle_hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bucket", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_throttle_hits"),
    )
    op.create_index("ix_throttle_hits_bucket_at", "throttle_hits", ["bucket", "at"])
    op.create_index("ix_throttle_hits_at", "throttle_hits", ["at"])
    op.create_table(
        "shop_branding",
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=True),
        sa.Column("colour", sa.String(7), nullable=True),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(32), nullable=True),
        sa.Column("support_email", sa.String(254), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_shop_branding_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id", name="pk_shop_branding"),
    )
    op.create_index("ix_packages_tracking_number", "packages", ["tracking_number"])


def downgrade() -> None:
    op.drop_index("ix_packages_tracking_number", table_name="packages")
    op.drop_table("shop_branding")
    op.drop_index("ix_throttle_hits_at", table_name="throttle_hits")
    op.drop_index("ix_throttle_hits_bucket_at", table_name="throttle_hits")
    op.drop_table("throttle_hits")
    op.drop_table("site_secrets")
