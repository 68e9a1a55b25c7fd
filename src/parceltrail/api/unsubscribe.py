"""One-click unsubscribe for buyers: ``GET /unsubscribe/{token}`` (the link in a message) and ``POST``
(RFC 8058, what mail clients send for ``List-Unsubscribe-Post``) both opt out at once; the page offers
to resubscribe. No API key: the token is the proof. Pages are in the recipient's locale."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from parceltrail.api.deps import Uow
from parceltrail.notify.render import Words, page
from parceltrail.services import NotFound
from parceltrail.services.unsubscribe import unsubscribe

router = APIRouter(tags=["unsubscribe"], include_in_schema=True)


def _answer(uow, token: str, resubscribe: bool) -> HTMLResponse:
    try:
        done = unsubscribe(uow, token, resubscribe)
    except NotFound:
        words = Words("en", "UTC")
        return HTMLResponse(page("unsubscribe.html", "en", title=words.t("link_unknown"), body="", action=None),
                            status_code=404)
    words = Words(done.locale, "UTC")
    key = "resubscribed" if resubscribe else "unsubscribed"
    html = page("unsubscribe.html", words.locale, title=words.t(f"{key}_title"),
                body=words.t(f"{key}_body", address=done.address, shop=done.shop_name or "the shop"),
                action=None if resubscribe else f"/unsubscribe/{token}/resubscribe", button=words.t("resubscribe"))
    return HTMLResponse(html)


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_link(token: str, uow: Uow) -> HTMLResponse:
    """The link in a buyer's message: opted out in one click."""
    return _answer(uow, token, resubscribe=False)


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_one_click(token: str, uow: Uow) -> HTMLResponse:
    """RFC 8058 one-click unsubscribe (the mail client's own button)."""
    return _answer(uow, token, resubscribe=False)


@router.post("/unsubscribe/{token}/resubscribe", response_class=HTMLResponse)
def resubscribe(token: str, uow: Uow) -> HTMLResponse:
    return _answer(uow, token, resubscribe=True)
