"""Unsubscribe for buyers: ``GET /unsubscribe/{token}`` (the link in a message) asks, with one button;
``POST`` (that button, and RFC 8058's one-click POST that mail clients send for ``List-Unsubscribe-Post``)
opts out at once; the page then offers to resubscribe. A GET never opts out, because mail scanners and link
previews open every link in a message (RFC 8058 section 1). No API key: the token is the proof. Pages are
in the recipient's locale."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from parceltrail.api.deps import Uow
from parceltrail.notify.render import Words, page
from parceltrail.services import NotFound
from parceltrail.services.unsubscribe import unsubscribe, unsubscribe_link

router = APIRouter(tags=["unsubscribe"], include_in_schema=True)


def _unknown() -> HTMLResponse:
    words = Words("en", "UTC")
    return HTMLResponse(page("unsubscribe.html", "en", title=words.t("link_unknown"), body="", action=None),
                        status_code=404)


def _answer(uow, token: str, resubscribe: bool) -> HTMLResponse:
    try:
        done = unsubscribe(uow, token, resubscribe)
    except NotFound:
        return _unknown()
    words = Words(done.locale, "UTC")
    key = "resubscribed" if resubscribe else "unsubscribed"
    html = page("unsubscribe.html", words.locale, title=words.t(f"{key}_title"),
                body=words.t(f"{key}_body", address=done.address, shop=done.shop_name or "the shop"),
                action=None if resubscribe else f"/unsubscribe/{token}/resubscribe", button=words.t("resubscribe"))
    return HTMLResponse(html)


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(token: str, uow: Uow) -> HTMLResponse:
    """The link in a buyer's message: asks, with one button (an address already out is told so)."""
    try:
        found = unsubscribe_link(uow, token)
    except NotFound:
        return _unknown()
    words = Words(found.locale, "UTC")
    shop = found.shop_name or "the shop"
    if found.opted_out:
        return HTMLResponse(page("unsubscribe.html", words.locale, title=words.t("unsubscribed_title"),
                                 body=words.t("unsubscribed_body", address=found.address, shop=shop),
                                 action=f"/unsubscribe/{token}/resubscribe", button=words.t("resubscribe")))
    return HTMLResponse(page("unsubscribe.html", words.locale, title=words.t("unsubscribe_title", shop=shop),
                             body=words.t("unsubscribe_body", address=found.address, shop=shop),
                             action=f"/unsubscribe/{token}", button=words.t("unsubscribe_button")))


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_one_click(token: str, uow: Uow) -> HTMLResponse:
    """The page's button, and RFC 8058 one-click unsubscribe (the mail client's own button)."""
    return _answer(uow, token, resubscribe=False)


@router.post("/unsubscribe/{token}/resubscribe", response_class=HTMLResponse)
def resubscribe(token: str, uow: Uow) -> HTMLResponse:
    return _answer(uow, token, resubscribe=True)
