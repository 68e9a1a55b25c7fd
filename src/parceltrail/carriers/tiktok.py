"""TikTok Shop order tracking (202309: ``GET /fulfillment/202309/orders/{order_id}/tracking``), signed requests.

TikTok gives each update only a ``description`` and ``update_time_millis`` (UTC milliseconds): no code,
no place, no tracking number. Updates are classified by ordered phrase rules; an unmatched text is
reported and counted as in transit. The feed is per *order*: when an order ships in several packages
TikTok merges their updates into one list, which we keep as one timeline (its newest update sets the
status) because nothing in the body says which package an update belongs to.

Signing follows TikTok's documented algorithm: the path, then the query parameters other than
``sign`` and ``access_token`` sorted by name as ``{key}{value}``, then the body (none for a GET); the
whole wrapped in the app secret on both sides and HMAC-SHA256'd with the app secret, hex encoded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parceltrail.carriers.base import Carrier, CarrierFetchError, CarrierShapeError, CarrierTracking
from parceltrail.carriers.credentials import TikTokCredentials
from parceltrail.carriers.mapping import Classifier, PhraseRules, phrase
from parceltrail.carriers.reading import event, from_millis, load_body, need, place, shape_guard
from parceltrail.carriers.timeline import tracking
from parceltrail.platforms.tiktok import signing

if TYPE_CHECKING:
    from parceltrail.carriers.transport import CarrierClient

CODE = "tiktok"
BASE_URL = "https://open-api.tiktokglobalshop.com"
PATH = "/fulfillment/202309/orders/{order_id}/tracking"

# fmt: off
PHRASES = PhraseRules("TikTok Shop tracking descriptions, first match wins", (
    phrase(r"(package|parcel|has been|was) returned to (the )?sender|return(ed)? to seller (completed|delivered)", "returned"),
    phrase(r"return(ing)? to (the )?sender|being returned|return to seller", "returning"),
    phrase(r"cancel", "cancelled"),
    phrase(r"refused|rejected by", "exception", "refused"),
    phrase(r"address (issue|problem|incorrect|incomplete)|incorrect address|undeliverable as addressed", "exception", "address_issue"),
    phrase(r"damaged", "exception", "damaged"),
    phrase(r"\blost\b", "exception", "lost"),
    phrase(r"customs clearance (completed|complete)|cleared customs", "in_transit", "customs_cleared"),
    phrase(r"customs", "in_transit", "customs_started"),
    phrase(r"picked up by (the )?(buyer|customer|recipient)", "delivered", "picked_up_by_customer"),
    phrase(r"locker", "available_for_pickup", "at_locker"),
    phrase(r"(ready|available) for pick ?up|pickup point|post office", "available_for_pickup", "at_pickup_point"),
    phrase(r"delivery (attempt|attempted|failed|unsuccessful)|attempted delivery|could not be delivered|" r"no one (was )?available", "delivery_failed", "attempt_failed"),
    phrase(r"mailbox", "delivered", "mailbox"),
    phrase(r"front door|porch|left at", "delivered", "left_at_door"),
    phrase(r"\bdelivered\b", "delivered", "delivered", "Your package has been delivered."),
    phrase(r"out for delivery|with (the )?courier for delivery", "out_for_delivery"),
    phrase(r"weather", "exception", "weather_delay"),
    phrase(r"delay", "exception", "carrier_delay"),
    phrase(r"picked up|collected by (the |our )?carrier|handed (over )?to (the )?carrier|drop(ped)? off|accepted by", "in_transit", "picked_up",
           "Your package has been collected by our carrier.", "Your package has been collected by our carrier in Tangerang Regency."),
    phrase(r"departed|left the", "in_transit", "departed_facility", "Your package has left the sorting center in Tangerang City."),
    phrase(r"arrived|received at|processed at|sorting (center|centre|facility)", "in_transit", "arrived_at_facility",
           "Your package has arrived at the sorting center in Tangerang City."),
    phrase(r"label (has been |was )?created|awaiting (pickup|collection|item)|preparing|shipping label", "info_received", None,
           "The seller is preparing your package, and will hand it over to our carrier for shipping."),
    phrase(r"in transit|on (its|the) way|shipped", "in_transit", "in_transit"),
), source="TikTok Shop's tracking descriptions as its API returns them (a captured Get Tracking answer, tests/fixtures/carriers/tiktok/wild) and as TikTok's Customer Service API documents its logistics card; the other rules read common carrier wordings")
# fmt: on

CLASSIFIER = Classifier(CODE, phrases=PHRASES)


@shape_guard(CODE)
def parse(body: bytes | dict | list) -> CarrierTracking:
    data = need(CODE, load_body(CODE, body), dict, "body")
    if "code" not in data:
        raise CarrierShapeError(CODE, "no code: this is not a TikTok Shop API body")
    if data["code"] != 0:
        raise CarrierShapeError(CODE, f"TikTok answered error {data['code']}: {data.get('message')}")
    updates = need(CODE, (data.get("data") or {}).get("tracking") or [], list, "data.tracking")
    events, unmapped = [], []
    for i, update in enumerate(updates):
        at = f"data.tracking[{i}]"
        need(CODE, update, dict, at)
        text = need(CODE, update.get("description"), str, f"{at}.description")
        verdict = CLASSIFIER.classify((), text)
        unmapped.append(verdict.reported)
        events.append(
            event(
                from_millis(CODE, update.get("update_time_millis"), f"{at}.update_time_millis"),
                verdict,
                text,
                None,
                place(),
            )
        )
    return tracking(CODE, None, events, unmapped=unmapped)


sign = signing.sign
"""TikTok Shop's request signature (see the module docstring): one signer for the carrier adapter and the
TikTok Shop client, values signed as they are sent (``true``, not ``True``)."""


def fetch(order_id: str, credentials: TikTokCredentials, client: CarrierClient) -> bytes:
    """Signed GET; TikTok reports most failures as HTTP 200 with a non-zero ``code``, raised here."""
    from parceltrail.carriers.transport import carrier_message, ensure_ok

    base = (credentials.base_url or BASE_URL).rstrip("/")
    path = PATH.format(order_id=order_id)
    params: dict[str, Any] = {"app_key": credentials.app_key, "timestamp": int(client.now())}
    if credentials.shop_cipher:
        params["shop_cipher"] = credentials.shop_cipher
    params["sign"] = sign(path, params, "", credentials.app_secret)
    response = client.send(
        CODE,
        "GET",
        base + path,
        params=params,
        headers={"x-tts-access-token": credentials.access_token, "Content-Type": "application/json"},
    )
    content = ensure_ok(CODE, response)
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        raise CarrierFetchError(CODE, "answer is not JSON", response.status_code) from None
    if code != 0:
        raise CarrierFetchError(
            CODE, f"TikTok refused the request (code {code}): {carrier_message(response)}", 200
        )
    return content


CARRIER = Carrier(
    code=CODE,
    name="TikTok Shop",
    parse=parse,
    fetch=fetch,
    base_url=BASE_URL,
    credentials_type=TikTokCredentials,
    classifier=CLASSIFIER,
    api="Fulfillment 202309 order tracking, app key + HMAC-SHA256 signature",
    lookup="order_id",
    supports=frozenset(),
)
