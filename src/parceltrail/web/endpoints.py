"""Settings → webhook endpoints: the shop's Standard Webhooks receivers (``services.webhook_endpoints``,
the same checks as ``/v1/webhook-endpoints``: the SSRF guard on the URL, known event types). The signing
secret is shown once, when the endpoint is made; only the owner changes endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from parceltrail.notify.plan import WEBHOOK_TYPES
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services import webhook_endpoints as endpoints
from parceltrail.services.errors import Conflict
from parceltrail.store import UnitOfWork
from parceltrail.web.dashboard import Owner, StaffMember, _checked, remove_then_back
from parceltrail.web.render import page

router = APIRouter(prefix="/app/settings/webhooks", include_in_schema=False)


def _uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine)


def _secret_key(request: Request) -> str | None:
    key = request.app.state.settings.secret_key
    return key.get_secret_value() if key else None


def _page(request: Request, member, new=None, error: str | None = None, code: int = 200) -> Response:
    return page(request, "app/webhooks.html", status=code, member=member, section="settings", error=error,
                new=new, endpoints=endpoints.list_endpoints(_uow(request), member.shop_id), types=WEBHOOK_TYPES)


@router.get("", response_class=HTMLResponse)
def webhooks(request: Request, member: StaffMember) -> Response:
    return _page(request, member)


@router.post("", response_class=HTMLResponse)
async def webhook_create(request: Request, member: Owner, csrf_token: Annotated[str, Form()] = "",
                         url: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    chosen = [t for t in (await request.form()).getlist("events") if isinstance(t, str)]
    guard = endpoints.Guard(allow_private=request.app.state.settings.webhooks_allow_private)
    try:
        made = endpoints.create_endpoint(_uow(request), member.shop_id, url, chosen or None, description,
                                         _secret_key(request), guard)
    except InvalidInput as problem:
        return _page(request, member, error=str(problem), code=422)
    return _page(request, member, new=made)


def _deliveries(request: Request, member, endpoint_id: str, notice: str | None = None, code: int = 200) -> Response:
    uow = _uow(request)
    try:
        endpoint = endpoints.get_endpoint(uow, member.shop_id, endpoint_id)
        sent = endpoints.list_deliveries(uow, member.shop_id, endpoint_id, None, None, 50)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.not_found", detail=endpoint_id)
    return page(request, "app/webhook_deliveries.html", status=code, member=member, section="settings",
                endpoint=endpoint, deliveries=sent, notice=notice)


@router.get("/{endpoint_id}", response_class=HTMLResponse)
def webhook_deliveries(request: Request, member: StaffMember, endpoint_id: str) -> Response:
    return _deliveries(request, member, endpoint_id)


@router.post("/{endpoint_id}/deliveries/{delivery_id}/retry", response_class=HTMLResponse)
def webhook_retry(request: Request, member: Owner, endpoint_id: str, delivery_id: str,
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    try:
        endpoints.retry_delivery(_uow(request), member.shop_id, endpoint_id, delivery_id)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.not_found", detail=delivery_id)
    except Conflict as busy:
        return _deliveries(request, member, endpoint_id, notice=str(busy), code=409)
    return _deliveries(request, member, endpoint_id, notice="app.webhook_requeued")


@router.post("/{endpoint_id}/delete", response_class=HTMLResponse)
def webhook_delete(request: Request, member: Owner, endpoint_id: str, csrf_token: Annotated[str, Form()] = "") -> Response:
    def remove() -> None:
        endpoints.delete_endpoint(_uow(request), member.shop_id, endpoint_id)

    return remove_then_back(request, csrf_token, remove, "/app/settings/webhooks", endpoint_id)
