"""Proof of delivery and payment release in the dashboard: the package page's "Proof of delivery" card
(how the carrier delivered it, how far from the address, whether the buyer confirmed, the evidence PDF to
download, the buyer's confirmation recorded by staff who heard it), and ``/app/release``, the shop's
orders with their payment release signal (``services.release``), the ones at risk first to look at.

The PDF is the one ``GET /v1/packages/{id}/evidence.pdf`` serves, behind the staff session instead of an
API key, so a seller answering a TikTok appeal never needs curl.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.delivery import Confirmed, buyer_confirms, confirmation_of
from parceltrail.services.evidence import build_evidence
from parceltrail.services.release import STATES, release_page
from parceltrail.store import UnitOfWork
from parceltrail.store.staff import Staff
from parceltrail.web.dashboard import StaffMember, _checked, _uow
from parceltrail.web.render import page

router = APIRouter(prefix="/app", include_in_schema=False)
PAGE_SIZE = 50


def proof_of(uow: UnitOfWork, member: Staff, package_id: str) -> Confirmed | None:
    """The package's confirmation when there is anything to show: delivered, or confirmed by the buyer."""
    with uow.read():
        package = uow.packages.get(member.shop_id, package_id)
        if package is None:
            return None
        found = confirmation_of(uow, package)
    return found if found.check.carrier_delivered or found.buyer is not None else None


@router.get("/packages/{package_id}/evidence.pdf")
def evidence_pdf(request: Request, member: StaffMember, package_id: str) -> Response:
    from parceltrail.reports import render_evidence  # reports draws its route map with web's: import on use

    try:
        doc = build_evidence(_uow(request), member.shop_id, package_id)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.not_found", detail=package_id)
    name = f"evidence-{doc['package']['tracking_number']}.pdf"
    return Response(render_evidence(doc), media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"})


@router.post("/packages/{package_id}/buyer-confirmation", response_class=HTMLResponse)
def buyer_confirmation(request: Request, member: StaffMember, package_id: str,
                       csrf_token: Annotated[str, Form()] = "") -> Response:
    """Staff record that the buyer said they have the parcel (by phone, by chat): ``via`` is ``seller``."""
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    try:
        buyer_confirms(_uow(request), member.shop_id, package_id, "seller")
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.not_found", detail=package_id)
    return RedirectResponse(f"/app/packages/{package_id}#proof-heading", status_code=303)


@router.get("/release", response_class=HTMLResponse)
def release(request: Request, member: StaffMember) -> Response:
    """Orders with their release signal; ``state`` keeps one, ``cursor`` continues (the API's names)."""
    state = request.query_params.get("state") or None
    cursor = request.query_params.get("cursor") or None
    error, code, found = None, 200, None
    try:
        found = release_page(_uow(request), member.shop_id, state, cursor, PAGE_SIZE)
    except InvalidInput as problem:
        error, code = str(problem), 422
    return page(request, "app/release.html", status=code, member=member, section="release", found=found,
                state=state, states=STATES, error=error)
