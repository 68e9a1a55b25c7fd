"""Delivery estimates that move with scans: every state change asks the delivery-date engine again.

The engine (``parceltrail.eta``) is pure; this module gathers what it needs from the store — when the
package was registered, when the carrier took it, its newest scan and where, origin and destination
with coordinates from ZIP centroids — in the destination's time zone, and keeps each revision.
Until a shop has a trained model, estimates come from the carriers' published standards and say so.

Honest around exceptions: a weather (or carrier, customs, flight) delay or a failed attempt never moves
an estimate earlier; a parcel lost or on its way back has no estimate, and says why (a ``withheld``
revision: ``withhold_estimates``); a revision that changes nothing a buyer sees is not recorded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from parceltrail import eta, geo
from parceltrail.core import NOT_A_HANDOFF, Address, Package, Status, Substatus, TrackingEvent
from parceltrail.geo import us_zip
from parceltrail.services.outbox import record_estimate_changes
from parceltrail.store import UnitOfWork
from parceltrail.store.dialects import retrying
from parceltrail.store.estimates import WITHHELD, StoredEstimate

log = logging.getLogger("parceltrail.estimates")


def shop_model(uow: UnitOfWork, shop_id: str) -> eta.Model | None:
    """The shop's trained model (loaded once per training), or None while it has none or its file is
    from a version this one cannot read (then estimates use carrier standards until it is retrained)."""
    info = uow.history.model_info(shop_id)
    if info is None:
        return None
    return _load_model(shop_id, (info.trained_at, info.history_as_of), uow)


_MODELS: dict[tuple[str, tuple[datetime, datetime | None]], eta.Model | None] = {}


def _load_model(shop_id: str, version: tuple[datetime, datetime | None], uow: UnitOfWork) -> eta.Model | None:
    key = (shop_id, version)
    if key not in _MODELS:
        body = uow.history.model_body(shop_id)
        if len(_MODELS) > 64:  # a model per shop: keep memory bounded on a many-shop server
            _MODELS.clear()
        try:
            _MODELS[key] = eta.Model.from_json(json.loads(body))
        except eta.ModelFileError as error:
            log.warning("shop %s: %s; estimates use carrier standards until `parceltrail eta train --shop %s`",
                        shop_id, error, shop_id)
            _MODELS[key] = None
    return _MODELS[key]


_PRIOR = eta.CarrierStandards()
_NO_MORE_ESTIMATES = frozenset({Status.RETURNED, Status.CANCELLED, Status.EXPIRED})
_WITHHELD = {
    Status.RETURNING: "no delivery estimate: the carrier is returning the parcel to the sender",
    Status.RETURNED: "no delivery estimate: the parcel went back to the sender",
    Status.CANCELLED: "no delivery estimate: the label was cancelled",
}
_WITHHELD_SUBSTATUS = {
    Substatus.LOST: "no delivery estimate: the carrier reported the parcel lost",
    Substatus.DISPOSED: "no delivery estimate: the carrier disposed of the parcel",
}


def withheld_reason(status: Status, substatus: Substatus) -> str | None:
    """Why a parcel in this state has no delivery estimate (lost, returning, cancelled), or None if it has one.

    Predicting a date for a parcel that will not be delivered would be a promise we know is false."""
    return _WITHHELD_SUBSTATUS.get(substatus) or _WITHHELD.get(status)


def place_of(address: Address | None, fallback_country: str = "US") -> eta.Place:
    country = (address.country if address else None) or fallback_country
    postal = address.postal_code if address else None
    found = us_zip(postal) if country == "US" else None
    if found is None:
        return eta.Place(country=country, postal_code=postal)
    return eta.Place(country=country, region=found.state, postal_code=postal, lat=found.lat, lon=found.lon)


def zone_of(destination: Address | None) -> ZoneInfo:
    found = us_zip(destination.postal_code) if destination and destination.country in (None, "US") else None
    return ZoneInfo(found.timezone) if found and found.timezone else ZoneInfo("UTC")


def prediction_input(
    package: Package, events: Sequence[TrackingEvent], previous: StoredEstimate | None
) -> eta.PredictionInput:
    future = package.state.future_from
    events = [e for e in events if future is None or e.occurred_at < future]  # held-back scans do not count yet
    zone = zone_of(package.destination)
    destination = place_of(package.destination)
    origin = place_of(package.origin, destination.country)
    handoff = min((e.occurred_at for e in events if e.status not in NOT_A_HANDOFF), default=None)
    newest = max(events, key=lambda e: (e.occurred_at, e.status is Status.DELIVERED), default=None)
    last_scan = None
    if newest is not None:
        loc = newest.location
        place = place_of(Address(postal_code=loc.postal_code, country=loc.country), destination.country) \
            if (loc.postal_code or loc.country) else None
        last_scan = eta.Scan(newest.occurred_at.astimezone(zone), newest.status.value, place)
    before = None
    if previous is not None:
        before = eta.Estimate(previous.earliest, previous.likely, previous.latest, previous.promise,
                              previous.confidence, previous.source, previous.revised_at, previous.reason,
                              previous.moment)
    return eta.PredictionInput(
        purchased_at=package.created_at.astimezone(zone),
        origin=origin,
        destination=destination,
        seller_id=package.shop_id,
        carrier=package.carrier,
        service=package.service,
        handed_over_at=handoff.astimezone(zone) if handoff else None,
        last_scan=last_scan,
        previous=before,
    )


_DELAYS = {
    Substatus.WEATHER_DELAY: "a weather delay", Substatus.CARRIER_DELAY: "a carrier delay",
    Substatus.CUSTOMS_DELAY: "a customs delay", Substatus.LATE_FLIGHT: "a late flight",
}


def _held_back_by(events: Sequence[TrackingEvent]) -> str | None:
    """The newest event, when it is one that can only push delivery later."""
    newest = max(events, key=lambda e: e.occurred_at, default=None)
    if newest is None:
        return None
    if newest.status is Status.DELIVERY_FAILED:
        return "a failed delivery attempt"
    return _DELAYS.get(newest.substatus) if newest.status is Status.EXCEPTION else None


def _no_earlier(found: eta.Estimate, previous: StoredEstimate, why: str) -> eta.Estimate:
    dates = [max(a, b) for a, b in zip((found.earliest, found.likely, found.latest, found.promise),
                                       (previous.earliest, previous.likely, previous.latest, previous.promise),
                                       strict=True)]
    if dates == [found.earliest, found.likely, found.latest, found.promise]:
        return found
    return replace(found, earliest=dates[0], likely=dates[1], latest=dates[2], promise=dates[3],
                   reason=f"{found.reason}; kept no earlier than before: {why} never brings delivery forward")


def _same(found: eta.Estimate | StoredEstimate, stored: StoredEstimate | None) -> bool:
    """Would storing ``found`` tell anyone anything ``stored`` does not?"""
    return stored is not None and (found.earliest, found.likely, found.latest, found.promise, found.confidence,
                                   found.source, found.moment) == (stored.earliest, stored.likely, stored.latest,
                                                                   stored.promise, stored.confidence, stored.source,
                                                                   stored.moment)


def withhold_estimates(uow: UnitOfWork, reasons: Mapping[str, str], now: datetime) -> int:
    """Inside an open transaction: record that these packages have no estimate, and why (lost, returning).
    A package already withheld for the same reason gets no new row. Returns how many rows were added."""
    if not reasons:
        return 0
    already = uow.estimates.withheld(list(reasons))
    current = uow.estimates.current(list(reasons))
    rows = []
    for pid, reason in reasons.items():
        if already.get(pid) == reason:
            continue
        before = current.get(pid)
        day = before.likely if before else now.date()
        rows.append(StoredEstimate(pid, now, before.earliest if before else day, day, before.latest if before else day,
                                   before.promise if before else day, "none", "withheld", WITHHELD, reason))
    uow.estimates.add_many(rows)
    return len(rows)


@dataclass(frozen=True, slots=True)
class _Revision:
    rows: list[StoredEstimate]
    seen: dict[str, tuple[str | None, int]]
    """package id -> (newest key, event count) the rows were predicted from"""
    held: dict[str, str]
    """package id -> why it gets no estimate (lost, returning: ``withheld_reason``)"""


def _predict(uow: UnitOfWork, package_ids: Sequence[str], now: datetime) -> _Revision:
    """Inside an open unit of work: read what the engine needs and predict (one engine call per shop)."""
    current = uow.estimates.current(package_ids)
    found = uow.packages.get_any(package_ids)
    held = {p.id: reason for p in found.values()
            if (reason := withheld_reason(p.state.status, p.state.substatus)) is not None}
    live = [p for p in found.values() if p.state.status not in _NO_MORE_ESTIMATES and p.id not in held]
    timelines = uow.events.timelines([p.id for p in live])
    by_shop: dict[str, list[Package]] = {}
    for package in live:
        by_shop.setdefault(package.shop_id, []).append(package)
    rows: list[StoredEstimate] = []
    for shop_id, shop_packages in by_shop.items():
        items = [prediction_input(p, timelines[p.id], current.get(p.id)) for p in shop_packages]
        estimates = eta.predict_many(shop_model(uow, shop_id) or _PRIOR, items)
        for p, e in zip(shop_packages, estimates, strict=True):
            before = current.get(p.id)
            why = _held_back_by(timelines[p.id])
            if before is not None and why is not None:
                e = _no_earlier(e, before, why)
            if _same(e, before):
                continue
            rows.append(StoredEstimate(p.id, now, e.earliest, e.likely, e.latest, e.promise, e.confidence,
                                       e.source, e.moment, e.reason))
    return _Revision(rows, {pid: _version(p) for pid, p in found.items()}, held)


def _version(package: Package | None) -> tuple[str | None, int]:
    return (package.state.newest_key, package.state.event_count) if package else (None, -1)


def warm_up() -> None:
    """Load now what the first estimate would otherwise load on a request: the ZIP table, the US holiday
    calendars (the ``holidays`` package imports every country's module on first use, ~1.4 s), time
    zones. API, worker and CLI call it at start-up; it reads and writes nothing."""
    geo.load()
    now = datetime.now(UTC)
    package = Package(id="pkg_warm_up", shop_id="", tracking_number="WARMUP", carrier="ups", created_at=now,
                      updated_at=now, destination=Address(postal_code="40213", country="US"),
                      origin=Address(postal_code="90210", country="US"))
    eta.predict_many(_PRIOR, [prediction_input(package, [], None)])


def revise_estimates(uow: UnitOfWork, package_ids: Sequence[str], now: datetime, attempts: int = 3) -> int:
    """Predict again for these packages and keep each new estimate; returns how many were stored.

    Predicting happens outside the write transaction: read (a reading transaction, beside writers),
    predict, then a short write that locks the packages, as ingest does, and stores only the estimates
    whose package has not moved since it was read. Packages that moved are read and predicted again; on
    the last attempt that happens under the lock, so a package written to without pause still gets an
    estimate of its newest state, and a slow revision can never file an older estimate after a newer one.
    """
    stored, pending = 0, list(dict.fromkeys(package_ids))
    for attempt in range(1, attempts + 1):
        if not pending:
            break
        last = attempt == attempts
        revision = None
        if not last:
            with uow.read():
                revision = _predict(uow, pending, now)

        def write(revision: _Revision | None = revision) -> tuple[int, list[str]]:
            with uow:
                locked = uow.packages.lock(pending)
                if revision is None:
                    revision = _predict(uow, pending, now)
                moved = [pid for pid in pending if _version(locked.get(pid)) != revision.seen.get(pid, (None, -1))]
                withheld = withhold_estimates(uow, {pid: why for pid, why in revision.held.items() if pid not in moved},
                                              now)
                before = uow.estimates.current([row.package_id for row in revision.rows])  # under the lock: exact
                kept = [row for row in revision.rows
                        if row.package_id not in moved and not _same(row, before.get(row.package_id))]
                uow.estimates.add_many(kept)
                record_estimate_changes(uow, locked, before, kept, now)
                uow.commit()
            return len(kept) + withheld, moved

        count, pending = retrying(write)
        stored += count
    return stored
