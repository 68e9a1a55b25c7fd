"""What a buyer's tracking page shows, built from the store: the view model behind ``/track/{number}``.

A buyer arrives with a tracking number. Without proof (the destination ZIP) the page shows what the
carrier would show anyone — status, progress, delivery window, carrier — and never an address, a
place, an order reference or a name. With proof it adds the timeline, the route and the destination.
How sure the window is comes from the shop's own track record on lanes of this length when it has
enough deliveries to say (``services.track_record``), else from the window's stated 8 in 10.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from parceltrail.carriers.registry import CARRIERS
from parceltrail.core import Address, Package, Status, TrackingEvent
from parceltrail.eta.history import distance_km, lane_length
from parceltrail.geo import us_zip
from parceltrail.numbers import tracking_url
from parceltrail.services.buyer_guidance import Advice, advise
from parceltrail.services.clock import utcnow
from parceltrail.services.estimates import place_of, zone_of
from parceltrail.services.packages import normalize_tracking_number
from parceltrail.services.track_record import CLAIMS, MIN_JUDGED, MomentRecord, track_record
from parceltrail.store import UnitOfWork
from parceltrail.store.branding import Branding
from parceltrail.store.estimates import StoredEstimate

STEPS = ("ordered", "shipped", "in_transit", "out_for_delivery", "delivered")
_STEP = {Status.PENDING: 0, Status.CANCELLED: 0, Status.INFO_RECEIVED: 1, Status.IN_TRANSIT: 2,
         Status.OUT_FOR_DELIVERY: 3, Status.AVAILABLE_FOR_PICKUP: 3, Status.DELIVERY_FAILED: 3,
         Status.DELIVERED: 4}
PROBLEM_STATUSES = frozenset({Status.EXCEPTION, Status.DELIVERY_FAILED, Status.RETURNING, Status.RETURNED,
                              Status.EXPIRED, Status.CANCELLED})


@dataclass(frozen=True, slots=True)
class ShopFace:
    id: str | None
    name: str
    colour: str | None = None
    has_logo: bool = False
    support_email: str | None = None


@dataclass(frozen=True, slots=True)
class Scan:
    at: datetime
    """In the scan's own local time (the zone of its ZIP), or the destination's when the scan has none."""
    status: Status
    substatus: str
    description: str
    place: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Window:
    earliest: date
    likely: date
    latest: date
    promise: date
    source: str
    moment: str
    share: float
    """How many in 10 such parcels arrive inside the window: measured, or the window's claim."""
    measured_on: int = 0
    """Deliveries the share was measured on (0: the stated claim, not yet measured for this shop)."""


@dataclass(frozen=True, slots=True)
class BuyerPage:
    tracking_number: str
    carrier: str | None
    carrier_name: str | None
    carrier_url: str | None
    shop: ShopFace
    status: Status
    substatus: str
    step: int
    """Index into STEPS of the furthest step the parcel reached."""
    now: datetime
    """Now, in the destination's time zone."""
    window: Window | None
    first_latest: date | None
    """The latest day of the first window the buyer was given: a parcel not delivered by then is late."""
    late: bool
    delivered_at: datetime | None
    advice: Advice
    verified: bool
    scans: list[Scan] = field(default_factory=list)
    """Newest first; empty unless verified."""
    destination: str | None = None
    order_ref: str | None = None
    origin: Scan | None = None
    destination_point: tuple[float, float] | None = None
    buyer_first_name: str | None = None

    @property
    def problem(self) -> bool:
        return self.status in PROBLEM_STATUSES


def carrier_name(code: str | None) -> str | None:
    if code is None:
        return None
    found = CARRIERS.get(code)
    return found.name if found else code.upper()


def carrier_link(code: str | None, number: str) -> str | None:
    if code is None:
        return None
    try:
        return tracking_url(code, number)
    except ValueError:
        return None


def find_packages(uow: UnitOfWork, raw_number: str) -> tuple[str, list[Package]]:
    """The normalised number and the packages following it (newest first); InvalidInput for a bad number."""
    number = normalize_tracking_number(raw_number)
    with uow.read():
        return number, uow.buyers.by_number(number)


def same_postal_code(package: Package, given: str) -> bool:
    """Whether ``given`` is the package's destination postal code (US: the 5-digit ZIP, ZIP+4 accepted)."""
    stored = (package.destination.postal_code if package.destination else None) or ""
    want = "".join(stored.split()).upper()
    have = "".join(given.split()).upper()
    if not want or not have:
        return False
    if (package.destination.country or "US") == "US":
        return want[:5] == have.replace("-", "")[:5] and len(have.replace("-", "")) in (5, 9)
    return want == have


def matching(uow: UnitOfWork, packages: list[Package], given: str) -> list[Package]:
    """The packages ``given`` proves: by the package's destination, or the linked order's buyer postal code."""
    with uow.read():
        orders = uow.orders.for_packages([p.id for p in packages if not (p.destination and p.destination.postal_code)])
    out = []
    for package in packages:
        codes = [package] + [replace(package, destination=Address(postal_code=o.order.buyer.address.postal_code,
                                                                  country=o.order.buyer.address.country))
                             for o in orders.get(package.id, []) if o.order.buyer.address.postal_code]
        if any(same_postal_code(c, given) for c in codes):
            out.append(package)
    return out


def choose(packages: list[Package], proven: set[str], shop_hint: str | None) -> tuple[Package, bool]:
    """The package to show and whether the buyer proved it: a proven one, the linked shop's, the newest."""
    for package in packages:
        if package.id in proven:
            return package, True
    for package in packages:
        if package.shop_id == shop_hint:
            return package, False
    return packages[0], False


def build_page(uow: UnitOfWork, packages: list[Package], proven: set[str], shop_hint: str | None) -> BuyerPage:
    package, verified = choose(packages, proven, shop_hint)
    shops = {p.shop_id for p in packages}
    known_shop = verified or shop_hint == package.shop_id or len(shops) == 1
    with uow.read():
        events = uow.events.timeline(package.id)
        estimates = uow.estimates.history(package.id)
        shop = uow.shops.get(package.shop_id) if known_shop else None
        branding = uow.branding.get(package.shop_id) if known_shop else None
    face = _face(shop.id if shop else None, shop.name if shop else None, branding)
    zone = zone_of(package.destination)
    now = utcnow(package.shop_id).astimezone(zone)  # the shop's clock (the demo shop keeps its own)
    current = estimates[-1] if estimates else None
    first = next((e for e in estimates if e.moment in ("placed", "handoff")), current)
    delivered = package.state.status is Status.DELIVERED
    late = bool(first and not delivered and package.state.status not in (Status.RETURNED, Status.CANCELLED)
                and now.date() > first.latest)
    window = _window(uow, package, current) if current and not delivered else None
    scans = [scan_view(e, zone) for e in sorted(events, key=lambda e: e.occurred_at, reverse=True)]
    step = max((_STEP.get(e.status, 0) for e in events), default=_STEP.get(package.state.status, 0))
    if package.state.status in _STEP:
        step = max(step, _STEP[package.state.status])
    delivered_at = package.state.delivered_at.astimezone(zone) if delivered and package.state.delivered_at else None
    advice = advise(package.state.status, package.state.substatus.value, now, package.created_at.astimezone(zone),
                    scans[0].at if scans else None, delivered_at, current, first, late)
    page = BuyerPage(
        tracking_number=package.tracking_number, carrier=package.carrier, carrier_name=carrier_name(package.carrier),
        carrier_url=carrier_link(package.carrier, package.tracking_number), shop=face,
        status=package.state.status, substatus=package.state.substatus.value, step=step, now=now, window=window,
        first_latest=first.latest if first else None, late=late, delivered_at=delivered_at, advice=advice,
        verified=verified,
    )
    if not verified:
        return page
    with uow.read():
        orders = uow.orders.for_packages([package.id]).get(package.id, [])
    first_name = next((o.order.buyer.masked()["first_name"] for o in orders if o.order.buyer.name), None)
    return replace(_with_private(page, package, scans), buyer_first_name=first_name)


def _with_private(page: BuyerPage, package: Package, scans: list[Scan]) -> BuyerPage:
    """Add what only the recipient may see: the timeline, the route, the destination, the order."""
    found = us_zip(package.destination.postal_code) if package.destination else None
    destination = f"{found.city.title()}, {found.state} {found.zip_code}" if found else (
        package.destination.postal_code if package.destination else None)
    origin_zip = us_zip(package.origin.postal_code) if package.origin else None
    origin = Scan(package.created_at, Status.PENDING, "pending", "", f"{origin_zip.city.title()}, {origin_zip.state}",
                  origin_zip.lat, origin_zip.lon) if origin_zip else None
    return replace(page, scans=scans, destination=destination, order_ref=package.order_ref, origin=origin,
                   destination_point=(found.lat, found.lon) if found else None)


def _face(shop_id: str | None, shop_name: str | None, branding: Branding | None) -> ShopFace:
    if shop_id is None:
        return ShopFace(None, "parceltrail")
    b = branding or Branding(shop_id)
    return ShopFace(shop_id, b.display_name or shop_name or "parceltrail", b.colour, b.logo_type is not None,
                    b.support_email)


def scan_view(event: TrackingEvent, fallback: ZoneInfo) -> Scan:
    loc = event.location
    found = us_zip(loc.postal_code) if loc.postal_code and loc.country in (None, "US") else None
    zone = ZoneInfo(found.timezone) if found and found.timezone else fallback
    city = loc.city.title() if loc.city else (found.city.title() if found else None)
    region = loc.region or (found.state if found else None)
    place = ", ".join(p for p in (city, region) if p) or (loc.country or "")
    return Scan(event.occurred_at.astimezone(zone), event.status, event.substatus.value, event.description, place,
                found.lat if found else None, found.lon if found else None)


_RECORDS: dict[str, tuple[float, dict[str, MomentRecord]]] = {}
_RECORD_SECONDS = 600.0


def _shop_record(uow: UnitOfWork, shop_id: str) -> dict[str, MomentRecord]:
    """The shop's track record, computed at most every ten minutes per process (it reads 30 days)."""
    cached = _RECORDS.get(shop_id)
    if cached is None or cached[0] < time.monotonic():
        if len(_RECORDS) > 1000:
            _RECORDS.clear()
        cached = _RECORDS[shop_id] = (time.monotonic() + _RECORD_SECONDS, track_record(uow, shop_id))
    return cached[1]


def _window(uow: UnitOfWork, package: Package, estimate: StoredEstimate) -> Window:
    share, measured = CLAIMS["window"], 0
    moment = "placed" if estimate.moment == "placed" else "handoff"
    record = _shop_record(uow, package.shop_id).get(moment)
    if record is not None:
        destination = place_of(package.destination)
        lane = lane_length(distance_km(place_of(package.origin, destination.country), destination))
        on_lane = record.by_lane_length.get(lane)
        if on_lane is not None and on_lane.delivered >= MIN_JUDGED and on_lane.inside_window is not None:
            share, measured = on_lane.inside_window, on_lane.delivered
    return Window(estimate.earliest, estimate.likely, estimate.latest, estimate.promise, estimate.source,
                  estimate.moment, share, measured)

