"""Buying a label from a carrier for a shop: the one purchase flow every carrier goes through.

The shop's shipper account numbers (shipping settings, per carrier), its credentials (its carrier
account, else the server's ``PARCELTRAIL_<ACCOUNT>_*``), the carrier module's ``buy``, and every way it
can fail turned into a refusal that names the field and carries the carrier's own words. Nothing is
stored here: ``services.labels`` stores the label and its package only after the carrier sold it.
"""

from __future__ import annotations

import json

from parceltrail.carriers.base import CarrierFetchError
from parceltrail.carriers.ship import LabelPurchase, PurchasedLabel, PurchaseError, buy, sellers
from parceltrail.core.parcel import Parcel
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput
from parceltrail.services.shipping import Lane
from parceltrail.store import UnitOfWork
from parceltrail.store.labels import ShippingSettings


def _account(settings: ShippingSettings, carrier: str) -> dict[str, str]:
    seller = sellers()[carrier]
    raw = settings.accounts.get(carrier)
    example = {f.name: f.expected for f in seller.account if f.required}
    shape = json.dumps(next(iter(example.values())) if len(example) == 1 else example)
    how = f"set it: parceltrail shipping set --accounts '{{\"{carrier}\": {shape}}}' (or PUT /v1/shipping)"
    if not raw:
        raise InvalidInput(f"no {carrier} shipper account number for this shop", [FieldError("carrier", how)])
    account, problems = seller.account_of(raw)
    if problems:
        raise InvalidInput(f"the shop's {carrier} account numbers are not complete",
                           [FieldError(f"accounts.{carrier}.{name}", message) for name, message in problems])
    return account


def buy_label(uow: UnitOfWork, shop_id: str, settings: ShippingSettings, carrier: str, service: str, lane: Lane,
              parcel: Parcel, reference: str | None, label_format: str, secret_key: str | None,
              client=None) -> PurchasedLabel:
    """Buy the label from ``carrier``'s shipping API with the shop's account; InvalidInput when it will not sell."""
    from parceltrail.services.accounts import shop_credentials
    from parceltrail.services.adapters import MissingCredentials

    seller = sellers()[carrier]
    if service not in seller.services:
        raise InvalidInput(f"{carrier} does not sell {service!r} through parceltrail", [FieldError(
            "service", f"{carrier} labels parceltrail buys: {', '.join(seller.services)}")])
    if seller.needs_size and not parcel.sides_in:
        raise InvalidInput(f"{carrier} prices a parcel by its size", [FieldError(
            "size", "give the parcel's size (L x W x H with unit) or a packaging preset")])
    account = _account(settings, carrier)
    try:
        credentials = shop_credentials(uow, shop_id, seller.credentials, secret_key)
    except MissingCredentials as error:
        raise InvalidInput(f"no {carrier} account to buy the label with", [FieldError("carrier", str(error))]) from None
    purchase = LabelPurchase(account, service, lane.origin, lane.destination, parcel.weight_lb, parcel.sides_in,
                             reference, label_format, utcnow().date())
    try:
        if client is None:
            from parceltrail.carriers.transport import CarrierClient

            with CarrierClient() as own:
                return buy(carrier, purchase, credentials, own)
        return buy(carrier, purchase, credentials, client)
    except (PurchaseError, CarrierFetchError) as error:
        raise InvalidInput(f"{carrier} did not sell the label", [FieldError("carrier", str(error))]) from None
