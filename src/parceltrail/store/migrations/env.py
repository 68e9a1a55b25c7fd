"""Alembic environment: runs on the connection handed in by ``parceltrail.store.migrate``."""

from __future__ import annotations

from alembic import context

import parceltrail.store.cases  # noqa: F401 - registers the cases tables
import parceltrail.store.disputes
import parceltrail.store.flags  # noqa: F401 - registers the flags tables
import parceltrail.store.labels  # noqa: F401  (its tables join the metadata)
import parceltrail.store.orders
import parceltrail.store.proofs  # noqa: F401 - proof of delivery and buyer confirmations
import parceltrail.store.tiktok  # noqa: F401 - registers the TikTok tables
import parceltrail.store.warnings  # noqa: F401 - registers the package warnings table
from parceltrail.store.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `parceltrail migrate` (parceltrail.store.migrate.upgrade)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
