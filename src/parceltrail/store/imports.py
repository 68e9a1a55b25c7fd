"""Order-file imports started from the dashboard: their progress and outcome, readable by every process.

The import runs in the process that received the file; it writes how many rows it has read after each
batch, so the progress page can be answered by any API process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

import_jobs = Table(
    "import_jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("staff_id", String(32), ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
    Column("filename", String(200), nullable=False),
    Column("state", String(16), nullable=False),  # running | done | failed
    Column("rows_total", Integer, nullable=False),
    Column("rows_done", Integer, nullable=False),
    Column("report", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index(None, "shop_id", "created_at"),
)


@dataclass(frozen=True, slots=True)
class ImportJob:
    id: str
    shop_id: str
    filename: str
    state: str
    rows_total: int
    rows_done: int
    report: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime


def _job(row) -> ImportJob:
    return ImportJob(row.id, row.shop_id, row.filename, row.state, row.rows_total, row.rows_done, row.report,
                     row.error, row.created_at, row.updated_at)


class ImportRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, job: ImportJob, staff_id: str | None) -> None:
        self._c.execute(insert(import_jobs).values(
            id=job.id, shop_id=job.shop_id, staff_id=staff_id, filename=job.filename, state=job.state,
            rows_total=job.rows_total, rows_done=job.rows_done, created_at=job.created_at, updated_at=job.updated_at))

    def update(self, job_id: str, at: datetime, **values: object) -> None:
        self._c.execute(update(import_jobs).where(import_jobs.c.id == job_id).values(updated_at=at, **values))

    def get(self, shop_id: str, job_id: str) -> ImportJob | None:
        row = self._c.execute(select(import_jobs).where(import_jobs.c.id == job_id,
                                                        import_jobs.c.shop_id == shop_id)).first()
        return _job(row) if row else None

    def recent(self, shop_id: str, limit: int) -> list[ImportJob]:
        rows = self._c.execute(select(import_jobs).where(import_jobs.c.shop_id == shop_id)
                               .order_by(import_jobs.c.created_at.desc()).limit(limit)).all()
        return [_job(r) for r in rows]
