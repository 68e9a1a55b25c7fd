"""Settings → API keys: the shop's keys (first characters, state, dates), create, revoke and roll with a
grace period, through ``services.shops`` (the same as ``/v1/keys``). A key is shown once, when minted;
only its hash is kept. Only the owner changes keys.

Rolling offers a few grace periods rather than a free field: the old key keeps working while a deployment
switches over, then ends by itself.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from parceltrail.services import InvalidInput, NotFound, list_keys, mint_key, revoke_key, roll_key
from parceltrail.services.clock import WallClock
from parceltrail.web.dashboard import Owner, StaffMember, _checked, _uow
from parceltrail.web.render import page

router = APIRouter(prefix="/app/settings/keys", include_in_schema=False)
GRACES = {"0": timedelta(0), "1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}


def _page(request: Request, member, new=None, notice: str | None = None, error: str | None = None,
          code: int = 200) -> Response:
    keys = list_keys(_uow(request), member.shop_id)
    now = WallClock().now()
    return page(request, "app/api_keys.html", status=code, member=member, section="settings", new=new,
                notice=notice, error=error, keys=sorted(keys, key=lambda k: k.created_at, reverse=True), now=now,
                graces=list(GRACES))


@router.get("", response_class=HTMLResponse)
def keys_page(request: Request, member: StaffMember) -> Response:
    return _page(request, member)


@router.post("", response_class=HTMLResponse)
def key_create(request: Request, member: Owner, csrf_token: Annotated[str, Form()] = "") -> Response:
    return _checked(request, csrf_token) or _page(request, member, new=mint_key(_uow(request), member.shop_id))


@router.post("/{key_id}/revoke", response_class=HTMLResponse)
def key_revoke(request: Request, member: Owner, key_id: str, csrf_token: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    try:
        ended = revoke_key(_uow(request), key_id, shop_id=member.shop_id)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.key_not_found", detail=key_id)
    return _page(request, member, notice=ended.prefix)


@router.post("/{key_id}/roll", response_class=HTMLResponse)
def key_roll(request: Request, member: Owner, key_id: str, csrf_token: Annotated[str, Form()] = "",
             grace: Annotated[str, Form()] = "0") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    if grace not in GRACES:
        return _page(request, member, error=f"grace: expected one of: {', '.join(GRACES)}", code=422)
    try:
        made = roll_key(_uow(request), key_id, GRACES[grace], shop_id=member.shop_id)
    except NotFound:
        return page(request, "error.html", status=404, title_key="app.key_not_found", detail=key_id)
    except InvalidInput as problem:
        return _page(request, member, error=str(problem), code=422)
    return _page(request, member, new=made)
