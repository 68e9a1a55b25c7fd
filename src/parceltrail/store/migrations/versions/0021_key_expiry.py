"""API keys can expire (a rolled key keeps working for its grace period), and a shop's keys are listed.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("expires_at", UTCDateTime(), nullable=True))
    op.create_index("ix_api_keys_shop_id_id", "api_keys", ["shop_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_api_keys_shop_id_id", table_name="api_keys")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("expires_at")
