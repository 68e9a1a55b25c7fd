"""Order-file imports from the dashboard: the import itself is ``orders_import.import_orders_csv`` (the
same one the CLI and API use); this records its progress and outcome so a page can show them.

A job still "running" with no progress for ``STALE`` was cut off (the process stopped); importing the
same file again finishes it, because importing changes nothing that is already stored.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from parceltrail.services.clock import utcnow
from parceltrail.services.errors import InvalidInput, NotFound
from parceltrail.services.orders_import import import_orders_csv
from parceltrail.store import UnitOfWork
from parceltrail.store.ids import new_id
from parceltrail.store.imports import ImportJob

STALE = timedelta(minutes=10)
BATCH = 100  # orders per transaction: small enough that the progress bar moves on a few-thousand-row file


def start_import(uow: UnitOfWork, shop_id: str, staff_id: str | None, filename: str, lines: list[str]) -> ImportJob:
    now = utcnow()
    rows = max(0, len([line for line in lines if line.strip()]) - 2)  # the column row and its description row
    job = ImportJob(new_id("imp"), shop_id, (filename or "orders.csv")[:200], "running", rows, 0, None, None, now, now)
    with uow:
        uow.imports.add(job, staff_id)
        uow.commit()
    return job


def run_import(uow: UnitOfWork, job: ImportJob, lines: list[str], tz: str = "UTC") -> None:
    """Import the file, writing progress after each batch and the report (or the refusal) at the end."""

    def progress(rows: int) -> None:
        with uow:
            uow.imports.update(job.id, utcnow(), rows_done=min(rows, job.rows_total))
            uow.commit()

    try:
        report = import_orders_csv(uow, job.shop_id, lines, tz, progress=progress, batch=BATCH)
    except (InvalidInput, NotFound) as error:
        with uow:
            uow.imports.update(job.id, utcnow(), state="failed", error=str(error))
            uow.commit()
        return
    with uow:
        uow.imports.update(job.id, utcnow(), state="done", rows_done=job.rows_total,
                           report=json.dumps(report.to_dict()))
        uow.commit()


def import_job(uow: UnitOfWork, shop_id: str, job_id: str) -> ImportJob:
    with uow.read():
        job = uow.imports.get(shop_id, job_id)
    if job is None:
        raise NotFound("import", job_id)
    if job.state == "running" and utcnow() - job.updated_at > STALE:
        return replace(job, state="interrupted")
    return job


def recent_imports(uow: UnitOfWork, shop_id: str, limit: int = 5) -> list[ImportJob]:
    with uow.read():
        return uow.imports.recent(shop_id, limit)
