"""The label of an order TikTok ships (TikTok Shipping): TikTok's own shipping document, not one we make.

TikTok chooses the carrier, buys the label and gives the package its tracking number; the seller prints
TikTok's document. ``tiktok_label`` asks TikTok for it (Partner API 202309, ``GET /fulfillment/202309/
packages/{package_id}/shipping_documents``, ``document_type=SHIPPING_LABEL``, through the shop's signed
session), downloads the PDF behind the answer's ``doc_url`` (a short-lived link from TikTok's API, not a URL a shop
chose, so it goes through the TikTok client's transport rather than the outbound guard), and then, in one
transaction, stores the document as the label, registers the package for tracking through TikTok
(carrier ``tiktok``: its scans come from TikTok's order tracking, as for every TikTok-shipped parcel) or
reuses the package the order sync already follows, and links it to the order. It never uploads tracking
to TikTok: the number is TikTok's own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from parceltrail.core import Address, Package, PackageState
from parceltrail.core.orders import OrderPackage
from parceltrail.platforms.tiktok.errors import TikTokShopError
from parceltrail.services.adapters import can_poll
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.packages import normalize_tracking_number
from parceltrail.store.ids import new_id
from parceltrail.store.labels import StoredLabel

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient
    from parceltrail.services.labels import CreatedLabel, LabelRequest
    from parceltrail.services.tiktok import TikTokApp
    from parceltrail.store import UnitOfWork
    from parceltrail.store.orders import StoredOrder

CARRIER, SERVICE = "tiktok", "tiktok_shipping"
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _parcel(stored: StoredOrder, wanted: str | None) -> OrderPackage:
    """The order's TikTok package the label is for: the one named, else the order's only one."""
    parcels = [p for p in stored.order.packages if p.external_id]
    if wanted:
        found = [p for p in parcels if p.external_id == wanted]
        if not found:
            raise InvalidInput("the order has no such TikTok package", [FieldError(
                "package_id", f"this order's packages: {', '.join(p.external_id or '' for p in parcels) or 'none'}")])
        return found[0]
    if len(parcels) != 1:
        raise InvalidInput("name the TikTok package", [FieldError(
            "package_id", f"this order ships in {len(parcels)} packages: "
                          f"{', '.join(p.external_id or '' for p in parcels) or 'none known yet (sync the order)'}")])
    return parcels[0]


def _fetch(uow: UnitOfWork, shop_id: str, app: TikTokApp, transport: CarrierClient | None,
           package_id: str) -> tuple[dict, bytes]:
    """TikTok's answer for the package's shipping label and the PDF its ``doc_url`` points at."""
    from parceltrail.services.tiktok import ShopSession

    client = app.client(transport)
    try:
        session = ShopSession(uow, app, client, shop_id)
        data = session.run(lambda token, cipher: client.package_shipping_document(token, cipher, package_id))
        url = str(data.get("doc_url") or "")
        if not url.startswith(("https://", "http://")):
            raise InvalidInput("TikTok gave no label to download", [FieldError(
                "order_id", f"TikTok's answer has no doc_url for package {package_id}")])
        document = client.download(url, MAX_DOCUMENT_BYTES)
    except NotFound:
        raise InvalidInput("this shop is not connected to TikTok Shop", [FieldError(
            "order_id", "connect it first: parceltrail tiktok connect (or GET /v1/tiktok/authorize)")]) from None
    except TikTokShopError as error:
        code = f" (code {error.code})" if error.code >= 0 else ""
        raise InvalidInput("TikTok did not give the shipping label", [FieldError(
            "order_id", f"TikTok: {error.message}{code}")]) from None
    if not document.startswith(b"%PDF"):
        raise InvalidInput("TikTok's shipping document is not a PDF", [FieldError(
            "order_id", f"the document behind doc_url starts {document[:8]!r}")])
    return data, document


def tiktok_label(uow: UnitOfWork, shop_id: str, request: LabelRequest, stored: StoredOrder, settings, *,
                 app: TikTokApp | None, transport: CarrierClient | None = None) -> CreatedLabel:
    from parceltrail.services.estimates import revise_estimates
    from parceltrail.services.labels import CreatedLabel, link_package
    from parceltrail.services.shipping import parcel_of

    if request.carrier not in (None, CARRIER) or request.tracking_number:
        raise InvalidInput("this order ships with TikTok Shipping", [FieldError(
            "carrier", "TikTok buys its label and gives its tracking number: leave out carrier and "
                       "tracking_number and parceltrail fetches TikTok's shipping document")])
    if app is None:
        raise InvalidInput("this order ships with TikTok Shipping and TikTok Shop is not set up on this server",
                           [FieldError("order_id", "set PARCELTRAIL_TIKTOK_APP_KEY, PARCELTRAIL_TIKTOK_APP_SECRET "
                                                   "and PARCELTRAIL_SECRET_KEY, then connect the shop")])
    parcel = _parcel(stored, request.platform_package_id)
    weighed = parcel_of(settings, request.weight, request.size, request.preset) if request.weight else None
    data, document = _fetch(uow, shop_id, app, transport, parcel.external_id or "")
    given = str(data.get("tracking_number") or parcel.tracking_number or "")
    if not given:
        raise InvalidInput("TikTok has not given this package a tracking number yet", [FieldError(
            "order_id", "arrange the shipment in TikTok Seller Center first, then fetch the label again")])
    number = normalize_tracking_number(given)
    order = stored.order
    now = utcnow()
    address = order.buyer.address
    ship_to = {"name": order.buyer.name, "line1": address.line1, "line2": address.line2, "city": address.city,
               "region": address.region, "postal_code": address.postal_code, "country": address.country or "US"}
    label = StoredLabel(
        id=new_id("lbl"), shop_id=shop_id, package_id="", order_ref=order.external_id, carrier=CARRIER,
        service=SERVICE, tracking_number=number, ship_from=settings.ship_from or {}, ship_to=ship_to,
        weight_lb=weighed.weight_lb if weighed else None, sides_in=list(weighed.sides_in) if weighed and
        weighed.sides_in else None, billable_lb=None, price=None, currency=None, promised_on=None,
        deliver_by=request.deliver_by, source="tiktok", assignment=None, created_at=now, document_type="pdf")
    with uow:
        package = uow.packages.find(shop_id, number, CARRIER)
        if package is not None and uow.labels.of_package(package.id):
            raise InvalidInput("TikTok's label for this package is already stored", [FieldError(
                "order_id", f"print it again: label {uow.labels.of_package(package.id)[-1].id}")])
        if package is None:
            destination = Address(postal_code=address.postal_code, country=address.country or "US")
            package = Package(id=new_id("pkg"), shop_id=shop_id, tracking_number=number, carrier=CARRIER,
                              created_at=now, updated_at=now, order_ref=order.external_id, destination=destination,
                              state=PackageState())
            uow.packages.add(package, next_check_at=now if can_poll(CARRIER) else None)
        label = replace(label, package_id=package.id)
        uow.labels.add(label, document)
        current = uow.orders.get(shop_id, order.external_id) or stored
        mine = next((p for p in current.order.packages if p.key == parcel.key), parcel)
        link_package(uow, current, replace(mine, tracking_number=number), package.id, now)
        uow.commit()
    revise_estimates(uow, [package.id], now)
    return CreatedLabel(label, package)
