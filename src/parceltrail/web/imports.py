"""``/app/import``: upload a Seller Center order export and watch it import, with a progress bar.

The file is read in the request (up to ``PARCELTRAIL_MAX_BODY_BYTES``); the import runs on a thread of
this process through ``services.import_jobs``, and its page re-loads itself every second while it runs
(a ``<meta http-equiv="refresh">``, so no script is needed) until it shows the report: rows read, orders
and packages created or updated, and each refused row with its column and reason.
"""

from __future__ import annotations

import json
import threading
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parceltrail.services import NotFound
from parceltrail.services.import_jobs import import_job, recent_imports, run_import, start_import
from parceltrail.store import UnitOfWork
from parceltrail.web.dashboard import StaffMember, _checked
from parceltrail.web.render import page

router = APIRouter(prefix="/app/import", include_in_schema=False)
ZONES = ("UTC", "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
         "Europe/London", "Asia/Kuala_Lumpur", "Asia/Singapore", "Asia/Jakarta", "Asia/Bangkok", "Asia/Manila")


def _uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine)


@router.get("", response_class=HTMLResponse)
def import_form(request: Request, member: StaffMember) -> Response:
    return _form(request, member)


def _form(request: Request, member, error: str | None = None, code: int = 200) -> Response:
    return page(request, "app/import.html", status=code, member=member, section="import", error=error, zones=ZONES,
                jobs=recent_imports(_uow(request), member.shop_id),
                max_kb=request.app.state.settings.max_body_bytes // 1024)


@router.post("", response_class=HTMLResponse)
async def import_upload(request: Request, member: StaffMember, csrf_token: Annotated[str, Form()] = "",
                        timezone: Annotated[str, Form()] = "UTC", file: UploadFile | None = None) -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    if file is None or not file.filename:
        return _form(request, member, error="app.import_no_file", code=422)
    text = (await file.read()).decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    uow = _uow(request)
    job = start_import(uow, member.shop_id, member.id, file.filename, lines)
    tz = timezone if timezone in ZONES else "UTC"
    threading.Thread(target=run_import, args=(UnitOfWork(request.app.state.engine), job, lines, tz),
                     name=f"import-{job.id}", daemon=True).start()
    return RedirectResponse(f"/app/import/{job.id}", status_code=303)


@router.get("/{job_id}", response_class=HTMLResponse)
def import_progress(request: Request, member: StaffMember, job_id: str) -> Response:
    try:
        job = import_job(_uow(request), member.shop_id, job_id)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.not_found", detail=job_id)
    report = json.loads(job.report) if job.report else None
    return page(request, "app/import_job.html", member=member, section="import", job=job, report=report)
