"""``POST /v1/hooks/{carrier}``: where carriers push scans. The signature is the authentication.

The route does the least it can before answering: verify, store the raw body in the inbox, answer
202. Parsing and ingest happen in the worker, asked to drain right after the answer is sent (and on
its own schedule, so a queue that was down only delays processing).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Request, Response
from pydantic import BaseModel

from parceltrail.api import problems
from parceltrail.api.deps import AppSettings, Uow
from parceltrail.api.schemas import CarrierPath
from parceltrail.services import NotFound
from parceltrail.services.hooks import PushConflict, PushNotSetUp, PushRefused, receive_push

log = logging.getLogger("parceltrail.push")
router = APIRouter(prefix="/v1/hooks", tags=["carrier push"])
_trigger_lock = threading.Lock()


class HookAcceptedOut(BaseModel):
    accepted: bool
    id: int
    """The delivery's place in the inbox."""
    duplicate: bool
    """True when this delivery id was received before: nothing new was stored."""


async def raw_body(request: Request) -> bytes:
    """The body exactly as sent: the signature covers these bytes, not a re-serialised JSON."""
    return await request.body()


def _drain_trigger(app: FastAPI) -> Callable[[], object]:
    """The worker's inbox-drain job, enqueued through the configured queue (built on first use)."""
    with _trigger_lock:
        trigger = getattr(app.state, "drain_hook_inbox", None)
        if trigger is None:
            from parceltrail.worker.jobs import register_jobs
            from parceltrail.worker.queue import make_queue

            settings = app.state.settings
            jobs = register_jobs(make_queue(settings.queue_url), settings, app.state.engine)
            trigger = jobs["drain_hook_inbox"]
            app.state.drain_hook_inbox = trigger
        return trigger


def _ask_worker_to_drain(app: FastAPI) -> None:
    from parceltrail.worker.push import request_drain

    try:
        request_drain(_drain_trigger(app))
    except Exception as error:  # noqa: BLE001 - the delivery is stored; the scheduled drain will take it
        log.warning("could not enqueue an inbox drain (%s); the scheduled drain will process the delivery",
                    type(error).__name__)


_SIGNED_BODY = {
    "parameters": [
        {"name": "webhook-id", "in": "header", "required": True,
         "schema": {"type": "string", "maxLength": 128},
         "description": "The delivery's id, the same on every retry of it"},
        {"name": "webhook-timestamp", "in": "header", "required": True, "schema": {"type": "string"},
         "description": "Unix seconds when it was sent; refused beyond 5 minutes from server time"},
        {"name": "webhook-signature", "in": "header", "required": True, "schema": {"type": "string"},
         "description": "Space-separated v1,<base64 HMAC-SHA256 of id.timestamp.body>; one match is enough"},
    ],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object",
        "description": "The carrier's tracking answer for one shipment, as its adapter parses it",
    }}}},
}

_REFUSALS = {
    401: {"description": "Signature or timestamp refused; nothing was stored"},
    404: {"description": "Unknown carrier, or push is not set up for it"},
    409: {"description": "This webhook-id was received before with another body; nothing was stored"},
}


@router.post("/{carrier}", status_code=202, response_model=HookAcceptedOut,
             responses={200: {"model": HookAcceptedOut, "description": "A redelivery: already in the inbox"},
                        **_REFUSALS},
             openapi_extra=_SIGNED_BODY)
def receive(
    carrier: CarrierPath,
    request: Request,
    response: Response,
    background: BackgroundTasks,
    body: Annotated[bytes, Depends(raw_body)],
    uow: Uow,
    settings: AppSettings,
):
    """Take a carrier's push: Standard Webhooks headers ``webhook-id``, ``webhook-timestamp`` (unix seconds)
    and ``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` of ``id.timestamp.body`` under the carrier's
    secret). The body is the carrier's tracking answer for one shipment, processed by the worker."""
    try:
        accepted = receive_push(uow, carrier, request.headers, body, settings.hook_secrets)
    except NotFound:
        detail = f"unknown carrier {carrier!r}; push URLs are /v1/hooks/<carrier code>"
        return problems.problem(404, "Not found", detail)
    except PushNotSetUp as error:
        log.warning("push refused: %s", error)
        return problems.problem(404, "Push not set up", str(error))
    except PushRefused as error:
        client = request.client.host if request.client else "?"
        log.warning("push refused: carrier=%r from=%s reason=%s", carrier, client, error.reason)
        return problems.problem(401, "Push refused", f"{error.reason}; nothing was stored")
    except PushConflict as error:
        log.warning("push refused: carrier=%r %s", carrier, error)
        return problems.problem(409, "Push id reused", f"{error}; nothing was stored")
    if accepted.duplicate:
        response.status_code = 200
    else:
        background.add_task(_ask_worker_to_drain, request.app)
    return HookAcceptedOut(accepted=True, id=accepted.id, duplicate=accepted.duplicate)
