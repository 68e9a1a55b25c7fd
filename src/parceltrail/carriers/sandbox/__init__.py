"""The sandbox carrier network: a simulated US carrier for demos, tests and load, with no account.

Numbers carry their journey (``numbering``), so ``journey(number)`` is pure and any process can track
any sandbox number. ``SandboxNetwork`` mints numbers on a clock (which may run accelerated) and serves
tracking bodies; ``create_network_app`` puts it on HTTP; ``adapter`` is the carrier module the poller
uses; ``webhooks`` signs and verifies pushes the Standard Webhooks way and ``Pusher`` sends them.
The HTTP parts (Starlette, httpx) load only when asked for, so parsing stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parceltrail.carriers.sandbox.adapter import (
    BASE_URL,
    CARRIER,
    MAX_NUMBERS_PER_REQUEST,
    REQUESTS_PER_SECOND,
    SandboxCredentials,
    fetch,
    fetch_many,
    parse,
    parse_many,
)
from parceltrail.carriers.sandbox.body import tracking_body
from parceltrail.carriers.sandbox.journey import Journey, Scan, journey
from parceltrail.carriers.sandbox.numbering import NotASandboxNumber, Scenario, Service, decode, encode

if TYPE_CHECKING:
    from parceltrail.carriers.sandbox.app import create_network_app
    from parceltrail.carriers.sandbox.network import SandboxNetwork
    from parceltrail.carriers.sandbox.pusher import Pusher
    from parceltrail.carriers.sandbox.webhooks import WebhookVerificationError, sign, verify

_LAZY = {
    "create_network_app": "app",
    "SandboxNetwork": "network",
    "Pusher": "pusher",
    "WebhookVerificationError": "webhooks",
    "sign": "webhooks",
    "verify": "webhooks",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"parceltrail.carriers.sandbox.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BASE_URL",
    "CARRIER",
    "MAX_NUMBERS_PER_REQUEST",
    "REQUESTS_PER_SECOND",
    "Journey",
    "NotASandboxNumber",
    "Pusher",
    "SandboxCredentials",
    "SandboxNetwork",
    "Scan",
    "Scenario",
    "Service",
    "WebhookVerificationError",
    "create_network_app",
    "decode",
    "encode",
    "fetch",
    "fetch_many",
    "journey",
    "parse",
    "parse_many",
    "sign",
    "tracking_body",
    "verify",
]
