"""Carrier and service assignment: gather each candidate's figures, then let ``core.assignment`` choose.

Candidates are the services of the shop's connected carriers (carrier accounts, and the server's
configured ones) that take the parcel; the sandbox network's carriers join when the shop connects
``sandbox`` or has no carrier yet. For each: the price (``services.shipping``), the published
standard, our predicted window for this lane (the delivery-date engine: the shop's model, or carrier
standards), the lane's scorecard, and the chance of delivery by the deliver-by:

    chance = (s + K x p_model) / (n + K),  K = 10

where ``p_model`` is what our window says (P10, P50, P90, P95 dates), and ``s`` of ``n`` parcels on
this lane arrived within the time there is now between the expected handoff and the end of the
deliver-by day (lost ones count as late). A lane with fewer than 20 parcels borrows the record of the
service's lanes of the same distance zone, then of the service anywhere. Ten parcels of history weigh
as much as the model; a hundred outweigh it ten to one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parceltrail import eta
from parceltrail.carriers.sandbox.lines import by_code as sandbox_lines
from parceltrail.carriers.registry import CARRIERS
from parceltrail.core import Address
from parceltrail.core.address import PostalAddress
from parceltrail.core.assignment import Candidate, Decision, choose
from parceltrail.core.parcel import Parcel, billable_weight, over_limits
from parceltrail.geo import us_zip
from parceltrail.services.adapters import MissingCredentials, env_credentials
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.estimates import _PRIOR, place_of, shop_model, zone_of
from parceltrail.services.labels import LabelRequest, ships_with_tiktok, with_order
from parceltrail.services.scorecards import Scorecard, group, lane_of, shipped_parcels, summarise
from parceltrail.services.shipping import (
    Lane,
    address_of,
    get_settings,
    parcel_of,
    price,
    promised_by,
    services_of,
    standard_days,
)
from parceltrail.store import UnitOfWork

K = 10
LANE_MIN = 20
HISTORY_DAYS = 90


def connected_carriers(uow: UnitOfWork, shop_id: str) -> list[str]:
    """The carriers whose services are candidates for this shop (see the module docstring)."""
    with uow.read():
        accounts = [a.carrier for a in uow.accounts.list(shop_id)]
    found = []
    for code in CARRIERS:
        if code in sandbox_lines() or code == "tiktok":
            continue
        if code in accounts:
            found.append(code)
            continue
        try:
            env_credentials(code)
        except MissingCredentials:
            continue
        found.append(code)
    if "sandbox" in accounts or not found:
        found += list(sandbox_lines())
    return found


def _core(address: PostalAddress) -> Address:
    return Address(postal_code=(address.postal_code or "")[:5] or None, country=address.country)


def expected_handoff(origin: PostalAddress, now: datetime) -> datetime:
    """When the carrier will have it: a 17:00 pickup at the origin, today if labelled by 15:00 on a weekday."""
    place = us_zip(origin.postal_code) if origin.country == "US" else None
    zone = ZoneInfo(place.timezone) if place and place.timezone else ZoneInfo("UTC")
    local = now.astimezone(zone)
    day = local.date() if local.hour < 15 else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(17), zone)


def model_chance(estimate: eta.Estimate, deliver_by: date) -> float:
    """What our quantiles say about arriving by ``deliver_by`` (a step through P10, P50, P90, P95)."""
    for day, share in ((estimate.promise, 0.95), (estimate.latest, 0.90), (estimate.likely, 0.50),
                       (estimate.earliest, 0.10)):
        if deliver_by >= day:
            return share
    return 0.02


def _record(cards: dict[tuple, Scorecard], carrier: str, service: str, lane: str, zone: int) -> Scorecard | None:
    for key in ((carrier, service, lane), (carrier, service, f"zone {zone}")):
        card = cards.get(key)
        if card is not None and card.parcels >= LANE_MIN:
            return card
    return cards.get((carrier, service, None))


@dataclass(frozen=True, slots=True)
class History:
    """The shop's scorecards by lane and by service, read once per assignment (or once per bench day)."""

    cards: dict[tuple, Scorecard]

    @classmethod
    def read(cls, uow: UnitOfWork, shop_id: str, now: datetime) -> History:
        items = shipped_parcels(uow, shop_id, now - timedelta(days=HISTORY_DAYS), now)
        zones: dict[tuple[str, str, int], list] = {}
        for item in items:
            if item.zone is not None:
                zones.setdefault((item.carrier, item.service, item.zone), []).append(item)
        cards = {(c.carrier, c.service, c.lane): c for c in group(items, "lane")}
        cards |= {(c, s, f"zone {z}"): summarise(c, s, f"zone {z}", found) for (c, s, z), found in zones.items()}
        cards |= {(c.carrier, c.service, None): c for c in group(items, "service")}
        return cls(cards)


def candidates_for(uow: UnitOfWork, shop_id: str, carriers: list[str], ship_from: PostalAddress,
                   ship_to: PostalAddress, parcel: Parcel, deliver_by: date | None, now: datetime,
                   history: History) -> list[Candidate]:
    settings = get_settings(uow, shop_id)
    lane = Lane(ship_from, ship_to)
    lane_name = lane_of(ship_from.postal_code, ship_from.country, ship_to.postal_code, ship_to.country)
    destination, origin = place_of(_core(ship_to)), place_of(_core(ship_from))
    zone = zone_of(_core(ship_to))
    with uow.read():
        model = shop_model(uow, shop_id)
    handoff = expected_handoff(ship_from, now)
    available = None
    if deliver_by is not None:
        end = datetime.combine(deliver_by, time(23, 59), zone)
        available = (end - handoff) / timedelta(days=1)
    out = []
    for carrier in carriers:
        for service in services_of(carrier):
            refused = "; ".join(over_limits(parcel, carrier, service)) or None
            billed = billable_weight(parcel, carrier).billable_lb
            item = eta.PredictionInput(purchased_at=now.astimezone(zone), origin=origin, destination=destination,
                                       seller_id=shop_id, carrier=carrier, service=service,
                                       handed_over_at=handoff.astimezone(zone))
            estimate = eta.predict(model or _PRIOR, item)
            card = _record(history.cards, carrier, service, lane_name, lane.zone)
            chance = None
            if deliver_by is not None and available is not None:
                prior = model_chance(estimate, deliver_by)
                s = n = 0
                if card is not None:
                    lost = round(card.lost_per_1000 * card.parcels / 1000)
                    n = len(card.transit_days) + lost
                    s = sum(d <= available for d in card.transit_days)
                chance = round((s + K * prior) / (n + K), 4)
            out.append(Candidate(
                carrier, service, price(settings, carrier, service, billed, lane), standard_days(carrier, service, lane),
                promised_by(carrier, service, lane, handoff), estimate.earliest, estimate.likely, estimate.latest,
                estimate.promise, card.on_time_promise if card else None, card.promise_judged if card else 0,
                card.lane or f"{carrier} {service} overall" if card else None, chance, refused))
    return out


@dataclass(frozen=True, slots=True)
class Assigned:
    decision: Decision
    request: LabelRequest

    @property
    def explanation(self) -> str:
        return self.decision.explanation


def decide(uow: UnitOfWork, shop_id: str, ship_from: PostalAddress, ship_to: PostalAddress, parcel: Parcel,
           deliver_by: date | None, now: datetime | None = None, history: History | None = None,
           rule: str | None = None) -> Decision:
    now = now or utcnow()
    settings = get_settings(uow, shop_id)
    history = history or History.read(uow, shop_id, now)
    found = candidates_for(uow, shop_id, connected_carriers(uow, shop_id), ship_from, ship_to, parcel, deliver_by,
                           now, history)
    return choose(found, rule or settings.rule, settings.confidence, deliver_by)


def assign_request(uow: UnitOfWork, shop_id: str, request: LabelRequest) -> Assigned:
    """Fill in a label request's carrier and service by the shop's rule; refuses when nothing can take it."""
    settings = get_settings(uow, shop_id)
    request, stored = with_order(uow, shop_id, request)
    if ships_with_tiktok(stored):
        why = "TikTok ships this order: its label and carrier are TikTok's."
        return Assigned(Decision(settings.rule, settings.confidence, request.deliver_by, None, why, ()),
                        replace(request, carrier="tiktok", service="tiktok_shipping"))
    ship_to = address_of(request.ship_to, "ship_to")
    ship_from = address_of(request.ship_from or settings.ship_from, "ship_from")
    parcel = parcel_of(settings, request.weight, request.size, request.preset)
    decision = decide(uow, shop_id, ship_from, ship_to, parcel, request.deliver_by)
    if decision.chosen is None:
        raise InvalidInput(decision.explanation, [FieldError("carrier", decision.explanation)])
    return Assigned(decision, replace(request, carrier=decision.chosen.carrier, service=decision.chosen.service,
                                      assignment=decision.to_dict()))


def assign(uow: UnitOfWork, shop_id: str, target: str, deliver_by: date | None = None,
           weight: str | None = None, size: str | None = None) -> Decision:
    """``parceltrail assign ORDER_OR_PACKAGE``: a package id, or an order id whose package is found by it."""
    with uow.read():
        package = uow.packages.get(shop_id, target) if target.startswith("pkg_") else None
        if package is None:
            page = [p for p in uow.labels.page(shop_id, target, 1)]
            package = uow.packages.get(shop_id, page[0].package_id) if page else None
        labels = uow.labels.of_package(package.id) if package else []
    if package is None:
        raise NotFound("package or order", target)
    settings = get_settings(uow, shop_id)
    label = labels[-1] if labels else None
    ship_to = PostalAddress(**label.ship_to) if label else PostalAddress(
        postal_code=package.destination.postal_code if package.destination else None,
        country=(package.destination.country if package.destination else None) or "US")
    origin = label.ship_from if label else (settings.ship_from or {
        "postal_code": package.origin.postal_code if package.origin else None,
        "country": (package.origin.country if package.origin else None) or "US"})
    if not ship_to.postal_code or not origin.get("postal_code"):
        raise InvalidInput("the package's lane is not known", [FieldError(
            "package", "it has no destination or origin postal code; register it with both, or set the shop's "
                       "ship-from address")])
    if label and label.weight_lb is not None and not weight:
        parcel = Parcel(label.weight_lb, tuple(label.sides_in) if label.sides_in else None)  # type: ignore[arg-type]
    else:
        parcel = parcel_of(settings, weight or "1 lb", size, None)
    return decide(uow, shop_id, PostalAddress(**origin), ship_to, parcel, deliver_by or (label.deliver_by if label else None))
