"""The link in an opt-in confirmation: ``GET /opt-in/{token}`` asks (a page with one button), ``POST``
confirms. A GET changes nothing, because mail scanners and link previews open links nobody clicked. No API
key: the signed token is the proof. Pages are in the locale the visitor used on the tracking page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from parceltrail.api.deps import AppSettings, Uow
from parceltrail.notify.render import Words, page
from parceltrail.services import NotFound
from parceltrail.services.opt_ins import confirm_opt_in, opt_in_of

router = APIRouter(tags=["unsubscribe"])


def _key(settings) -> str | None:
    return settings.secret_key.get_secret_value() if settings.secret_key else None


def _unknown() -> HTMLResponse:
    words = Words("en", "UTC")
    return HTMLResponse(page("unsubscribe.html", "en", title=words.t("opt_in_unknown"), body="", action=None),
                        status_code=404)


def _shop_name(uow, shop_id: str) -> str:
    with uow.read():
        shop = uow.shops.get(shop_id)
    return shop.name if shop else ""


@router.get("/opt-in/{token}", response_class=HTMLResponse)
def opt_in_page(token: str, uow: Uow, settings: AppSettings) -> HTMLResponse:
    """The confirmation link: says what confirming does, with the button that does it."""
    try:
        opt_in, number = opt_in_of(uow, token, _key(settings))
    except NotFound:
        return _unknown()
    words = Words(opt_in.locale, "UTC")
    shop = _shop_name(uow, opt_in.shop_id)
    if opt_in.confirmed_at is not None:
        return HTMLResponse(page("unsubscribe.html", words.locale, title=words.t("opt_in_done_title"),
                                 body=words.t("opt_in_done_body", shop=shop, number=number, address=opt_in.address),
                                 action=None))
    return HTMLResponse(page("unsubscribe.html", words.locale, title=words.t("opt_in_confirm_title", number=number),
                             body=words.t("opt_in_confirm_body", shop=shop, address=opt_in.address),
                             action=f"/opt-in/{token}", button=words.t("opt_in_button")))


@router.post("/opt-in/{token}", response_class=HTMLResponse)
def opt_in_confirm(token: str, uow: Uow, settings: AppSettings) -> HTMLResponse:
    try:
        done = confirm_opt_in(uow, token, _key(settings))
    except NotFound:
        return _unknown()
    words = Words(done.locale, "UTC")
    return HTMLResponse(page("unsubscribe.html", words.locale, title=words.t("opt_in_done_title"),
                             body=words.t("opt_in_done_body", shop=_shop_name(uow, done.shop_id),
                                          number=done.tracking_number, address=done.address), action=None))
