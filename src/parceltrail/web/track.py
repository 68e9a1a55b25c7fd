"""The buyer's tracking page: ``/track`` (a form) and ``/track/{tracking_number}``.

Proof of being the recipient (the destination ZIP) is posted, never put in a URL; a correct one is
remembered in a signed cookie (``pt_proof``, path /track, 30 days) holding only package ids, and the
browser is sent back to the clean URL. A wrong one changes nothing on the page and says only that it
did not match. Guesses are throttled per tracking number and per client address in the database.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from parceltrail.core import TERMINAL
from parceltrail.services import InvalidInput
from parceltrail.services.branding import shop_logo
from parceltrail.services.buyer_page import STEPS, build_page, choose, find_packages, matching
from parceltrail.services.delivery import buyer_confirmation
from parceltrail.services.disputes import buyer_report
from parceltrail.services.throttle import Limit, count_attempt, forget_attempts, over_limit
from parceltrail.store import UnitOfWork
from parceltrail.web import csrf, route_map
from parceltrail.web.dates import Formatter
from parceltrail.web.keys import page_key, set_cookie
from parceltrail.web.render import page
from parceltrail.web.updates import Updates, offered
from parceltrail.web.words import locale_of

router = APIRouter(include_in_schema=False)

PROOF = "pt_proof"
PROOF_DAYS = 30
PER_NUMBER = Limit(10, timedelta(hours=1))
PER_CLIENT = Limit(60, timedelta(hours=1))
REPORT_KINDS = ("not_received", "damaged", "wrong_item", "late")


def _uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine)


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(page_key(request), salt="buyer-proof")


def _proven(request: Request) -> list[str]:
    raw = request.cookies.get(PROOF)
    if not raw:
        return []
    try:
        ids = _serializer(request).loads(raw, max_age=PROOF_DAYS * 86400)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def _track_url(request: Request, number: str) -> str:
    kept = {k: request.query_params[k] for k in ("shop", "lang") if request.query_params.get(k)}
    return f"/track/{number}" + (f"?{urlencode(kept)}" if kept else "")


@router.get("/track", response_class=HTMLResponse)
def track_form(request: Request) -> HTMLResponse:
    return page(request, "track/form.html", number="", error=None)


def _lookup(request: Request, raw_number: str, csrf_token: str | None = None, bad_status: int = 422):
    """The number and its packages, or the page to answer with instead (refused form, bad or unknown number)."""
    if csrf_token is not None:
        try:
            csrf.check(request, csrf_token)
        except csrf.CsrfRefused as error:
            return page(request, "error.html", status=403, title_key="error.csrf_title", detail=str(error))
    try:
        number, packages = find_packages(_uow(request), raw_number)
    except InvalidInput:
        return page(request, "track/form.html", status=bad_status, number=raw_number, error="error.bad_number")
    if not packages:
        return page(request, "track/form.html", status=404, number=number, error="error.unknown_number")
    return number, packages


@router.post("/track", response_class=HTMLResponse)
def track_lookup(request: Request, tracking_number: Annotated[str, Form()] = "",
                 postal_code: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    found = _lookup(request, tracking_number, csrf_token)
    if isinstance(found, Response):
        return found
    number, packages = found
    if postal_code.strip():
        return _verify(request, number, packages, postal_code)
    return RedirectResponse(_track_url(request, number), status_code=303)


@router.get("/track/{tracking_number}", response_class=HTMLResponse)
def track_page(request: Request, tracking_number: str) -> Response:
    found = _lookup(request, tracking_number, bad_status=404)
    if isinstance(found, Response):
        return found
    number, packages = found
    if number != tracking_number:
        return RedirectResponse(_track_url(request, number), status_code=301)
    return _show(request, packages, verify_error=None)


@router.post("/track/{tracking_number}/verify", response_class=HTMLResponse)
def track_verify(request: Request, tracking_number: str, postal_code: Annotated[str, Form()] = "",
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    found = _lookup(request, tracking_number, csrf_token, bad_status=404)
    if isinstance(found, Response):
        return found
    return _verify(request, *found, postal_code)


def _verify(request: Request, number: str, packages, postal_code: str) -> Response:
    uow = _uow(request)
    client = request.client.host if request.client else "unknown"
    buckets = [f"track:{number}", f"track-client:{client}"]
    if over_limit(uow, buckets[:1], PER_NUMBER) or over_limit(uow, buckets[1:], PER_CLIENT):
        return _show(request, packages, verify_error="error.too_many", status=429)
    matched = matching(uow, packages, postal_code)
    if not matched:
        count_attempt(uow, buckets)
        return _show(request, packages, verify_error="error.wrong_postal_code", status=200)
    forget_attempts(uow, buckets[0])
    proven = [p.id for p in matched] + [i for i in _proven(request) if i not in {p.id for p in matched}]
    response = RedirectResponse(_track_url(request, number), status_code=303)
    set_cookie(request, response, PROOF, _serializer(request).dumps(proven[:20]), max_age=PROOF_DAYS * 86400,
               path="/track")
    return response


def _show(request: Request, packages, verify_error: str | None, status: int = 200,
          report_error: str | None = None, updates: Updates | None = None) -> HTMLResponse:
    proven = set(_proven(request))
    view = build_page(_uow(request), packages, proven, request.query_params.get("shop"))
    chosen, _ = choose(packages, proven, request.query_params.get("shop"))
    reported = buyer_report(_uow(request), chosen.id) if view.verified else None
    received = buyer_confirmation(_uow(request), chosen.id) if view.verified and view.delivered_at else None
    if updates is None:
        updates = Updates(offered(request, chosen.shop_id) if view.verified and view.status not in TERMINAL else ())
    drawing = None
    if view.verified:
        places = [(s.lat, s.lon, s.place) for s in reversed(view.scans) if s.lat is not None]
        if view.origin and view.origin.lat is not None:
            places.insert(0, (view.origin.lat, view.origin.lon, view.origin.place))
        end = (*view.destination_point, view.destination or "") if view.destination_point else None
        drawing = route_map.draw(places, end, delivered=view.status.value == "delivered")
    fmt = Formatter(locale_of(request))
    advice_values = {k: fmt.value(v) for k, v in view.advice.values.items()}
    return page(request, "track/package.html", status=status, view=view, steps=STEPS, route=drawing,
                advice_values=advice_values,
                verify_error=verify_error, lang_links=_lang_links(request), reported=reported, received=received,
                report_error=report_error, report_kinds=REPORT_KINDS, updates=updates,
                brand_text=_text_on(view.shop.colour) if view.shop.colour else None)


def _lang_links(request: Request) -> list[tuple[str, str, bool]]:
    from parceltrail.web.locales import CATALOGUES

    current = locale_of(request)
    shop = {"shop": request.query_params["shop"]} if request.query_params.get("shop") else {}
    return [(code, f"{request.url.path}?{urlencode({**shop, 'lang': code})}", code == current) for code in CATALOGUES]


def _text_on(colour: str) -> str:
    """Black or white, whichever reads better on the brand colour (WCAG relative luminance)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#ffffff"


@router.get("/track/logo/{shop_id}")
def logo(request: Request, shop_id: str) -> Response:
    found = shop_logo(_uow(request), shop_id)
    if found is None:
        return Response(status_code=404)
    data, media = found
    return Response(data, media_type=media, headers={"cache-control": "public, max-age=3600"})
