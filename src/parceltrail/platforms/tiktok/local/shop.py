"""The state of a local TikTok Shop: one app, its authorised shops, their orders, tokens and scripted faults.

Orders are kept as TikTok's own JSON (the 202309 Get Order Detail shape, field for field as in the
Partner docs' example), so what the client reads here is what it reads from TikTok. ``seed`` makes a
shop whose orders cover every status, on-hold orders, split orders (two packages) and combined orders
(one package serving two orders). Tokens expire on the clock given; ``expire_access_tokens`` ends them
early, like TikTok does when a seller re-authorises.
"""

from __future__ import annotations

import itertools
import random
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from parceltrail.core.orders import OrderStatus
from parceltrail.platforms.tiktok.local.documents import DocumentLinks

STATUS_MIX = (
    (OrderStatus.UNPAID, 0.05), (OrderStatus.ON_HOLD, 0.08), (OrderStatus.AWAITING_SHIPMENT, 0.2),
    (OrderStatus.PARTIALLY_SHIPPING, 0.04), (OrderStatus.AWAITING_COLLECTION, 0.13), (OrderStatus.IN_TRANSIT, 0.2),
    (OrderStatus.DELIVERED, 0.12), (OrderStatus.COMPLETED, 0.12), (OrderStatus.CANCELLED, 0.06),
)
HAS_TRACKING = frozenset({OrderStatus.PARTIALLY_SHIPPING, OrderStatus.AWAITING_COLLECTION, OrderStatus.IN_TRANSIT,
                          OrderStatus.DELIVERED, OrderStatus.COMPLETED})
PROVIDERS = (("USPS", "7117858858072016686", "usps"), ("UPS", "7117859084333909762", "ups"),
             ("FedEx", "7117858858072049454", "fedex"))
BUYERS = (("Zay Smith", "1199 Coleman Ave", "San Jose", "CA", "95110"),
          ("Ana Lopez", "5800 Bristol Pkwy", "Culver City", "CA", "90230"),
          ("Kim Park", "410 Terry Ave N", "Seattle", "WA", "98109"),
          ("Lee Brown", "1 Infinite Loop", "Cupertino", "CA", "95014"),
          ("Sam Green", "233 S Wacker Dr", "Chicago", "IL", "60606"))


@dataclass
class Grant:
    tiktok_shop_id: str
    expires_at: datetime


@dataclass
class LocalShop:
    id: str
    name: str
    cipher: str
    region: str = "US"
    orders: dict[str, dict] = field(default_factory=dict)


class LocalTikTok:
    """Everything the local server knows. ``clock`` gives real time for tokens (TikTok runs on real time)."""

    def __init__(self, app_key: str, app_secret: str, clock: Callable[[], datetime] | None = None,
                 access_lifetime: timedelta = timedelta(days=7), refresh_lifetime: timedelta = timedelta(days=365),
                 seed: int | None = None, tracking_clock: Callable[[], datetime] | None = None) -> None:
        self.app_key = app_key
        self.app_secret = app_secret
        self.clock = clock or (lambda: datetime.now(UTC))
        self.tracking_clock = tracking_clock or self.clock
        """The parcels' time (the demo's accelerated clock); tokens and update times keep real time."""
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self.rng = random.Random(seed)
        self.shops: dict[str, LocalShop] = {}
        self.auth_codes: dict[str, str] = {}
        self.access_tokens: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, Grant] = {}
        self.faults: list[tuple[str, str]] = []
        self.calls: list[tuple[str, str]] = []
        self.shipments: list[dict] = []
        self.documents = DocumentLinks()
        self.document_requests: list[dict] = []
        self.withheld: dict[str, dict] = {}
        """Addresses of on-hold orders, revealed when the hold ends (TikTok withholds them meanwhile)."""
        self._ids = itertools.count(1)
        self.lock = threading.RLock()

    # -- shops and authorisation ----------------------------------------------------------------

    def add_shop(self, name: str = "Local TikTok Shop") -> LocalShop:
        with self.lock:
            number = 7494000000000000000 + next(self._ids)
            shop = LocalShop(str(number), name, f"ROW_{secrets.token_urlsafe(12)}")
            self.shops[shop.id] = shop
            return shop

    def authorise(self, tiktok_shop_id: str) -> str:
        """The seller clicks "authorise": an auth code for the app, good for one token exchange."""
        code = f"code_{secrets.token_urlsafe(16)}"
        self.auth_codes[code] = tiktok_shop_id
        return code

    def _grant(self, tiktok_shop_id: str) -> dict:
        now = self.clock()
        access, refresh = f"TTP_{secrets.token_urlsafe(24)}", f"TTR_{secrets.token_urlsafe(24)}"
        self.access_tokens[access] = Grant(tiktok_shop_id, now + self.access_lifetime)
        self.refresh_tokens[refresh] = Grant(tiktok_shop_id, now + self.refresh_lifetime)
        shop = self.shops[tiktok_shop_id]
        return {"access_token": access, "access_token_expire_in": int((now + self.access_lifetime).timestamp()),
                "refresh_token": refresh, "refresh_token_expire_in": int((now + self.refresh_lifetime).timestamp()),
                "open_id": f"open_{tiktok_shop_id[-6:]}", "seller_name": shop.name, "seller_base_region": shop.region,
                "user_type": 0, "granted_scopes": ["seller.order.info", "seller.fulfillment.basic"]}

    def exchange(self, code: str) -> dict | None:
        with self.lock:
            shop_id = self.auth_codes.pop(code, None)
            return self._grant(shop_id) if shop_id else None

    def refresh(self, refresh_token: str) -> dict | None:
        with self.lock:
            grant = self.refresh_tokens.get(refresh_token)
            if grant is None or grant.expires_at <= self.clock():
                return None
            return self._grant(grant.tiktok_shop_id)

    def shop_for_token(self, access_token: str) -> tuple[LocalShop | None, bool]:
        """(shop, expired) for an access token; (None, False) when the token was never issued."""
        grant = self.access_tokens.get(access_token)
        if grant is None:
            return None, False
        return self.shops[grant.tiktok_shop_id], grant.expires_at <= self.clock()

    def expire_access_tokens(self) -> None:
        with self.lock:
            for grant in self.access_tokens.values():
                grant.expires_at = self.clock() - timedelta(seconds=1)

    def fail_next(self, path_prefix: str, kind: str) -> None:
        """Answer the next call under ``path_prefix`` with ``rate_limit``, ``bad_signature`` or ``expired``."""
        self.faults.append((path_prefix, kind))

    def take_fault(self, path: str) -> str | None:
        with self.lock:
            for i, (prefix, kind) in enumerate(self.faults):
                if path.startswith(prefix):
                    del self.faults[i]
                    return kind
            return None

    # -- orders ----------------------------------------------------------------------------------

    def put_order(self, shop: LocalShop, order: dict) -> None:
        with self.lock:
            shop.orders[order["id"]] = order

    def new_order(self, shop: LocalShop, status: OrderStatus, created: datetime, packages: int = 1,
                  shared_package: dict | None = None, number: Callable[[], str] | None = None) -> dict:
        """An order in TikTok's detail shape; ``shared_package`` makes it a combined order with that package."""
        order_id = str(576461413038785000 + next(self._ids))
        name, line1, city, state, zipcode = self.rng.choice(BUYERS)
        provider, provider_id, carrier = self.rng.choice(PROVIDERS)
        created_s = int(created.timestamp())
        paid = created_s + 60
        items, package_ids = [], []
        for i in range(packages):
            package = shared_package or {"id": str(1152321127278700000 + next(self._ids)), "tracking_number": "",
                                         "shipping_provider_name": provider, "shipping_provider_id": provider_id}
            if not shared_package and status in HAS_TRACKING and (status is not OrderStatus.PARTIALLY_SHIPPING or i == 0):
                package["tracking_number"] = number() if number else _number(self.rng, carrier)
            package_ids.append(package["id"])
            items.append({"id": str(577086512123755000 + next(self._ids)), "product_name": "Women's Winter Crochet Clothes",
                          "seller_sku": f"sku_{i}", "sku_id": "2729382476852921560", "package_id": package["id"],
                          "tracking_number": package["tracking_number"],
                          "shipping_provider_name": package["shipping_provider_name"],
                          "shipping_provider_id": package["shipping_provider_id"],
                          "package_status": "TO_FULFILL" if not package["tracking_number"] else "SHIPPED",
                          "display_status": status.value, "sale_price": "12.99", "currency": "USD"})
        on_hold = status is OrderStatus.ON_HOLD
        address = {
            "name": name, "address_line1": line1, "postal_code": zipcode, "region_code": "US",
            "full_address": f"{line1}, {city}, {state} {zipcode}", "phone_number": "(+1)213-***-1234",
            "district_info": [{"address_level_name": "Country", "address_name": "United States"},
                              {"address_level_name": "State", "address_name": state},
                              {"address_level_name": "City", "address_name": city}]}
        if on_hold:
            self.withheld[order_id] = address
        return {
            "id": order_id, "status": status.value, "is_on_hold_order": on_hold, "create_time": created_s,
            "paid_time": paid if status is not OrderStatus.UNPAID else 0, "update_time": paid + 120,
            "rts_sla_time": created_s + 2 * 86400, "tts_sla_time": created_s + 3 * 86400,
            "shipping_due_time": created_s + 2 * 86400, "collection_due_time": created_s + 3 * 86400,
            "delivery_due_time": created_s + 9 * 86400, "delivery_sla_time": created_s + 9 * 86400,
            "cancel_order_sla_time": created_s + 4 * 86400, "shipping_type": "SELLER",
            "fulfillment_type": "FULFILLMENT_BY_SELLER", "delivery_type": "HOME_DELIVERY",
            "split_or_combine_tag": "COMBINED" if shared_package else ("SPLIT" if packages > 1 else ""),
            "packages": [{"id": pid} for pid in dict.fromkeys(package_ids)], "line_items": items,
            "tracking_number": items[0]["tracking_number"], "shipping_provider": items[0]["shipping_provider_name"],
            "shipping_provider_id": items[0]["shipping_provider_id"], "user_id": "7021436810468230477",
            "buyer_email": "v2b2V5@chat.seller.tiktok.com",
            "recipient_address": {} if on_hold else address,
        }

    def seed(self, shop: LocalShop, count: int, start: datetime, span: timedelta = timedelta(days=20)) -> list[dict]:
        """``count`` orders created over ``span`` from ``start``: every status, on hold, split, combined."""
        made: list[dict] = []
        statuses = [s for s, _ in STATUS_MIX]
        weights = [w for _, w in STATUS_MIX]
        for i in range(count):
            created = start + span * (i / max(1, count))
            status = statuses[i] if i < len(statuses) else self.rng.choices(statuses, weights)[0]
            if i % 25 == 3:
                order = self.new_order(shop, OrderStatus.IN_TRANSIT, created, packages=2)
            elif i % 25 == 4 and made and made[-1]["packages"]:
                order = self.new_order(shop, OrderStatus.IN_TRANSIT, created,
                                       shared_package=_package_of(made[-1]))
            else:
                order = self.new_order(shop, status, created)
            self.put_order(shop, order)
            made.append(order)
        return made

    def touch(self, shop: LocalShop, order_id: str, status: OrderStatus, at: datetime | None = None) -> dict:
        """Move an order to ``status`` now (its ``update_time`` moves too), as TikTok would."""
        with self.lock:
            order = shop.orders[order_id]
            order["status"] = status.value
            order["is_on_hold_order"] = status is OrderStatus.ON_HOLD
            if status is not OrderStatus.ON_HOLD and order_id in self.withheld:
                order["recipient_address"] = self.withheld.pop(order_id)
            order["update_time"] = max(order["update_time"] + 1, int((at or self.clock()).timestamp()))
            return order


def _package_of(order: dict) -> dict:
    item = order["line_items"][0]
    return {"id": item["package_id"], "tracking_number": item["tracking_number"],
            "shipping_provider_name": item["shipping_provider_name"],
            "shipping_provider_id": item["shipping_provider_id"]}


def _number(rng: random.Random, carrier: str) -> str:
    from parceltrail.numbers import generate

    return generate(carrier, None, rng)
