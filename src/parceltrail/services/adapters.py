"""How the services reach carrier adapters: which carriers can be polled, with what limits and credentials.

Carrier modules are named after their code (``parceltrail.carriers.ups`` ...). A module may offer
``fetch_many``/``parse_many`` to ask for several numbers in one request, and ``MAX_NUMBERS_PER_REQUEST``
and ``REQUESTS_PER_SECOND`` to state its limits; without them a carrier gets one number per request at
a conservative rate.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache
from types import ModuleType

from parceltrail.carriers.base import Carrier, CarrierTracking
from parceltrail.carriers.credentials import credentials_from_env
from parceltrail.carriers.proof import with_proofs
from parceltrail.carriers.reading import load_body
from parceltrail.carriers.registry import CARRIERS

DEFAULT_REQUESTS_PER_SECOND = 2.0


@dataclass(frozen=True)
class Adapter:
    carrier: Carrier
    module: ModuleType
    max_numbers: int
    requests_per_second: float

    @property
    def lookup(self) -> str:
        return self.carrier.lookup

    def fetch(self, numbers: list[str], credentials, client) -> list[CarrierTracking]:
        """Ask for ``numbers`` (at most ``max_numbers``) and return what the carrier said, parsed, each
        delivered parcel with its proof of delivery read from the same body."""
        code = self.carrier.code
        if len(numbers) > 1 and hasattr(self.module, "fetch_many"):
            body = load_body(code, self.module.fetch_many(numbers, credentials, client))
            return with_proofs(code, body, list(self.module.parse_many(body)))
        out: list[CarrierTracking] = []
        for n in numbers:
            body = load_body(code, self.carrier.fetch(n, credentials, client))  # decoded once for both readers
            out += with_proofs(code, body, [self.carrier.parse(body)])
        return out


@cache
def adapter(code: str | None) -> Adapter | None:
    """The pollable adapter for a carrier code, or None for an unknown one. ``lookup`` says what its fetch
    takes: a tracking number, or (``tiktok``) the platform order the parcel belongs to."""
    if not code or code not in CARRIERS:
        return None
    carrier = CARRIERS[code]
    module = importlib.import_module(carrier.parse.__module__)
    return Adapter(
        carrier,
        module,
        max_numbers=int(getattr(module, "MAX_NUMBERS_PER_REQUEST", 1)),
        requests_per_second=float(getattr(module, "REQUESTS_PER_SECOND", DEFAULT_REQUESTS_PER_SECOND)),
    )


def can_poll(code: str | None) -> bool:
    return adapter(code) is not None


class MissingCredentials(Exception):
    """The carrier needs an account and none is configured (message names the settings to set)."""


def credentials_type(code: str) -> type | None:
    """The credentials a carrier account of ``code`` holds: a tracking carrier's, or a label-buying
    account's (``dhl_ecommerce``); None for an unknown code."""
    from parceltrail.carriers.ship import PURCHASE_ACCOUNTS

    return CARRIERS[code].credentials_type if code in CARRIERS else PURCHASE_ACCOUNTS.get(code)


def operator_base_url(code: str) -> str | None:
    """Where the operator points a carrier (``PARCELTRAIL_<CARRIER>_BASE_URL``: a sandbox host, a proxy);
    None for the carrier's own production endpoint. Never a shop's to choose: the poller sends the
    carrier's credentials there, so a tenant-set URL would hand them, and a request, to any host."""
    return os.environ.get(f"PARCELTRAIL_{code.upper()}_BASE_URL") or None


def env_credentials(code: str):
    """Credentials from ``PARCELTRAIL_<CARRIER>_*``; carriers that need none (the sandbox) get their
    empty type, pointed at ``PARCELTRAIL_<CARRIER>_BASE_URL`` when the operator set it."""
    kind = credentials_type(code)
    if kind is None:
        raise MissingCredentials(f"unknown carrier account {code!r}")
    required = [f.name for f in fields(kind) if f.name not in ("base_url", "shop_cipher")]
    if not required:
        return kind(base_url=operator_base_url(code)) if "base_url" in _names(kind) else kind()
    try:
        found = credentials_from_env(code, kind)
    except ValueError as error:
        raise MissingCredentials(str(error)) from None
    if found is None:
        names = ", ".join(f"PARCELTRAIL_{code.upper()}_{n.upper()}" for n in required)
        raise MissingCredentials(f"no {code} account configured: set {names}")
    return found


def _names(kind: type) -> set[str]:
    return {f.name for f in fields(kind)}


class RateLimiter:
    """Spaces requests to one carrier at most ``per_second`` apart, across the threads of one process."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep, monotonic: Callable[[], float] = time.monotonic):
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._sleep = sleep
        self._monotonic = monotonic

    def wait(self, carrier: str, per_second: float) -> None:
        with self._lock:
            now = self._monotonic()
            start = max(now, self._next.get(carrier, now))
            self._next[carrier] = start + 1.0 / per_second
        if start > now:
            self._sleep(start - now)
