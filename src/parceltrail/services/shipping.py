"""A shop's shipping settings and what a carrier's service costs and promises for one parcel on one lane.

Settings: the ship-from address, the assignment rule (``cheapest_on_time`` by default, at 95%), a rate
table, and packaging presets. Prices come from the shop's rate table (``"carrier/service": {"base",
"per_lb", "per_zone"}`` in dollars: base for the first pound in zone 1, plus each further billable
pound and each zone further), else from the sandbox network's published list for its carriers; a real
carrier without a configured rate has no price (never a guess). Promises are the service standard:
the sandbox carriers' own promised day, or the latest day of the published range (``eta.prior``)
counted in business days from the ship day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from parceltrail.carriers.sandbox.lines import by_code as sandbox_lines
from parceltrail.carriers.ship import sellers
from parceltrail.carriers.sandbox.numbering import Service as SandboxService
from parceltrail.core import Address
from parceltrail.core.address import PostalAddress, check_address
from parceltrail.core.parcel import Parcel, ParcelError, parse_size
from parceltrail.eta.calendar import calendar_for
from parceltrail.eta.prior import STANDARDS, delivers_saturday, service_key, zone
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.estimates import place_of
from parceltrail.store import UnitOfWork
from parceltrail.store.labels import ShippingSettings

RULES = ("cheapest_on_time", "cheapest", "fastest", "most_reliable")
BUYABLE = tuple(sellers())
"""Carriers whose labels parceltrail buys through their shipping API (``carriers.ship``)."""
DEFAULT_RULE, DEFAULT_CONFIDENCE = "cheapest_on_time", 0.95


def default_settings(shop_id: str) -> ShippingSettings:
    return ShippingSettings(shop_id, None, DEFAULT_RULE, DEFAULT_CONFIDENCE, {}, {})


def get_settings(uow: UnitOfWork, shop_id: str) -> ShippingSettings:
    with uow.read():
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        return uow.labels.settings(shop_id) or default_settings(shop_id)


def address_of(raw: dict[str, Any] | None, field: str) -> PostalAddress:
    """A checked address from a request's object, or InvalidInput naming ``field.sub`` for each problem."""
    if not raw:
        raise InvalidInput(f"{field} is required", [FieldError(field, "an address object: name, line1, city, "
                                                                     "region, postal_code, country")])
    known = set(PostalAddress.__slots__)  # type: ignore[attr-defined]
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InvalidInput(f"{field} has unknown fields",
                           [FieldError(f"{field}.{u}", f"expected one of: {', '.join(sorted(known))}") for u in unknown])
    checked = check_address(PostalAddress(**{k: (str(v) if v is not None else None) for k, v in raw.items()}))
    if not checked.ok:
        raise InvalidInput(f"{field} cannot go on a label",
                           [FieldError(f"{field}.{p.field}", p.message + (f" (try: {', '.join(p.suggestions)})"
                                                                          if p.suggestions else ""))
                            for p in checked.errors])
    return checked.address


def update_settings(uow: UnitOfWork, shop_id: str, *, ship_from: dict[str, Any] | None = None,
                    rule: str | None = None, confidence: float | None = None,
                    rates: dict[str, dict[str, float]] | None = None,
                    presets: dict[str, dict[str, Any]] | None = None,
                    accounts: dict[str, Any] | None = None) -> ShippingSettings:
    """Change what is given, keep the rest; every value is checked before anything is stored."""
    current = get_settings(uow, shop_id)
    errors: list[FieldError] = []
    if rule is not None and rule not in RULES:
        errors.append(FieldError("rule", f"expected one of: {', '.join(RULES)}"))
    if confidence is not None and not 0.5 <= confidence < 1:
        errors.append(FieldError("confidence", "expected a share between 0.5 and 0.99, e.g. 0.95"))
    for key, rate in (rates or {}).items():
        if key.count("/") != 1 or set(rate) - {"base", "per_lb", "per_zone"} or "base" not in rate \
                or any(not isinstance(v, int | float) or v < 0 for v in rate.values()):
            errors.append(FieldError(f"rates.{key}", 'expected "carrier/service": {"base": 7.5, "per_lb": 0.5, '
                                                     '"per_zone": 0.6} with amounts >= 0'))
    for name, preset in (presets or {}).items():
        try:
            parse_size(str(preset.get("size", "")))
        except ParcelError as error:
            errors.append(FieldError(f"presets.{name}.size", error.message))
    errors += _account_errors(accounts or {})
    if errors:
        raise InvalidInput("shipping settings are not valid", errors)
    new = replace(
        current,
        ship_from=address_of(ship_from, "ship_from").to_dict() if ship_from is not None else current.ship_from,
        rule=rule or current.rule, confidence=confidence or current.confidence,
        rates={**current.rates, **(rates or {})}, presets={**current.presets, **(presets or {})},
        accounts={k: v for k, v in {**current.accounts, **(accounts or {})}.items() if v is not None},
    )
    with uow:
        uow.labels.put_settings(new, utcnow())
        uow.commit()
    return new


def _account_errors(accounts: dict[str, Any]) -> list[FieldError]:
    """Each account number checked against its carrier's shape (``null`` removes the carrier's numbers)."""
    errors = []
    for carrier, value in accounts.items():
        seller = sellers().get(carrier)
        if seller is None:
            errors.append(FieldError(f"accounts.{carrier}", f"parceltrail buys labels from: {', '.join(BUYABLE)}"))
        elif value is not None:
            errors += [FieldError(f"accounts.{carrier}" + (f".{name}" if name else ""), message)
                       for name, message in seller.account_of(value)[1]]
    return errors


def parcel_of(settings: ShippingSettings, weight: str | None, size: str | None, preset: str | None) -> Parcel:
    """The parcel from a weight and a size or a packaging preset (whose tare weight is added)."""
    if not weight:
        raise InvalidInput("weight is required", [FieldError("weight", "a weight with its unit, e.g. 2.5 lb")])
    try:
        if preset is not None:
            if preset not in settings.presets:
                known = ", ".join(sorted(settings.presets)) or "none yet"
                raise InvalidInput("unknown packaging preset", [FieldError("preset", f"this shop's presets: {known}")])
            found = settings.presets[preset]
            parcel = Parcel.of(weight, found["size"], preset)
            return replace(parcel, weight_lb=parcel.weight_lb + float(found.get("tare_lb", 0)))
        return Parcel.of(weight, size)
    except ParcelError as error:
        raise InvalidInput(f"{error.field} is not valid", [FieldError(error.field, error.message)]) from None


@dataclass(frozen=True, slots=True)
class Lane:
    """From where to where, with the distance zone US carriers price by."""

    origin: PostalAddress
    destination: PostalAddress

    @property
    def zone(self) -> int:
        return zone(place_of(_core(self.origin)), place_of(_core(self.destination)))


def _core(address: PostalAddress) -> Address:
    return Address(postal_code=(address.postal_code or "")[:5] or None, country=address.country)


def price(settings: ShippingSettings, carrier: str, service: str, billable_lb: int, lane: Lane) -> float | None:
    """Dollars for this parcel, from the shop's rate table or the sandbox price list; None when unknown."""
    rate = settings.rates.get(f"{carrier}/{service}")
    if rate is not None:
        extra_lb, extra_zone = max(0, billable_lb - 1), max(0, lane.zone - 1)
        return round(rate["base"] + rate.get("per_lb", 0) * extra_lb + rate.get("per_zone", 0) * extra_zone, 2)
    line = sandbox_lines().get(carrier)
    if line is None:
        return None
    return line.price(SandboxService[service.upper()], billable_lb, lane.zone, lane.origin.region or "",
                      lane.destination.region or "")


def standard_days(carrier: str, service: str, lane: Lane) -> tuple[int, int] | None:
    """The published transit range in business days, or None for a service without one."""
    key = service_key(carrier, service)
    return STANDARDS[key][lane.zone - 1] if key else None


def promised_by(carrier: str, service: str, lane: Lane, shipped_at: datetime) -> date | None:
    """The service standard's last day for a parcel handed over at ``shipped_at``."""
    days = standard_days(carrier, service, lane)
    if days is None:
        return None
    destination = place_of(_core(lane.destination))
    calendar = calendar_for(destination.country, destination.region, 17, delivers_saturday(carrier, service))
    return calendar.add_business_days(calendar.clock_start(shipped_at), days[1])


def services_of(carrier: str) -> tuple[str, ...]:
    """The services parceltrail knows for ``carrier``: the sandbox lines' own, else the published standards."""
    line = sandbox_lines().get(carrier)
    if line is not None:
        return tuple(s.name.lower() for s in line.services)
    return tuple(sorted({service for code, service in STANDARDS if code == carrier}))
