"""Labels over HTTP: create one for an order, read it, print it (PDF or ZPL), print many in one file;
and the shop's shipping settings. Creating a label registers its package for tracking, linked to the
order; it never uploads tracking to TikTok."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.services import labels as label_service
from parceltrail.services.shipping import get_settings, update_settings

router = APIRouter(tags=["labels"])

MEDIA = {"pdf": "application/pdf", "zpl": "application/zpl"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddressBody(Strict):
    name: str | None = Field(None, max_length=100)
    company: str | None = Field(None, max_length=100)
    line1: str | None = Field(None, max_length=100)
    line2: str | None = Field(None, max_length=100)
    city: str | None = Field(None, max_length=64)
    region: str | None = Field(None, max_length=64)
    postal_code: str | None = Field(None, max_length=16)
    country: str = Field("US", min_length=2, max_length=2)
    phone: str | None = Field(None, max_length=32)


class LabelBody(Strict):
    ship_to: AddressBody | None = Field(None, description="Omitted: the stored order's buyer address")
    weight: str | None = Field(None, examples=["2.5 lb"], max_length=32,
                               description="Required, except for an order TikTok ships (its label is TikTok's)")
    size: str | None = Field(None, examples=["12x10x8 in"], max_length=64)
    preset: str | None = Field(None, max_length=64, description="A packaging preset of the shop")
    carrier: str | None = Field(None, max_length=32, description="Omitted: the shop's assignment rule chooses")
    service: str | None = Field(None, max_length=32)
    ship_from: AddressBody | None = Field(None, description="Omitted: the shop's ship-from address")
    deliver_by: date | None = Field(None, description="The platform's deadline (TikTok's deliver-by)")
    tracking_number: str | None = Field(None, max_length=64, description="Print a number bought elsewhere")
    label_format: str = Field("pdf", pattern="^(pdf|zpl)$", description=(
        "What a label bought from a carrier is for: pdf (office printers; the carrier's PDF or image) or zpl "
        "(thermal printers; the carrier's own ZPL)"))
    package_id: str | None = Field(None, max_length=64, description=(
        "An order TikTok ships in several packages: TikTok's id of the package whose label to fetch"))


class LabelOut(BaseModel):
    id: str
    package_id: str
    order_id: str | None
    carrier: str
    service: str
    tracking_number: str
    ship_from: dict[str, Any]
    ship_to: dict[str, Any]
    weight_lb: float | None
    sides_in: list[float] | None
    billable_lb: int | None
    price: float | None
    currency: str | None
    promised_on: date | None
    deliver_by: date | None
    source: str
    assignment: dict[str, Any] | None
    created_at: str
    voided_at: str | None
    links: dict[str, str]


def label_out(label) -> LabelOut:
    body = label_service.label_dict(label)
    return LabelOut(**body, links={"pdf": f"/v1/labels/{label.id}.pdf", "zpl": f"/v1/labels/{label.id}.zpl",
                                   "package": f"/v1/packages/{label.package_id}"})


@router.post("/v1/orders/{order_id}/labels", status_code=201, response_model=LabelOut)
def create_label(order_id: str, body: LabelBody, shop_id: ShopId, uow: Uow, settings: AppSettings) -> LabelOut:
    """A label for one parcel of the order: addresses and parcel checked, number minted, bought from the
    carrier or printed, package registered and linked to the order. Without ``carrier`` the shop's rule
    picks and explains. An order TikTok ships gets TikTok's own label (its shipping document)."""
    request = label_service.LabelRequest(
        ship_to=body.ship_to.model_dump() if body.ship_to else None, weight=body.weight, carrier=body.carrier, service=body.service,
        size=body.size, preset=body.preset, ship_from=body.ship_from.model_dump() if body.ship_from else None,
        order_id=order_id, deliver_by=body.deliver_by, tracking_number=body.tracking_number,
        label_format=body.label_format, platform_package_id=body.package_id)
    if body.carrier is None:
        from parceltrail.services.assignment import assign_request

        request = assign_request(uow, shop_id, request).request
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    from parceltrail.carriers.transport import CarrierClient

    with CarrierClient(timeout=settings.carrier_timeout_seconds) as client:
        return label_out(label_service.create_label(uow, shop_id, request, secret_key=secret, client=client,
                                                    tiktok=label_service.tiktok_or_none(settings)).label)


@router.get("/v1/labels", response_model=list[LabelOut])
def list_labels(shop_id: ShopId, uow: Uow, order_id: str | None = None,
                limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[LabelOut]:
    """This shop's labels, newest first (``order_id``: one order's)."""
    return [label_out(x) for x in label_service.list_labels(uow, shop_id, order_id, limit)]


@router.get("/v1/labels/{label_id}.{fmt}", response_class=Response,
            responses={200: {"content": {MEDIA["pdf"]: {}, MEDIA["zpl"]: {}}}})
def label_document(label_id: str, fmt: str, shop_id: ShopId, uow: Uow) -> Response:
    """The printable 4x6 label: ``.pdf`` or ``.zpl``."""
    document = label_service.print_labels(uow, shop_id, [label_id], fmt)
    return Response(document, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'inline; filename="{label_id}.{fmt}"'})


@router.get("/v1/labels/{label_id}", response_model=LabelOut)
def get_label(label_id: str, shop_id: ShopId, uow: Uow) -> LabelOut:
    return label_out(label_service.get_label(uow, shop_id, label_id))


class PrintBody(Strict):
    ids: list[str] = Field(default_factory=list, max_length=500, description="Label ids, printed in this order")
    order_ids: list[str] = Field(default_factory=list, max_length=500, description=(
        "Orders (ours or the platform's ids) whose labels follow, order by order; one without a label refuses"))
    format: str = Field("pdf", pattern="^(pdf|zpl)$")


@router.post("/v1/labels/print", response_class=Response,
             responses={200: {"content": {MEDIA["pdf"]: {}, MEDIA["zpl"]: {}}}})
def print_batch(body: PrintBody, shop_id: ShopId, uow: Uow) -> Response:
    """Many labels in one PDF (a 4x6 page each, in the order given) or one ZPL stream: the labels named by
    ``ids``, then every label of the orders named by ``order_ids``."""
    ids = body.ids + label_service.labels_of_orders(uow, shop_id, body.order_ids) if body.order_ids else body.ids
    document = label_service.print_labels(uow, shop_id, list(dict.fromkeys(ids)), body.format)
    return Response(document, media_type=MEDIA[body.format],
                    headers={"Content-Disposition": f'attachment; filename="labels.{body.format}"'})


class ShippingBody(Strict):
    ship_from: AddressBody | None = None
    rule: str | None = Field(None, description="cheapest_on_time (default), cheapest, fastest, most_reliable")
    confidence: float | None = Field(None, description="On-time confidence the rule needs (default 0.95)")
    rates: dict[str, dict[str, float]] | None = Field(
        None, examples=[{"usps/ground_advantage": {"base": 5.1, "per_lb": 0.4, "per_zone": 0.35}}])
    presets: dict[str, dict[str, Any]] | None = Field(None, examples=[{"small box": {"size": "12x10x8 in",
                                                                                    "tare_lb": 0.4}}])
    accounts: dict[str, str | dict[str, str] | None] | None = Field(
        None, description="Shipper account numbers per carrier (not secrets; null removes one)",
        examples=[{"ups": "A1B2C3", "fedex": "740561073", "usps": {"account_number": "1000123456", "crid": "56982563",
                                                               "mid": "902712345"},
                   "dhl": {"pickup": "5320037", "distribution_center": "USMCO1"}}])


def _settings_out(settings) -> dict[str, Any]:
    return {"ship_from": settings.ship_from, "rule": settings.rule, "confidence": settings.confidence,
            "rates": settings.rates, "presets": settings.presets, "accounts": settings.accounts}


@router.get("/v1/shipping")
def read_shipping(shop_id: ShopId, uow: Uow) -> dict[str, Any]:
    """The shop's ship-from address, assignment rule, rate table and packaging presets."""
    return _settings_out(get_settings(uow, shop_id))


@router.put("/v1/shipping")
def put_shipping(body: ShippingBody, shop_id: ShopId, uow: Uow) -> dict[str, Any]:
    """Change the given settings, keep the rest; refused whole when any value is wrong."""
    return _settings_out(update_settings(
        uow, shop_id, ship_from=body.ship_from.model_dump() if body.ship_from else None, rule=body.rule,
        confidence=body.confidence, rates=body.rates, presets=body.presets, accounts=body.accounts))


class AssignmentBody(Strict):
    deliver_by: date | None = Field(None, description="Default: the package's label's deliver-by")
    weight: str | None = Field(None, max_length=32, description="Default: the label's weight, else 1 lb")
    size: str | None = Field(None, max_length=64)


@router.post("/v1/packages/{package_id}/assignment", tags=["labels"])
def package_assignment(package_id: str, shop_id: ShopId, uow: Uow, body: AssignmentBody | None = None) -> dict[str, Any]:
    """Which carrier and service the shop's rule picks for this package's parcel and lane, every candidate
    with its price, standard, predicted window, on-time record and chance by the deliver-by, and one
    sentence saying why. Nothing is bought or changed."""
    from parceltrail.services.assignment import assign

    body = body or AssignmentBody()
    return assign(uow, shop_id, package_id, body.deliver_by, body.weight, body.size).to_dict()
