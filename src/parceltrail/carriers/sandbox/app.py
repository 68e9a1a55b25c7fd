"""The sandbox network over HTTP, shaped like a carrier's tracking API (Starlette, mountable anywhere).

``GET /track?number=PT..&number=PT..`` answers ``{"shipments": [...]}`` in request order, at most
``MAX_NUMBERS_PER_REQUEST`` numbers; ``GET /track/{number}`` answers one body. A token bucket in
real time answers 429 with ``Retry-After`` like a real carrier, so the poller's limits are tested
for real. ``POST /shipments`` mints a label (for curl and the demo); ``GET /`` says what runs.
Errors are problem+json, as in the main API.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from parceltrail.carriers.sandbox.adapter import MAX_NUMBERS_PER_REQUEST, REQUESTS_PER_SECOND
from parceltrail.carriers.sandbox.body import encode_body
from parceltrail.carriers.sandbox.network import SandboxNetwork


class TokenBucket:
    """``rate`` requests a second on average, ``burst`` at once; ``take`` returns 0 or the seconds to wait."""

    def __init__(self, rate: float, burst: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a rate limit needs rate > 0 and burst >= 1")
        self.rate, self.burst, self.monotonic = rate, burst, monotonic
        self.tokens = burst
        self.at = monotonic()
        self._lock = threading.Lock()

    def take(self) -> float:
        with self._lock:
            now = self.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status_code=status,
        headers=headers,
        media_type="application/problem+json",
    )


def _json(body: Any) -> Response:
    return Response(encode_body(body), media_type="application/json")


def create_network_app(
    network: SandboxNetwork,
    *,
    requests_per_second: float | None = REQUESTS_PER_SECOND,
    burst: float | None = None,
) -> Starlette:
    """An ASGI app serving ``network``. ``requests_per_second=None`` turns the rate limit off."""
    bucket = (
        TokenBucket(requests_per_second, burst or max(1.0, requests_per_second))
        if requests_per_second
        else None
    )

    def limited() -> Response | None:
        wait = bucket.take() if bucket is not None else 0.0
        if wait <= 0:
            return None
        seconds = max(1, math.ceil(wait))
        return problem(
            429,
            "Too Many Requests",
            f"the sandbox allows {requests_per_second:g} requests a second; retry in {seconds} s",
            {"Retry-After": str(seconds)},
        )

    async def track(request: Request) -> Response:
        numbers = [
            n.strip() for raw in request.query_params.getlist("number") for n in raw.split(",") if n.strip()
        ]
        if not numbers:
            return problem(400, "No tracking number", "pass one or more ?number=PT... parameters")
        if len(numbers) > MAX_NUMBERS_PER_REQUEST:
            return problem(
                400,
                "Too many tracking numbers",
                f"at most {MAX_NUMBERS_PER_REQUEST} numbers per request, got {len(numbers)}",
            )
        refusal = limited()
        if refusal is not None:
            return refusal
        at = network.record_fetch(numbers)
        return _json({"shipments": [network.tracking(n, at) for n in numbers]})

    async def track_one(request: Request) -> Response:
        refusal = limited()
        if refusal is not None:
            return refusal
        number = request.path_params["number"]
        at = network.record_fetch([number])
        return _json(network.tracking(number, at))

    async def ship(request: Request) -> Response:
        raw = await request.body()
        try:
            spec = json.loads(raw) if raw.strip() else {}
        except ValueError:
            spec = None
        if not isinstance(spec, dict):
            return problem(400, "Cannot ship", 'the body must be a JSON object like {"service": "ground"}')
        try:
            number = network.ship(spec.get("service"), spec.get("scenario"))
        except ValueError as error:
            return problem(400, "Cannot ship", str(error))
        j = network.journey(number)
        return JSONResponse(
            {
                "tracking_number": number,
                "service": j.service.name.lower(),
                "scenario": j.scenario.name.lower(),
                "shipped_at": j.shipped_at.isoformat(),
            },
            status_code=201,
        )

    async def about(request: Request) -> Response:
        return JSONResponse(
            {
                "network": "parceltrail sandbox",
                "now": network.now().isoformat(),
                "shipments": len(network.shipments),
                "max_numbers_per_request": MAX_NUMBERS_PER_REQUEST,
                "requests_per_second": requests_per_second,
            }
        )

    return Starlette(
        routes=[
            Route("/", about, methods=["GET"]),
            Route("/track", track, methods=["GET"]),
            Route("/track/{number}", track_one, methods=["GET"]),
            Route("/shipments", ship, methods=["POST"]),
        ]
    )
