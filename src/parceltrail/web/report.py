"""The buyer's forms on ``/track/{number}``, each only for a parcel the buyer proved (the ``pt_proof`` cookie):
"report a problem" (not received, damaged, wrong item, late: a dispute for the shop), "Yes, I have it",
and "get news of this parcel" (an opt-in to e-mail or text updates, ``web.updates``).

Same protections as the page's other form: CSRF token and Origin check, throttled per parcel and per
client address. A buyer who already has an open report sees it instead of a second form.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parceltrail.core import Package, Status
from parceltrail.services import InvalidInput
from parceltrail.services.buyer_page import choose
from parceltrail.services.delivery import buyer_confirms
from parceltrail.services.disputes import report_problem
from parceltrail.services.errors import Conflict
from parceltrail.services.opt_ins import request_opt_in
from parceltrail.services.throttle import Limit, count_attempt, over_limit
from parceltrail.store import UnitOfWork
from parceltrail.web.render import page
from parceltrail.web.track import REPORT_KINDS, _lookup, _proven, _show, _track_url
from parceltrail.web.updates import Updates, email_enabled, error_key, offered, secret_key
from parceltrail.web.words import locale_of

router = APIRouter(include_in_schema=False)

KINDS = REPORT_KINDS
PER_PARCEL = Limit(5, timedelta(days=1))
PER_CLIENT = Limit(20, timedelta(days=1))


def _proven_parcel(request: Request, tracking_number: str, csrf_token: str) -> Response | tuple[str, list, Package]:
    """The parcel a form posts about, once the CSRF token checks and the buyer proved the ZIP; else the page."""
    found = _lookup(request, tracking_number, csrf_token, bad_status=404)
    if isinstance(found, Response):
        return found
    number, packages = found
    chosen, verified = choose(packages, set(_proven(request)), request.query_params.get("shop"))
    if not verified:
        return page(request, "error.html", status=403, title_key="report.not_proven", detail="")
    return number, packages, chosen


@router.post("/track/{tracking_number}/report", response_class=HTMLResponse)
def report(request: Request, tracking_number: str, kind: Annotated[str, Form()] = "",
           details: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    found = _proven_parcel(request, tracking_number, csrf_token)
    if isinstance(found, Response):
        return found
    number, packages, chosen = found
    uow = UnitOfWork(request.app.state.engine)
    client = request.client.host if request.client else "unknown"
    buckets = [f"report:{chosen.id}", f"report-client:{client}"]
    if over_limit(uow, buckets[:1], PER_PARCEL) or over_limit(uow, buckets[1:], PER_CLIENT):
        return _show(request, packages, verify_error=None, status=429, report_error="error.too_many")
    if kind not in KINDS:
        return _show(request, packages, verify_error=None, status=422, report_error="report.pick_kind")
    try:
        report_problem(uow, chosen, kind, details)
    except InvalidInput:
        return _show(request, packages, verify_error=None, status=422, report_error="report.too_long")
    count_attempt(uow, buckets)
    return RedirectResponse(_track_url(request, number) + "#report", status_code=303)


@router.post("/track/{tracking_number}/received", response_class=HTMLResponse)
def received(request: Request, tracking_number: str, csrf_token: Annotated[str, Form()] = "") -> Response:
    """The buyer's "Yes, I have it" on a delivered parcel they proved: kept once, shown instead of the button."""
    found = _proven_parcel(request, tracking_number, csrf_token)
    if isinstance(found, Response):
        return found
    number, packages, chosen = found
    if chosen.state.status is not Status.DELIVERED:
        return _show(request, packages, verify_error=None, status=409)
    buyer_confirms(UnitOfWork(request.app.state.engine), chosen.shop_id, chosen.id, "tracking_page")
    return RedirectResponse(_track_url(request, number) + "#received", status_code=303)


@router.post("/track/{tracking_number}/updates", response_class=HTMLResponse)
def ask_for_updates(request: Request, tracking_number: str, channel: Annotated[str, Form()] = "",
                    address: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    """The proved buyer asks for this parcel's news at an address: one confirmation link goes out."""
    found = _proven_parcel(request, tracking_number, csrf_token)
    if isinstance(found, Response):
        return found
    _, packages, chosen = found
    channels = offered(request, chosen.shop_id)
    refused: tuple[str, int] | None = None
    if channel not in channels:  # also when the server cannot sign the links (no secret key)
        refused = ("updates.no_channel", 422)
    else:
        try:
            asked = request_opt_in(UnitOfWork(request.app.state.engine), chosen.id, channel, address,
                                   locale_of(request), secret_key(request), email_enabled(request))
        except InvalidInput as problem:
            refused = (error_key(problem, channel), 422)
        except Conflict as busy:  # the seller gave the buyer another address, or the day's sign-ups ran out
            refused = ("updates.taken" if "ask the shop" in str(busy) else "updates.too_many", 409)
    if refused:
        return _show(request, packages, verify_error=None, status=refused[1],
                     updates=Updates(channels, error=refused[0], channel=channel, typed=address[:320]))
    return _show(request, packages, verify_error=None, updates=Updates(channels, asked=asked))
