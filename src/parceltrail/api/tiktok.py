"""TikTok Shop over HTTP: the browser consent flow, the connection's status, and TikTok's webhooks.

``GET /v1/tiktok/authorize`` (API key) answers 302 to TikTok's consent page with a one-time ``state``;
TikTok sends the seller back to ``GET /v1/tiktok/callback?code=&state=`` (no API key: the state, issued
for one shop and good for 15 minutes, says whose connection it is). ``POST /v1/webhooks/tiktok`` (no API
key: the ``Authorization`` signature is the authentication) stores a genuine notification and answers
at once; the worker applies it.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from parceltrail.api import problems
from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.api.hooks import raw_body
from parceltrail.platforms.tiktok.errors import TikTokShopError
from parceltrail.services import FieldError, InvalidInput
from parceltrail.services.tiktok import (
    TikTokNotSetUp,
    authorization_url,
    connect_shop,
    connection_of,
    shop_for_state,
    tiktok_app,
    webhook_counts,
)
from parceltrail.services.tiktok_hooks import WebhookRefused, receive_notification

log = logging.getLogger("parceltrail.tiktok")
router = APIRouter(tags=["TikTok Shop"])


class ConnectionOut(BaseModel):
    shop_id: str
    tiktok_shop_id: str
    shop_name: str | None
    region: str | None
    state: str
    """connected, expiring (TikTok warned the authorization ends soon) or deauthorized."""
    state_detail: str | None
    access_token_expires_at: str
    refresh_token_expires_at: str
    last_sync_at: str | None
    synced_through: str | None
    last_sync_error: str | None
    webhooks: dict[str, int] | None = None
    """This shop's TikTok notifications by state: pending, done, failed (given up after five tries)."""

    @classmethod
    def of(cls, c, webhooks: dict[str, int] | None = None) -> ConnectionOut:
        iso = lambda v: v.isoformat() if v else None  # noqa: E731
        return cls(shop_id=c.shop_id, tiktok_shop_id=c.tiktok_shop_id, shop_name=c.shop_name, region=c.region,
                   state=c.state, state_detail=c.state_detail, access_token_expires_at=iso(c.access_expires_at),
                   refresh_token_expires_at=iso(c.refresh_expires_at), last_sync_at=iso(c.last_sync_at),
                   synced_through=iso(c.synced_through), last_sync_error=c.last_sync_error, webhooks=webhooks)


class NotificationOut(BaseModel):
    accepted: bool
    duplicate: bool


def _app(settings):
    try:
        return tiktok_app(settings)
    except TikTokNotSetUp as error:
        raise _NotSetUp(str(error)) from None


class _NotSetUp(Exception):
    pass


def _client(request: Request, app):
    """One TikTok client per API process (its connection pool is reused across callbacks)."""
    client = getattr(request.app.state, "tiktok_client", None)
    if client is None:
        from parceltrail.carriers.transport import CarrierClient

        client = app.client(CarrierClient(timeout=request.app.state.settings.carrier_timeout_seconds))
        request.app.state.tiktok_client = client
    return client


@router.get("/v1/tiktok/authorize", status_code=302, responses={302: {"description": "To TikTok's consent page"}})
def authorize(request: Request, shop_id: ShopId, uow: Uow, settings: AppSettings):
    """Send the seller to TikTok to authorise this shop; the JSON body carries the same URL."""
    try:
        app = _app(settings)
    except _NotSetUp as error:
        return problems.problem(404, "TikTok Shop not set up", str(error))
    url = authorization_url(uow, app, shop_id, str(request.url_for("tiktok_callback")))
    return JSONResponse({"authorize_url": url}, status_code=302, headers={"Location": url})


@router.get("/v1/tiktok/callback", name="tiktok_callback", response_model=ConnectionOut)
def callback(request: Request, uow: Uow, settings: AppSettings, code: str = "", state: str = ""):
    """Where TikTok sends the seller back: the state is checked, the code traded for tokens."""
    try:
        app = _app(settings)
    except _NotSetUp as error:
        return problems.problem(404, "TikTok Shop not set up", str(error))
    if not code:
        raise InvalidInput("TikTok sent no code", [FieldError("code", "the code TikTok appends to the redirect")])
    shop_id = shop_for_state(uow, state)
    try:
        connection = connect_shop(uow, app, _client(request, app), shop_id, code)
    except TikTokShopError as error:
        return problems.problem(502, "TikTok refused", f"{error}; start again from /v1/tiktok/authorize")
    return ConnectionOut.of(connection)


@router.get("/v1/tiktok/status", response_model=ConnectionOut)
def status(shop_id: ShopId, uow: Uow) -> ConnectionOut:
    """This shop's TikTok Shop connection: state, token expiry (never the tokens) and the last sync."""
    connection = connection_of(uow, shop_id)
    return ConnectionOut.of(connection, webhook_counts(uow, connection.tiktok_shop_id))


def _drain_trigger(app: FastAPI):
    trigger = getattr(app.state, "drain_tiktok_inbox", None)
    if trigger is None:
        from parceltrail.worker.jobs import register_jobs
        from parceltrail.worker.queue import make_queue

        settings = app.state.settings
        trigger = register_jobs(make_queue(settings.queue_url), settings, app.state.engine).get("drain_tiktok_inbox")
        app.state.drain_tiktok_inbox = trigger
    return trigger


def _ask_worker(app: FastAPI) -> None:
    from parceltrail.worker.push import request_drain
    from parceltrail.worker.tiktok import DRAIN_QUEUED

    try:
        trigger = _drain_trigger(app)
        if trigger is not None:
            request_drain(trigger, DRAIN_QUEUED)
    except Exception as error:  # noqa: BLE001 - stored; the scheduled drain applies it
        log.warning("could not enqueue a TikTok inbox drain (%s); the scheduled drain will apply it",
                    type(error).__name__)


@router.post("/v1/webhooks/tiktok", response_model=NotificationOut,
             responses={401: {"description": "Signature refused; nothing was stored"}})
def webhook(request: Request, background: BackgroundTasks, body: Annotated[bytes, Depends(raw_body)], uow: Uow,
            settings: AppSettings):
    """TikTok Shop's notifications. ``Authorization`` must be hex HMAC-SHA256(app secret, app key + body)."""
    try:
        app = _app(settings)
    except _NotSetUp as error:
        return problems.problem(404, "TikTok Shop not set up", str(error))
    try:
        received = receive_notification(uow, app.app_key, app.app_secret, request.headers.get("authorization"), body)
    except WebhookRefused as error:
        client = request.client.host if request.client else "?"
        log.warning("TikTok webhook refused from %s: %s", client, error.reason)
        return problems.problem(401, "Webhook refused", f"{error.reason}; nothing was stored")
    if not received.duplicate:
        background.add_task(_ask_worker, request.app)
    return NotificationOut(accepted=True, duplicate=received.duplicate)
