"""A label's weight may be unknown: TikTok Shipping labels are TikTok's, bought without our scale.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("labels") as batch:
        batch.alter_column("weight_lb", existing_type=sa.Float(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE labels SET weight_lb = 0 WHERE weight_lb IS NULL")
    with op.batch_alter_table("labels") as batch:
        batch.alter_column("weight_lb", existing_type=sa.Float(), nullable=False)
