"""The seller dashboard at ``/app``: sign-in, packages (search, filters, sort, cursor paging), a package
(timeline, estimate history chart, notes), settings (API keys, branding, carrier accounts, staff).

Every form posts a CSRF token; every page needs a signed-in staff member of the shop it shows, and
settings that change the shop need its owner. Searches are posted, not put in URLs, so what a seller
types (an order reference, later a buyer's name) never lands in logs or browser history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parceltrail.carriers.registry import CARRIERS
from parceltrail.core import Status
from parceltrail.core.flags import FlagType
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.accounts import list_accounts
from parceltrail.services.branding import MAX_LOGO_BYTES, get_branding, set_branding
from parceltrail.services.buyer_page import carrier_name
from parceltrail.services.cases import list_cases
from parceltrail.services.dashboard import find_packages, package_view
from parceltrail.services.estimates import zone_of
from parceltrail.services.exception_list import package_flags
from parceltrail.services.staff import add_note, end_sessions, shop_staff, sign_in
from parceltrail.services.throttle import Limit, count_attempt, forget_attempts, over_limit
from parceltrail.store import UnitOfWork
from parceltrail.store.cases import CaseFilter
from parceltrail.store.dashboard import SORTS
from parceltrail.store.staff import Staff
from parceltrail.web import charts, csrf, session
from parceltrail.web.dates import Formatter
from parceltrail.web.render import page
from parceltrail.web.words import locale_of

router = APIRouter(prefix="/app", include_in_schema=False)

PER_EMAIL = Limit(5, timedelta(minutes=15))
PER_CLIENT = Limit(30, timedelta(minutes=15))
StaffMember = Annotated[Staff, Depends(session.require_staff)]
Owner = Annotated[Staff, Depends(session.require_owner)]


def _uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine)


def _checked(request: Request, token: str) -> Response | None:
    try:
        csrf.check(request, token)
    except csrf.CsrfRefused as error:
        return page(request, "error.html", status=403, title_key="error.csrf_title", detail=str(error))
    return None


def remove_then_back(request: Request, token: str, remove: Callable[[], object], back: str,
                     what: str, title_key: str = "app.not_found") -> Response:
    """A settings page's "Remove" form: the CSRF token checked, ``remove()`` run, back to ``back``; the
    error page (404, ``title_key``) when the thing was already gone."""
    refused = _checked(request, token)
    if refused:
        return refused
    try:
        remove()
    except NotFound:
        return page(request, "error.html", status=404, title_key=title_key, detail=what)
    return RedirectResponse(back, status_code=303)


@router.get("", response_class=HTMLResponse)
def home(_: StaffMember) -> Response:
    return RedirectResponse("/app/packages", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return page(request, "app/login.html", error=None, email="")


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, email: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          csrf_token: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    uow = _uow(request)
    client = request.client.host if request.client else "unknown"
    buckets = [f"login:{email.strip().lower()}", f"login-client:{client}"]
    if over_limit(uow, buckets[:1], PER_EMAIL) or over_limit(uow, buckets[1:], PER_CLIENT):
        return page(request, "app/login.html", status=429, error="app.too_many", email=email)
    member = sign_in(uow, email, password)
    if member is None:
        count_attempt(uow, buckets)
        return page(request, "app/login.html", status=401, error="app.bad_login", email=email)
    forget_attempts(uow, buckets[0])
    response = RedirectResponse("/app/packages", status_code=303)
    session.issue(request, response, member)
    return response


@router.post("/logout", response_class=HTMLResponse)
def logout(request: Request, member: StaffMember, csrf_token: Annotated[str, Form()] = "",
           everywhere: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    if everywhere:
        end_sessions(_uow(request), member.id)
    response = RedirectResponse("/app/login", status_code=303)
    session.end(response)
    return response


def _packages_page(request: Request, member: Staff, text: str = "", status: str = "", carrier: str = "",
                   sort: str = "newest", cursor: str = "", code: int = 200, flag: str = "") -> Response:
    error = None
    try:
        rows = find_packages(_uow(request), member.shop_id, text, status, carrier, sort, cursor or None, flag=flag)
    except InvalidInput as problem:
        rows, error, code = None, str(problem), 422
    return page(request, "app/packages.html", status=code, member=member, rows=rows, error=error,
                search={"text": text, "status": status, "carrier": carrier, "sort": sort, "flag": flag},
                statuses=[s.value for s in Status], carriers=sorted(CARRIERS), sorts=SORTS,
                flag_types=[f.value for f in FlagType],
                carrier_name=carrier_name, section="packages")


@router.get("/packages", response_class=HTMLResponse)
def packages(request: Request, member: StaffMember) -> Response:
    return _packages_page(request, member)


@router.post("/packages", response_class=HTMLResponse)
def packages_search(request: Request, member: StaffMember, csrf_token: Annotated[str, Form()] = "",
                    q: Annotated[str, Form()] = "", status: Annotated[str, Form()] = "",
                    carrier: Annotated[str, Form()] = "", sort: Annotated[str, Form()] = "newest",
                    cursor: Annotated[str, Form()] = "", flag: Annotated[str, Form()] = "") -> Response:
    return _checked(request, csrf_token) or _packages_page(request, member, q, status, carrier, sort, cursor,
                                                           flag=flag)


def _package_page(request: Request, member: Staff, package_id: str, note_error: str | None = None,
                  code: int = 200) -> Response:
    try:
        view = package_view(_uow(request), member.shop_id, package_id)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.not_found", detail=package_id)
    package = view.detail.package
    zone = zone_of(package.destination)
    fmt = Formatter(locale_of(request))
    delivered = package.state.delivered_at.astimezone(zone).date() if package.state.delivered_at else None
    chart = charts.estimate_history(
        view.detail.estimates, delivered,
        lambda e: f"{fmt.short(e.revised_at.astimezone(zone).date())}, {fmt.clock(e.revised_at.astimezone(zone))}",
        fmt.short, fmt.short_year)
    events = sorted(view.detail.events, key=lambda e: e.occurred_at, reverse=True)
    flags, withheld = package_flags(_uow(request), package.id)
    cases = list_cases(_uow(request), member.shop_id, CaseFilter(package_id=package.id), 50)
    from parceltrail.web.proof import proof_of  # proof builds on this module's session helpers

    return page(request, "app/package.html", status=code, member=member, view=view, package=package, zone=zone,
                events=events, chart=chart, note_error=note_error, carrier_name=carrier_name, section="packages",
                flags=flags, withheld=withheld, cases=cases, proof=proof_of(_uow(request), member, package.id))


@router.get("/packages/{package_id}", response_class=HTMLResponse)
def package(request: Request, member: StaffMember, package_id: str) -> Response:
    return _package_page(request, member, package_id)


@router.post("/packages/{package_id}/notes", response_class=HTMLResponse)
def package_note(request: Request, member: StaffMember, package_id: str, csrf_token: Annotated[str, Form()] = "",
                 body: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    try:
        add_note(_uow(request), member, package_id, body)
    except InvalidInput as problem:
        return _package_page(request, member, package_id, note_error=str(problem), code=422)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.not_found", detail=package_id)
    return RedirectResponse(f"/app/packages/{package_id}", status_code=303)


def _settings_page(request: Request, member: Staff, error: str | None = None,
                   saved: bool = False, code: int = 200) -> Response:
    uow = _uow(request)
    return page(request, "app/settings.html", status=code, member=member, error=error, saved=saved,
                branding=get_branding(uow, member.shop_id), accounts=list_accounts(uow, member.shop_id),
                staff=shop_staff(uow, member.shop_id), carrier_name=carrier_name, section="settings",
                max_logo_kb=MAX_LOGO_BYTES // 1024)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, member: StaffMember) -> Response:
    return _settings_page(request, member)


@router.post("/settings/branding", response_class=HTMLResponse)
async def settings_branding(request: Request, member: Owner, csrf_token: Annotated[str, Form()] = "",
                            display_name: Annotated[str, Form()] = "", colour: Annotated[str, Form()] = "",
                            support_email: Annotated[str, Form()] = "", remove_logo: Annotated[str, Form()] = "",
                            logo: UploadFile | None = None) -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    data = await logo.read(MAX_LOGO_BYTES + 1) if logo is not None and logo.filename else None
    try:
        set_branding(_uow(request), member.shop_id, display_name, colour, support_email, data or None,
                     keep_logo=not remove_logo)
    except InvalidInput as problem:
        return _settings_page(request, member, error=str(problem), code=422)
    return _settings_page(request, member, saved=True)
