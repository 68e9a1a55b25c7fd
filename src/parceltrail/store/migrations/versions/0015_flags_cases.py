"""Exception flags with their history and schedule; cases with their audit trail.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from parceltrail.store.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "flags",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("due", UTCDateTime(), nullable=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.Column("open_key", sa.String(80), nullable=True),
        _fk("flags", "shop_id", "shops"),
        _fk("flags", "package_id", "packages"),
        sa.PrimaryKeyConstraint("id", name="pk_flags"),
        sa.UniqueConstraint("open_key", name="uq_flags_open_key"),
    )
    op.create_index("ix_flags_shop_id_closed_at_id", "flags", ["shop_id", "closed_at", "id"])
    op.create_index("ix_flags_package_id_id", "flags", ["package_id", "id"])
    op.create_table(
        "flag_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("flag_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _fk("flag_changes", "flag_id", "flags"),
        sa.PrimaryKeyConstraint("id", name="pk_flag_changes"),
    )
    op.create_index("ix_flag_changes_flag_id_id", "flag_changes", ["flag_id", "id"])
    op.create_table(
        "flag_schedule",
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("next_at", UTCDateTime(), nullable=True),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        _fk("flag_schedule", "package_id", "packages"),
        sa.PrimaryKeyConstraint("package_id", name="pk_flag_schedule"),
    )
    op.create_index("ix_flag_schedule_next_at", "flag_schedule", ["next_at"])
    op.create_table(
        "cases",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("shop_id", sa.String(32), nullable=False),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("problem", sa.String(32), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=True),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("next_action", sa.Text(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        _fk("cases", "shop_id", "shops"),
        _fk("cases", "package_id", "packages"),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("package_id", "problem", name="uq_cases_package_id_problem"),
    )
    op.create_index("ix_cases_shop_id_state_id", "cases", ["shop_id", "state", "id"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        _fk("case_events", "case_id", "cases"),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
    )
    op.create_index("ix_case_events_case_id_id", "case_events", ["case_id", "id"])


def downgrade() -> None:
    for table in ("case_events", "cases", "flag_schedule", "flag_changes", "flags"):
        op.drop_table(table)
