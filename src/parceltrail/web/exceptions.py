"""``/app/exceptions`` (the queue, most urgent first, with quick case actions) and ``/app/cases/{id}`` (a
case: its parcel's flags, what to do next, the workflow's moves, the audit trail).

Cases move through ``services.cases.update_case``, the same as ``PATCH /v1/cases/{id}``: a move the
workflow does not allow is refused with the moves that are. The signed-in staff member is the actor in
the trail. The queue's filters are a GET form (nothing personal in them).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parceltrail.carriers.registry import CARRIERS
from parceltrail.core.cases import MOVES, Outcome, State
from parceltrail.core.flags import FlagType, Severity
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.buyer_page import carrier_name
from parceltrail.services.cases import CaseChange, get_case, open_case, update_case
from parceltrail.services.estimates import zone_of
from parceltrail.services.exception_list import FlagQuery, package_flags
from parceltrail.services.exception_queue import exception_queue
from parceltrail.services.packages import get_package
from parceltrail.web.dashboard import StaffMember, _checked, _uow
from parceltrail.web.render import page

router = APIRouter(prefix="/app", include_in_schema=False)
SHOWN = 100
"""Cards on one page: the most urgent first, so the rest wait behind them (the filters narrow the queue)."""


def _choice(value: str, allowed: list[str]) -> str:
    return value if value in allowed else ""


@router.get("/exceptions", response_class=HTMLResponse)
def queue(request: Request, member: StaffMember, severity: str = "", type: str = "", carrier: str = "",  # noqa: A002
          mine: str = "") -> Response:
    form = {"severity": _choice(severity, list(Severity)), "type": _choice(type, list(FlagType)),
            "carrier": _choice(carrier, list(CARRIERS)), "mine": bool(mine)}
    query = FlagQuery(types=(form["type"],) if form["type"] else (),
                      severities=(form["severity"],) if form["severity"] else (), carrier=form["carrier"] or None)
    items = exception_queue(_uow(request), member.shop_id, query, member.email if form["mine"] else None)
    return page(request, "app/exceptions.html", member=member, section="exceptions", items=items[:SHOWN],
                total=len(items), form=form,
                severities=[s.value for s in reversed(Severity)], types=[t.value for t in FlagType],
                carriers=sorted(CARRIERS), carrier_name=carrier_name)


def _case_page(request: Request, member, case_id: str, error: str | None = None, saved: bool = False,
               code: int = 200) -> Response:
    uow = _uow(request)
    try:
        detail = get_case(uow, member.shop_id, case_id)
        package = get_package(uow, member.shop_id, detail.case.package_id).package
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.case_not_found", detail=case_id)
    flags, withheld = package_flags(uow, package.id)
    state = State(detail.case.state)
    return page(request, "app/case.html", status=code, member=member, section="exceptions", detail=detail,
                case=detail.case, package=package, flags=flags, withheld=withheld, zone=zone_of(package.destination),
                moves=[m.value for m in MOVES[state]], outcomes=[o.value for o in Outcome], error=error, saved=saved,
                carrier_name=carrier_name)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case(request: Request, member: StaffMember, case_id: str, saved: str = "") -> Response:
    return _case_page(request, member, case_id, saved=bool(saved))


def _back(target: str, fallback: str) -> str:
    """Only a path of this dashboard: a form's ``back`` can never send the browser to another site."""
    parts = urlsplit(target)
    return target if target.startswith("/app/") and not parts.netloc and not parts.scheme else fallback


@router.post("/cases/{case_id}", response_class=HTMLResponse)
def case_update(request: Request, member: StaffMember, case_id: str, csrf_token: Annotated[str, Form()] = "",
                state: Annotated[str, Form()] = "", outcome: Annotated[str, Form()] = "",
                assignee: Annotated[str | None, Form()] = None, take: Annotated[str, Form()] = "",
                note: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    if take:
        assignee = member.email
    change = CaseChange(state=state or None, outcome=outcome or None,
                        assignee=assignee.strip() if assignee and assignee.strip() else None,
                        clear_assignee=assignee is not None and not assignee.strip(), note=note.strip() or None)
    try:
        update_case(_uow(request), member.shop_id, case_id, change, actor=member.email)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.case_not_found", detail=case_id)
    except InvalidInput as problem:
        return _case_page(request, member, case_id, error=str(problem), code=422)
    return RedirectResponse(_back(back, f"/app/cases/{case_id}?saved=1"), status_code=303)


@router.post("/packages/{package_id}/cases", response_class=HTMLResponse)
def case_open(request: Request, member: StaffMember, package_id: str, csrf_token: Annotated[str, Form()] = "",
              note: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    if not note.strip():
        return page(request, "error.html", status=422, title_key="app.case_open_note", detail="note: write what happened")
    try:
        made = open_case(_uow(request), member.shop_id, package_id, note.strip(), actor=member.email)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.not_found", detail=package_id)
    return RedirectResponse(f"/app/cases/{made.case.id}", status_code=303)
