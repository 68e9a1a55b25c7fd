"""Creating a label: check the addresses and the parcel, get a tracking number, store the label and
register the package for tracking, linked to its order, in one transaction.

Where the number comes from: the sandbox network's carriers mint one (a label number whose journey
goes from the ship-from ZIP to the ship-to ZIP); UPS, FedEx, USPS and DHL eCommerce sell one with the
label (``services.label_purchase``); a number the seller already bought can be printed
(``tracking_number``; its format and check digit must fit the carrier); an order TikTok ships gets
TikTok's label and number (``services.tiktok_labels``). Creating a label never uploads tracking to
TikTok: that goes through the trust checks of the orders flow.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from parceltrail.carriers.sandbox.journey import journey
from parceltrail.carriers.sandbox.lines import by_code as sandbox_lines
from parceltrail.carriers.sandbox.network import mint_label
from parceltrail.core import Address, Package, PackageState
from parceltrail.core.orders import OrderPackage
from parceltrail.core.address import PostalAddress
from parceltrail.core.parcel import billable_weight, carrier_family, over_limits
from parceltrail.carriers.ship import LABEL_FORMATS
from parceltrail.labels import LabelSpec
from parceltrail.labels.batch import CarrierDocument, NotPrintable, batch_pdf, batch_zpl
from parceltrail.numbers import detect
from parceltrail.services.adapters import can_poll
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.label_purchase import buy_label
from parceltrail.services.estimates import revise_estimates, zone_of
from parceltrail.services.orders import TIKTOK_SHIPPING
from parceltrail.services.packages import normalize_carrier, normalize_tracking_number
from parceltrail.services.shipping import (
    BUYABLE,
    Lane,
    address_of,
    get_settings,
    parcel_of,
    price,
    promised_by,
    services_of,
)
from parceltrail.store import UnitOfWork
from parceltrail.store.ids import new_id
from parceltrail.store.labels import StoredLabel
from parceltrail.store.orders import StoredOrder

if TYPE_CHECKING:
    from parceltrail.services.tiktok import TikTokApp

_RNG = random.SystemRandom()


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """What a seller asks for. ``carrier``/``service`` may be left out when ``assignment`` chose them."""

    ship_to: dict[str, Any] | None
    """None: the stored order's buyer address."""
    weight: str | None
    """Required, except for an order TikTok ships (its label is TikTok's)."""
    carrier: str | None = None
    service: str | None = None
    size: str | None = None
    preset: str | None = None
    ship_from: dict[str, Any] | None = None
    order_id: str | None = None
    deliver_by: date | None = None
    tracking_number: str | None = None
    assignment: dict[str, Any] | None = field(default=None, compare=False)
    label_format: str = "pdf"
    """What a bought label is for: ``pdf`` (office printers) or ``zpl`` (the carrier's ZPL, thermal printers)."""
    platform_package_id: str | None = None
    """For an order TikTok ships in several packages: which package's label (TikTok's package id)."""


@dataclass(frozen=True, slots=True)
class CreatedLabel:
    label: StoredLabel
    package: Package


def _service_name(carrier: str, service: str) -> str:
    line = sandbox_lines().get(carrier)
    brand = line.name.removesuffix(" (simulated)") if line else carrier.upper()
    return f"{brand} {service.replace('_', ' ')}".upper()


def spec_of(label: StoredLabel) -> LabelSpec:
    """The printable label a stored row describes (PDF and ZPL are rendered from it, always the same)."""
    return LabelSpec(label.carrier, label.service, _service_name(label.carrier, label.service), label.tracking_number,
                     PostalAddress(**label.ship_from), PostalAddress(**label.ship_to), label.weight_lb,
                     label.billable_lb, label.created_at.date(), label.order_ref,
                     tuple(label.sides_in) if label.sides_in else None, label.id)  # type: ignore[arg-type]


def _number(request: LabelRequest, carrier: str, service: str, lane: Lane) -> tuple[str, str]:
    """(tracking number, source) for the label."""
    if request.tracking_number:
        number = normalize_tracking_number(request.tracking_number)
        found = detect(number)
        if not found.valid or carrier_family(carrier) not in {found.carrier, *(c.carrier for c in found.candidates)}:
            raise InvalidInput("tracking number does not fit the carrier", [FieldError(
                "tracking_number", f"{number} is not a valid {carrier} tracking number (format or check digit)")])
        return number, "seller"
    if carrier in sandbox_lines():
        try:
            return mint_label(carrier, service, lane.origin.postal_code or "", lane.destination.postal_code or "",
                              utcnow(), _RNG), "sandbox"
        except ValueError as error:
            raise InvalidInput("the sandbox network cannot take this label", [FieldError("carrier", str(error))]) from None
    raise InvalidInput(f"parceltrail cannot buy {carrier} labels", [FieldError(
        "tracking_number", f"buy the label from {carrier} and pass its tracking number to print it here; "
                           f"parceltrail buys {', '.join(BUYABLE)} labels and mints the sandbox network's "
                           "(sandbox, sandbox_swift, sandbox_thrift, sandbox_west)")])


def with_order(uow: UnitOfWork, shop_id: str, request: LabelRequest) -> tuple[LabelRequest, StoredOrder | None]:
    """Fill the ship-to and deliver-by from the stored order (when ``order_id`` names one and they are not
    given), and return the stored order with it."""
    if not request.order_id:
        return request, None
    with uow.read():
        stored = uow.orders.get(shop_id, request.order_id)
    if stored is None:
        return request, None
    order = stored.order
    ship_to = request.ship_to
    if not ship_to:
        a = order.buyer.address
        ship_to = {"name": order.buyer.name, "line1": a.line1, "line2": a.line2, "city": a.city, "region": a.region,
                   "postal_code": a.postal_code, "country": a.country or "US"}
    deliver_by = request.deliver_by
    if deliver_by is None and order.deadlines.deliver_by is not None:
        zone = zone_of(Address(postal_code=ship_to.get("postal_code"), country=ship_to.get("country") or "US"))
        deliver_by = order.deadlines.deliver_by.astimezone(zone).date()
    return replace(request, ship_to=ship_to, deliver_by=deliver_by, order_id=order.external_id), stored


def _link(uow: UnitOfWork, shop_id: str, order_id: str, number: str, carrier: str, package_id: str,
          now: datetime) -> None:
    """Link the new package to the order, inside the label's transaction, keeping the order's other links:
    the order's one parcel still without a number takes it, else it is a new parcel of the order."""
    stored = uow.orders.get(shop_id, order_id)
    if stored is None:
        return
    waiting = [p for p in stored.order.packages if p.external_id and not p.tracking_number]
    link_package(uow, stored, OrderPackage(waiting[0].external_id if len(waiting) == 1 else None, number, carrier),
                 package_id, now)


def tiktok_or_none(settings) -> TikTokApp | None:
    """The server's TikTok app when TikTok Shop is set up (labels of TikTok-shipped orders need it)."""
    from parceltrail.services.tiktok import TikTokNotSetUp, tiktok_app

    try:
        return tiktok_app(settings)
    except TikTokNotSetUp:
        return None


def ships_with_tiktok(stored: StoredOrder | None) -> bool:
    return stored is not None and (stored.order.shipping_type or "").upper() == TIKTOK_SHIPPING


def link_package(uow: UnitOfWork, stored: StoredOrder, parcel: OrderPackage, package_id: str, now: datetime) -> None:
    """``parcel`` (the order's parcel of that key, or a new one) is followed by ``package_id``; the order's
    other links stay as they are (``set_links`` replaces an order's links whole)."""
    links = [(stored.id, parcel if p.key == parcel.key else p,
              package_id if p.key == parcel.key else stored.package_ids.get(p.key)) for p in stored.order.packages]
    if all(p.key != parcel.key for p in stored.order.packages):
        links.append((stored.id, parcel, package_id))
    uow.orders.set_links(links, [stored.id], now)


def create_label(uow: UnitOfWork, shop_id: str, request: LabelRequest, *, secret_key: str | None = None,
                 client=None, tiktok: TikTokApp | None = None) -> CreatedLabel:
    """Check everything, then store the label and its package together; refuse whole on any problem. An
    order TikTok ships gets TikTok's own label (``services.tiktok_labels``, through ``tiktok``)."""
    settings = get_settings(uow, shop_id)
    request, stored_order = with_order(uow, shop_id, request)
    if stored_order is not None and ships_with_tiktok(stored_order):
        from parceltrail.services.tiktok_labels import tiktok_label

        return tiktok_label(uow, shop_id, request, stored_order, settings, app=tiktok, transport=client)
    carrier = normalize_carrier(request.carrier)
    if carrier is None or not request.service:
        raise InvalidInput("carrier and service are required", [FieldError("carrier", "e.g. sandbox, usps, ups"),
                                                                FieldError("service", "e.g. ground")])
    service = request.service.strip().lower()
    known = services_of(carrier)
    if known and service not in known:
        raise InvalidInput("unknown service", [FieldError("service", f"{carrier} services: {', '.join(known)}")])
    ship_to = address_of(request.ship_to, "ship_to")
    ship_from = address_of(request.ship_from or settings.ship_from, "ship_from")
    parcel = parcel_of(settings, request.weight, request.size, request.preset)
    refused = over_limits(parcel, carrier, service)
    if refused:
        raise InvalidInput(f"{carrier} {service} will not take this parcel",
                           [FieldError("size" if "in" in r.split(";")[0] else "weight", f"the parcel {r}") for r in refused])
    lane = Lane(ship_from, ship_to)
    billed = billable_weight(parcel, carrier)
    bought = None
    if request.label_format not in LABEL_FORMATS:
        raise InvalidInput("unknown label format", [FieldError("label_format", f"expected one of: {', '.join(LABEL_FORMATS)}")])
    if carrier in BUYABLE and not request.tracking_number:
        bought = buy_label(uow, shop_id, settings, carrier, service, lane, parcel, request.order_id,
                           request.label_format, secret_key, client)
        number, source = bought.tracking_number, "carrier"
    else:
        number, source = _number(request, carrier, service, lane)
    now = utcnow()
    promised = journey(number).promised if carrier in sandbox_lines() else promised_by(carrier, service, lane, now)
    label = StoredLabel(
        id=new_id("lbl"), shop_id=shop_id, package_id="", order_ref=request.order_id, carrier=carrier, service=service,
        tracking_number=number, ship_from=ship_from.to_dict(), ship_to=ship_to.to_dict(), weight_lb=parcel.weight_lb,
        sides_in=list(parcel.sides_in) if parcel.sides_in else None, billable_lb=billed.billable_lb,
        price=bought.price if bought and bought.price is not None else price(settings, carrier, service,
                                                                              billed.billable_lb, lane),
        currency=(bought.currency if bought and bought.price is not None else None) or "USD", promised_on=promised,
        deliver_by=request.deliver_by, source=source, assignment=request.assignment, created_at=now,
        document_type=bought.document_type if bought else None,
    )
    with uow:
        package = uow.packages.find(shop_id, number, carrier)
        if package is not None:
            raise InvalidInput("this tracking number already has a package", [FieldError(
                "tracking_number", f"{number} is tracked as {package.id}; one label per tracking number")])
        package = Package(
            id=new_id("pkg"), shop_id=shop_id, tracking_number=number, carrier=carrier, created_at=now, updated_at=now,
            order_ref=request.order_id, destination=_address(ship_to), state=PackageState(), origin=_address(ship_from),
            service=service,
        )
        if not uow.packages.add(package, next_check_at=now if can_poll(carrier) else None):  # registered meanwhile
            raise InvalidInput("this tracking number already has a package", [FieldError(
                "tracking_number", f"{number} was registered a moment ago; one label per tracking number")])
        label = replace(label, package_id=package.id)
        uow.labels.add(label, bought.document if bought else None)
        if stored_order is not None:
            _link(uow, shop_id, stored_order.id, number, carrier, package.id, now)
        uow.commit()
    revise_estimates(uow, [package.id], now)
    return CreatedLabel(label, package)


def _address(address: PostalAddress) -> Address:
    return Address(postal_code=address.postal_code, country=address.country, line1=address.line1,
                   line2=address.line2, city=address.city, region=address.region)


def get_label(uow: UnitOfWork, shop_id: str, label_id: str) -> StoredLabel:
    with uow.read():
        found = uow.labels.get(shop_id, label_id)
    if found is None:
        raise NotFound("label", label_id)
    return found


def list_labels(uow: UnitOfWork, shop_id: str, order_id: str | None = None, limit: int = 50) -> list[StoredLabel]:
    with uow.read():
        return uow.labels.page(shop_id, order_id, limit)


def labels_of_orders(uow: UnitOfWork, shop_id: str, order_ids: list[str]) -> list[str]:
    """Every label of these orders (our ``ord_...`` ids or the platform's), order by order as given, each
    order's parcels in the order their labels were made; an order without a label refuses the batch whole,
    naming it, so a printed stack never silently lacks a parcel."""
    found: list[str] = []
    bare: list[str] = []
    with uow.read():
        for order_id in dict.fromkeys(order_ids):
            stored = uow.orders.get(shop_id, order_id)
            ref = stored.order.external_id if stored else order_id
            mine = [x.id for x in reversed(uow.labels.page(shop_id, ref, 500))]
            if not mine:
                bare.append(order_id)
            found += mine
    if bare:
        raise InvalidInput("some orders have no label yet", [FieldError(
            "order_ids", f"no label for {', '.join(bare)}: create them first (POST /v1/orders/{{order_id}}/labels, "
                         "parceltrail labels create --order)")])
    return found


def print_labels(uow: UnitOfWork, shop_id: str, label_ids: list[str], fmt: str = "pdf") -> bytes:
    """Many labels in one document, in the order asked (a batch for the printer); unknown ids refuse it whole."""
    if fmt not in ("pdf", "zpl"):
        raise InvalidInput("unknown label format", [FieldError("format", "expected pdf or zpl")])
    if not label_ids:
        raise InvalidInput("no labels to print", [FieldError("ids", "one or more label ids, or order_ids")])
    with uow.read():
        found = uow.labels.many(shop_id, list(dict.fromkeys(label_ids)))
    missing = [i for i in label_ids if i not in found]
    if missing:
        raise NotFound("label", ", ".join(missing))
    bought = [i for i in dict.fromkeys(label_ids) if found[i].document_type]
    with uow.read():
        documents = {i: CarrierDocument(uow.labels.document(shop_id, i) or b"", found[i].document_type or "", i)
                     for i in bought}
    items = [documents.get(i) or spec_of(found[i]) for i in label_ids]
    try:
        return batch_pdf(items) if fmt == "pdf" else batch_zpl(items).encode()
    except NotPrintable as error:
        raise InvalidInput(f"these labels cannot be printed as {fmt}", [FieldError("format", str(error))]) from None


def label_dict(label: StoredLabel) -> dict[str, Any]:
    """The label as the API and ``--json`` show it (times in UTC with a Z)."""
    return {
        "id": label.id, "package_id": label.package_id, "order_id": label.order_ref, "carrier": label.carrier,
        "service": label.service, "tracking_number": label.tracking_number, "ship_from": label.ship_from,
        "ship_to": label.ship_to, "weight_lb": round(label.weight_lb, 3) if label.weight_lb is not None else None,
        "sides_in": label.sides_in,
        "billable_lb": label.billable_lb, "price": label.price, "currency": label.currency,
        "promised_on": label.promised_on.isoformat() if label.promised_on else None,
        "deliver_by": label.deliver_by.isoformat() if label.deliver_by else None, "source": label.source,
        "assignment": label.assignment, "created_at": label.created_at.isoformat().replace("+00:00", "Z"),
        "voided_at": label.voided_at.isoformat().replace("+00:00", "Z") if label.voided_at else None,
    }
