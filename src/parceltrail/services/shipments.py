"""Uploading a tracking number to TikTok Shop, after trust checks (``platforms/tiktok/rules.py``).

Order of work: find the order and the parcel; run every check that needs no carrier (on hold, format,
check digit, carrier, duplicate); ask the carrier (``carrier_answer``: what we already hold for the
number, else one live fetch) and run the checks that need its answer (destination ZIP, first scan
before the order); refuse on any failed check unless every failed one is overridable and ``force`` is
set; only then call TikTok (``ship`` for a parcel without a number, ``shipping_info/update`` for a
correction within the 72 h / one-edit rule), re-read the order from TikTok and store it. An on-hold order
is never uploaded. Every upload and correction is kept in the order's history.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from parceltrail.core import TrackingEvent
from parceltrail.core.orders import OrderPackage
from parceltrail.platforms.tiktok import rules
from parceltrail.platforms.tiktok.rules import Check
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.orders import UpsertReport
from parceltrail.services.packages import normalize_carrier
from parceltrail.services.tiktok import ShopSession, TikTokApp
from parceltrail.services.tiktok_sync import apply_orders, fetch_details
from parceltrail.store import UnitOfWork
from parceltrail.store.orders import StatusChange, StoredOrder

CarrierAnswer = Callable[[str, str], Sequence[TrackingEvent] | None]
"""(carrier, number) -> the carrier's events for the number, or None when it cannot be asked."""
_SEPARATORS = re.compile(r"[\s\-_.]+")


class ShipmentRefused(Exception):
    """One or more checks failed; nothing was sent to TikTok."""

    def __init__(self, checks: list[Check], forced: bool) -> None:
        codes = ", ".join(c.code for c in checks)
        hint = "" if forced or any(c.fatal for c in checks) else "; pass --force (force: true) to upload anyway"
        super().__init__(f"tracking not uploaded: {codes}{hint}")
        self.checks = checks


@dataclass
class Shipment:
    order_id: str
    platform_package_id: str
    tracking_number: str
    carrier: str | None
    correction: bool
    checks: list[Check] = field(default_factory=list)
    """Checks that failed but were overridden with force."""
    stored: UpsertReport = field(default_factory=UpsertReport)

    def to_dict(self) -> dict:
        return {"order_id": self.order_id, "package_id": self.platform_package_id,
                "tracking_number": self.tracking_number, "carrier": self.carrier, "correction": self.correction,
                "uploaded": True, "overridden": [c.to_dict() for c in self.checks]}


def _parcel(stored: StoredOrder, package: str | None) -> OrderPackage:
    parcels = [p for p in stored.order.packages if p.external_id]
    if package is not None:
        for p in parcels:
            if p.external_id == package:
                return p
        raise InvalidInput("no such package on this order",
                           [FieldError("package", f"expected one of: {', '.join(p.external_id for p in parcels) or '(none)'}")])
    if not parcels:
        raise InvalidInput("TikTok names no package on this order yet; sync the shop first",
                           [FieldError("package", "the order has no TikTok package")])
    waiting = [p for p in parcels if not p.tracking_number]
    if len(parcels) > 1 and len(waiting) != 1:
        raise InvalidInput("the order has several packages; say which",
                           [FieldError("package", f"one of: {', '.join(p.external_id for p in parcels)}")])
    return waiting[0] if waiting else parcels[0]


def run_checks(uow: UnitOfWork, stored: StoredOrder, number: str, carrier: str | None,
               carrier_answer: CarrierAnswer | None) -> list[Check]:
    order = stored.order
    failed = [c for c in (rules.check_on_hold(order.on_hold), rules.check_format(number)) if c]
    if any(c.code == "format" for c in failed):
        return failed
    normalized = _SEPARATORS.sub("", number).upper()
    order_id = rules.check_order_id(normalized, order.external_id)
    failed += [order_id] if order_id else rules.check_number(normalized, carrier)
    with uow.read():
        others = [o for o in uow.orders.orders_with_number(order.shop_id, normalized) if o != order.external_id]
    duplicate = rules.check_duplicate(normalized, others)
    failed += [duplicate] if duplicate else []
    events = carrier_answer(carrier, normalized) if carrier_answer and carrier else None
    if events is not None:
        failed += [c for c in (rules.check_zip(normalized, order.buyer.address.postal_code, events),
                               rules.check_first_scan(order.created_at, events)) if c]
    elif order.buyer.address.postal_code:
        failed += [c for c in (rules.check_zip(normalized, order.buyer.address.postal_code, ()),) if c]
    return failed


def ship_order(uow: UnitOfWork, app: TikTokApp, client, shop_id: str, order_ref: str, tracking_number: str,
               carrier: str | None = None, package: str | None = None, force: bool = False,
               shipping_provider_id: str | None = None, carrier_answer: CarrierAnswer | None = None) -> Shipment:
    number = (tracking_number or "").strip()
    carrier = normalize_carrier(carrier)
    with uow.read():
        stored = uow.orders.get(shop_id, order_ref)
        if stored is None:
            raise NotFound("order", order_ref)
        history = uow.orders.history(stored.id)
    parcel = _parcel(stored, package)
    carrier = carrier or parcel.carrier
    correction = bool(parcel.tracking_number)
    failed = run_checks(uow, stored, number, carrier, carrier_answer)
    if correction:
        shipped = [h.changed_at for h in history if h.source in ("ship", "sync", "webhook", "csv")
                   and h.status.value in ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED")]
        failed += rules.check_correction(min(shipped) if shipped else None,
                                         sum(1 for h in history if h.source == "correction"), utcnow())
    if failed and (not force or any(c.fatal for c in failed)):
        raise ShipmentRefused(failed, force)
    provider = shipping_provider_id or parcel.shipping_provider_id
    if not provider:
        raise InvalidInput("TikTok names no shipping provider for this package",
                           [FieldError("shipping_provider_id", "pass TikTok's shipping provider id for the carrier")])
    session = ShopSession(uow, app, client, shop_id)
    if correction:
        session.run(lambda token, cipher: client.update_shipping_info(token, cipher, stored.order.external_id,
                                                                      number, provider))
    else:
        session.run(lambda token, cipher: client.ship_package(token, cipher, parcel.external_id, number, provider))
    result = Shipment(stored.order.external_id, parcel.external_id or "", number, carrier, correction, failed)
    apply_orders(uow, shop_id, fetch_details(session, [stored.order.external_id]), "ship", result.stored)
    with uow:
        after = uow.orders.get(shop_id, stored.order.external_id)
        uow.orders.record_status(after.id, StatusChange(after.order.status, after.order.on_hold, utcnow(), utcnow(),
                                                        "correction" if correction else "ship"))
        uow.commit()
    return result


def carrier_answer_for(uow: UnitOfWork, shop_id: str, credentials_for: Callable[[str, str], object],
                       carrier_client) -> CarrierAnswer:
    """What the carrier says about a number: the events we already follow, else one live fetch
    (None when the carrier cannot be polled or does not answer: those checks are then skipped)."""
    from parceltrail.carriers.base import CarrierFetchError, CarrierShapeError
    from parceltrail.services.adapters import MissingCredentials, adapter

    def answer(carrier: str, number: str) -> Sequence[TrackingEvent] | None:
        with uow.read():
            known = uow.packages.find(shop_id, number, carrier)
            if known is not None and known.state.event_count:
                return uow.events.timeline(known.id)
        found = adapter(carrier)
        if found is None:
            return None
        try:
            results = found.fetch([number], credentials_for(shop_id, carrier), carrier_client)
        except (CarrierFetchError, CarrierShapeError, MissingCredentials):
            return None
        return results[0].events if results else None

    return answer
