"""Rate limits on the API: per key, per source address for requests without a key, and for pushes.

Token buckets, one per key (a SHA-256 prefix of it, never the key), per address, per pushing address; a
bucket holds ``count`` requests and refills at ``count`` per ``period``, so a client may burst up to the
limit and then goes at the rate. Past it the answer is a problem+json 429 with ``Retry-After`` (whole
seconds until a request would pass). Only ``/v1`` is limited: pages and the sandbox network have their own
callers. A wrong key is charged to its address as well, so guessing keys goes at the anonymous rate.

The buckets live in the process. With N API processes each keeps its own, so a client can get up to N
times a limit across them (spread by the load balancer); an operator who needs one shared limit puts it
in front (the proxy) or runs one API process per limit. Behind a proxy, start uvicorn with proxy headers
so the source address is the client's, not the proxy's.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from parceltrail.api.problems import ProblemError, problem
from parceltrail.settings import Settings, parse_rate

PUSH_PREFIXES = ("/v1/hooks/", "/v1/webhooks/")


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    period: float

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """``"600/minute"`` (or ``/second``, ``/hour``); ``"0"`` or ``"off"`` means no limit (None)."""
        found = parse_rate(text)
        return cls(*found) if found else None


class Buckets:
    """Token buckets by name for one rate; forgets full buckets when it holds more than ``max_names``."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic, max_names: int = 50_000) -> None:
        self.rate = rate
        self._per_second = rate.count / rate.period
        self._clock = clock
        self._max = max_names
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, name: str) -> float:
        """Spend one request; 0 when it may go, else the seconds until it could."""
        with self._lock:
            now = self._clock()
            tokens, at = self._state.get(name, (float(self.rate.count), now))
            tokens = min(float(self.rate.count), tokens + (now - at) * self._per_second)
            if tokens >= 1:
                self._state[name] = (tokens - 1, now)
                if len(self._state) > self._max:
                    self._forget_full(now)
                return 0.0
            self._state[name] = (tokens, now)
            return (1 - tokens) / self._per_second

    def _forget_full(self, now: float) -> None:
        full = [n for n, (tokens, at) in self._state.items()
                if tokens + (now - at) * self._per_second >= self.rate.count]
        for name in full:
            del self._state[name]


class RateLimits:
    def __init__(self, per_key: Rate | None, anonymous: Rate | None, push: Rate | None) -> None:
        self.per_key = Buckets(per_key) if per_key else None
        self.anonymous = Buckets(anonymous) if anonymous else None
        self.push = Buckets(push) if push else None

    @classmethod
    def of(cls, settings: Settings) -> RateLimits:
        return cls(Rate.parse(settings.rate_limit_per_key), Rate.parse(settings.rate_limit_anonymous),
                   Rate.parse(settings.rate_limit_push))

    def wait_for(self, scope: Scope) -> float:
        """Seconds this request must wait (0: it may go), charged to the bucket it belongs to."""
        path = scope.get("path", "")
        if not path.startswith("/v1/"):
            return 0.0
        address = _address(scope)
        if path.startswith(PUSH_PREFIXES):
            return self.push.take(address) if self.push else 0.0
        token = _bearer(scope)
        if token is not None:
            return self.per_key.take(hashlib.sha256(token).hexdigest()[:32]) if self.per_key else 0.0
        return self.anonymous.take(address) if self.anonymous else 0.0

    def charge_failed_key(self, scope: Scope) -> float:
        """A request whose key was refused also spends from its address's anonymous bucket."""
        return self.anonymous.take(_address(scope)) if self.anonymous else 0.0


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _bearer(scope: Scope) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.partition(b" ")
            return token.strip() if scheme.lower() == b"bearer" and token.strip() else None
    return None


def limited(wait: float) -> ProblemError:
    """The 429 for a request that must wait ``wait`` seconds: Retry-After in whole seconds, at least 1."""
    seconds = max(1, math.ceil(wait))
    return ProblemError(429, f"rate limit reached; retry in {seconds} s", headers={"Retry-After": str(seconds)})


class RateLimit:
    """The ASGI middleware: answers 429 before any route code runs."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            wait = self.limits.wait_for(scope)
            if wait > 0:
                refusal = limited(wait)
                await problem(429, refusal.title, refusal.detail, headers=refusal.headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)
