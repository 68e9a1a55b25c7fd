"""Events say where their time zone came from, and whether their carrier code was in no table.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("time_basis", sa.String(24), nullable=False, server_default="exact"))
        batch.add_column(sa.Column("unknown_code", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("unknown_code")
        batch.drop_column("time_basis")
