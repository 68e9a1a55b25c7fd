"""The sandbox carrier's adapter: same interface as UPS or DHL, pointed at the simulated network.

``GET {base}/track?number=PT..&number=PT..`` answers ``{"shipments": [...]}``, one tracking body per
number (see ``body.py``); a pushed webhook carries one such body on its own. ``parse`` reads both;
``parse_many`` returns every shipment of a batch. No account is needed: ``SandboxCredentials`` only
says where the network runs (the demo mounts it at ``/sandbox`` in the main API).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from parceltrail.carriers.base import Carrier, CarrierShapeError, CarrierTracking
from parceltrail.carriers.reading import aware, event, load_body, need, parse_day, place, window
from parceltrail.carriers.sandbox.codes import CLASSIFIER, CODE
from parceltrail.carriers.timeline import tracking, with_related

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

BASE_URL = "http://127.0.0.1:8000/sandbox"
MAX_NUMBERS_PER_REQUEST = 25
REQUESTS_PER_SECOND = 20.0


@dataclass(frozen=True, slots=True)
class SandboxCredentials:
    """Nothing secret: the sandbox network needs no account. ``base_url`` overrides ``BASE_URL``."""

    base_url: str | None = None


def parse(body: bytes | dict | list) -> CarrierTracking:
    """One tracking body, or a batch whose first shipment is the result and the rest ``related``."""
    data = need(CODE, load_body(CODE, body), dict, "body")
    if "shipments" in data:
        results = parse_many(data)
        return with_related(results, CODE) if results else tracking(CODE, None, [])
    return _shipment(data, "body")


def parse_many(body: bytes | dict | list) -> list[CarrierTracking]:
    """Every shipment of a batch answer (or the single shipment of a pushed body), in request order."""
    data = need(CODE, load_body(CODE, body), dict, "body")
    if "shipments" not in data:
        return [_shipment(data, "body")]
    shipments = need(CODE, data["shipments"], list, "shipments")
    return [_shipment(s, f"shipments[{i}]") for i, s in enumerate(shipments)]


def _shipment(data: Any, where: str) -> CarrierTracking:
    need(CODE, data, dict, where)
    if "tracking_number" not in data:
        raise CarrierShapeError(CODE, f"{where} has no tracking_number: this is not a sandbox tracking body")
    number = str(need(CODE, data["tracking_number"], str, f"{where}.tracking_number"))
    if not data.get("found", False):
        return tracking(CODE, number, [])
    events, unmapped = [], []
    for i, raw in enumerate(need(CODE, data.get("events"), list, f"{where}.events")):
        at = f"{where}.events[{i}]"
        need(CODE, raw, dict, at)
        code = need(CODE, raw.get("code"), str, f"{at}.code")
        verdict = CLASSIFIER.classify((code,), raw.get("description"))
        unmapped.append(verdict.reported)
        loc = raw.get("location") or {}
        events.append(
            event(
                aware(CODE, raw.get("occurred_at"), f"{at}.occurred_at"),
                verdict,
                raw.get("description"),
                code,
                place(loc.get("city"), loc.get("region"), loc.get("postal_code"), loc.get("country")),
            )
        )
    return tracking(
        CODE,
        number,
        events,
        estimated_delivery=_estimate(data.get("estimated_delivery"), where),
        delivered_at=aware(CODE, data["delivered_at"], f"{where}.delivered_at")
        if data.get("delivered_at")
        else None,
        signed_by=data.get("signed_by"),
        delivery_location=data.get("delivery_location"),
        unmapped=unmapped,
    )


def _estimate(raw: Any, where: str):
    if not raw:
        return None
    need(CODE, raw, dict, f"{where}.estimated_delivery")
    days: list[date | None] = [
        parse_day(CODE, str(raw[k]), f"{where}.estimated_delivery.{k}") if raw.get(k) else None
        for k in ("earliest", "latest")
    ]
    return window(days[0], days[1])


def _base(credentials: SandboxCredentials | None) -> str:
    return ((credentials.base_url if credentials else None) or BASE_URL).rstrip("/")


def fetch(number: str, credentials: SandboxCredentials | None, client: CarrierClient) -> bytes:
    """One number through the batch endpoint; ``parse`` reads the one-shipment batch as that number."""
    return fetch_many([number], credentials, client)


def fetch_many(numbers: list[str], credentials: SandboxCredentials | None, client: CarrierClient) -> bytes:
    """Up to ``MAX_NUMBERS_PER_REQUEST`` numbers in one GET; more is the caller's bug, refused here."""
    from parceltrail.carriers.transport import ensure_ok

    if not numbers or len(numbers) > MAX_NUMBERS_PER_REQUEST:
        raise ValueError(
            f"ask for 1 to {MAX_NUMBERS_PER_REQUEST} sandbox numbers per request, not {len(numbers)}"
        )
    response = client.send(
        CODE,
        "GET",
        f"{_base(credentials)}/track",
        params={"number": list(numbers)},
        headers={"Accept": "application/json"},
    )
    return ensure_ok(CODE, response)


CARRIER = Carrier(
    code=CODE,
    name="parceltrail sandbox",
    parse=parse,
    fetch=fetch,
    base_url=BASE_URL,
    credentials_type=SandboxCredentials,
    classifier=CLASSIFIER,
    api="simulated network, GET /track?number=..., signed push; no account",
    supports=frozenset({"locations", "estimated_delivery", "proof_of_delivery"}),
)


def _simulated() -> dict[str, Carrier]:
    """The network's other carriers (``lines``): tracked exactly like the sandbox carrier, by this adapter."""
    from dataclasses import replace

    from parceltrail.carriers.mapping import Classifier
    from parceltrail.carriers.sandbox.codes import CODES
    from parceltrail.carriers.sandbox.lines import LINES

    return {line.code: replace(CARRIER, code=line.code, name=line.name, classifier=Classifier(line.code, codes=CODES))
            for line in LINES.values() if line.code != CODE}


SIMULATED: dict[str, Carrier] = _simulated()
