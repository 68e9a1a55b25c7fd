"""Settings → notifications: how the shop reaches people and what they receive.

- the channels: e-mail through the server's SMTP relay (on or off), the shop's SMS gateway and staff chat
  (Apprise URLs, stored encrypted and shown with their secrets hidden: ``services.notification_channels``,
  as ``/v1/notification-channels``), and a count of its webhook endpoints with a link to them;
- the messages (templates): each kind, who gets it, its subject in the chosen language, and a preview link
  per channel;
- a preview of any message on any channel in any language (``services.previews``: the code that sends,
  storing and sending nothing; as ``/v1/notification-templates/{kind}/preview``), of the example parcel or
  of one of the shop's parcels named by its tracking number.

An e-mail's HTML is shown in a sandboxed frame from ``/app/settings/notifications/email.html``: mail HTML
carries inline styles, which the dashboard's own policy refuses, so that one response gets a policy of its
own (``web.security``: no script at all, no request but this site's images, framed only by this site), and
the frame's ``sandbox`` attribute gives it an origin of its own as well. Only the owner changes channels.
"""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from parceltrail.notify.plan import BUYER_EVENTS, PEOPLE_CHANNELS
from parceltrail.notify.render import catalogue, locales
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.clock import utcnow
from parceltrail.services.dashboard import package_by_number
from parceltrail.services.notification_channels import KINDS, list_channels, remove_channel, set_channel
from parceltrail.services.previews import PREVIEW_KINDS, STAFF_KINDS, Preview, preview
from parceltrail.services.webhook_endpoints import Guard, list_endpoints
from parceltrail.store.staff import Staff
from parceltrail.web.dashboard import Owner, StaffMember, _checked, _uow, remove_then_back
from parceltrail.web.endpoints import _secret_key
from parceltrail.web.render import page
from parceltrail.web.security import MAIL_FRAME_PATH

router = APIRouter(prefix="/app/settings/notifications", include_in_schema=False)
CHANNELS_OF = {"buyers": ("email", "sms"), "staff": ("email", "chat")}
"""The channels each audience's messages go on (buyers by e-mail or text, staff by e-mail or chat)."""


def _chosen(request: Request) -> dict[str, str]:
    q = request.query_params
    return {"kind": q.get("kind") or "out_for_delivery", "channel": q.get("channel") or "email",
            "locale": q.get("locale") or "", "package": (q.get("package") or "").strip()}


def _preview(request: Request, member: Staff, chosen: dict[str, str]) -> Preview:
    """The chosen message rendered by the sending code, of the example parcel or of the one named (its
    tracking number put as the store has it, so the page names the parcel it shows)."""
    uow = _uow(request)
    package = package_by_number(uow, member.shop_id, chosen["package"]) if chosen["package"] else None
    if package is not None:
        chosen["package"] = package.tracking_number
    return preview(uow, member.shop_id, chosen["kind"], chosen["channel"], utcnow(),
                   request.app.state.settings.public_url, chosen["locale"] or None, package and package.id)


def _templates(locale: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Each message kind: (kind, audience, subject as written, the channels it goes on)."""
    kinds = catalogue(locale)["kinds"]
    rows = []
    for kind in PREVIEW_KINDS:
        audience = "buyers" if kind in BUYER_EVENTS else "staff"
        rows.append((kind, audience, kinds[kind]["subject"], CHANNELS_OF[audience]))
    return rows


def _page(request: Request, member: Staff, error: str | None = None, code: int = 200) -> Response:
    chosen = _chosen(request)
    saved = request.query_params.get("saved") if request.query_params.get("saved") in KINDS else None
    shown, preview_error = None, None
    try:
        shown = _preview(request, member, chosen)
    except (InvalidInput, NotFound) as problem:
        preview_error, code = str(problem), 422 if code == 200 else code
    frame = f"{MAIL_FRAME_PATH}?{urlencode({k: v for k, v in chosen.items() if v})}"
    words_locale = chosen["locale"] if chosen["locale"] in locales() else "en"
    uow = _uow(request)
    return page(request, "app/notifications.html", status=code, member=member, section="settings", error=error,
                saved=saved, channels=list_channels(uow, member.shop_id), kinds=KINDS,
                endpoints=len(list_endpoints(uow, member.shop_id)),
                email_on=request.app.state.settings.smtp_url is not None, templates=_templates(words_locale),
                preview_kinds=PREVIEW_KINDS, staff_kinds=STAFF_KINDS, people_channels=PEOPLE_CHANNELS,
                locales=[(c, catalogue(c)["meta"]["name"]) for c in locales()], chosen=chosen, shown=shown,
                preview_error=preview_error, frame=frame)


@router.get("", response_class=HTMLResponse)
def notifications_page(request: Request, member: StaffMember) -> Response:
    return _page(request, member)


@router.get("/email.html", response_class=HTMLResponse)
def email_frame(request: Request, member: StaffMember) -> Response:
    """The preview's e-mail HTML alone, for the sandboxed frame (its own policy: see web.security)."""
    try:
        shown = _preview(request, member, {**_chosen(request), "channel": "email"})
    except (InvalidInput, NotFound) as problem:
        return HTMLResponse(f"<p>{escape(str(problem))}</p>", status_code=422)
    return HTMLResponse(shown.html or "", headers={"cache-control": "no-store"})


@router.post("/channels", response_class=HTMLResponse)
def channel_set(request: Request, member: Owner, csrf_token: Annotated[str, Form()] = "",
                kind: Annotated[str, Form()] = "", url: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    guard = Guard(allow_private=request.app.state.settings.webhooks_allow_private)
    try:
        set_channel(_uow(request), member.shop_id, kind, url, _secret_key(request), guard)
    except (InvalidInput, NotFound) as problem:
        return _page(request, member, error=str(problem), code=422)
    return RedirectResponse(f"/app/settings/notifications?saved={kind}", status_code=303)


@router.post("/channels/{kind}/delete", response_class=HTMLResponse)
def channel_remove(request: Request, member: Owner, kind: str, csrf_token: Annotated[str, Form()] = "") -> Response:
    return remove_then_back(request, csrf_token, lambda: remove_channel(_uow(request), member.shop_id, kind),
                            "/app/settings/notifications", kind, "app.nt_no_such_channel")
