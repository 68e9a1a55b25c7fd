"""The local TikTok Shop over HTTP (Starlette): the auth host's token endpoints and the API host's calls.

It checks what TikTok checks, in TikTok's order, and answers in TikTok's envelope
(``{"code", "message", "request_id", "data"}``, errors mostly with HTTP 200): the app key, a timestamp
within five minutes, the ``sign`` (106001 when it does not match), the access token (105001 unknown,
105002 expired), the shop cipher, and a token-bucket rate limit (HTTP 429, code 36009004). Orders page
by an opaque ``page_token``, oldest update first. Shipping documents (Get Package Shipping Document) come
as a ``doc_url`` to a PDF this server also serves (``/documents/{token}.pdf``, expiring; see
``local/documents.py``); the codes 21011034 and 21011035 for "not TikTok-shipped" and "no label yet"
are ours, TikTok's codes for those cases not being published. ``GET /oauth/authorize`` plays the seller's consent
screen: it authorises the first shop and redirects to ``redirect_uri`` with ``code`` and ``state``.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from parceltrail.carriers.sandbox.app import TokenBucket
from parceltrail.core.orders import OrderStatus, order_status
from parceltrail.platforms.tiktok.local.documents import DOCUMENT_TYPES, SIZES, label_pdf
from parceltrail.platforms.tiktok.local.shop import LocalShop, LocalTikTok
from parceltrail.platforms.tiktok.local.tracking import tracking_of
from parceltrail.platforms.tiktok.signing import sign

MAX_SKEW = 300


def _request_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S") + secrets.token_hex(9).upper()


def envelope(data: Any = None, code: int = 0, message: str = "Success", status: int = 200) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "request_id": _request_id(), "data": data},
                        status_code=status)


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _offset(token: str | None) -> int | None:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        return int(text.removeprefix("o:"))
    except (ValueError, UnicodeDecodeError):
        return None


def create_tiktok_app(state: LocalTikTok, requests_per_second: float | None = 50.0) -> Starlette:
    bucket = TokenBucket(requests_per_second, max(1.0, requests_per_second)) if requests_per_second else None

    async def checked(request: Request, with_shop: bool = True) -> tuple[LocalShop | None, dict, Response | None]:
        """The shop a signed call is for, its JSON body, or the refusal TikTok would send."""
        raw = await request.body()
        params = dict(request.query_params)
        path = request.url.path.removeprefix(request.scope.get("root_path", ""))
        state.calls.append((request.method, path))
        fault = state.take_fault(path)
        if fault == "rate_limit" or (bucket is not None and bucket.take() > 0):
            return None, {}, envelope(None, 36009004, "Too many requests, please retry later.", 429)
        if params.get("app_key") != state.app_key:
            return None, {}, envelope(None, 106002, "Invalid app_key.")
        try:
            skew = abs(time.time() - int(params.get("timestamp", "")))
        except ValueError:
            skew = MAX_SKEW + 1
        if skew > MAX_SKEW:
            return None, {}, envelope(None, 106003, "The timestamp is out of the allowed 5 minutes.")
        expected = sign(path, {k: v for k, v in params.items() if k != "sign"}, raw, state.app_secret)
        if fault == "bad_signature" or not secrets.compare_digest(expected, params.get("sign", "")):
            return None, {}, envelope(None, 106001, "Invalid credentials. The 'sign' query parameter is invalid.")
        shop, expired = state.shop_for_token(request.headers.get("x-tts-access-token", ""))
        if shop is None:
            return None, {}, envelope(None, 105001, "The access token is invalid.")
        if expired or fault == "expired":
            return None, {}, envelope(None, 105002, "The access token has expired.")
        if with_shop and params.get("shop_cipher") != shop.cipher:
            return None, {}, envelope(None, 106011, "The shop_cipher does not match the access token's shop.")
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return None, {}, envelope(None, 36009001, "The request body is not JSON.")
        return shop, body, None

    async def token_get(request: Request) -> Response:
        p = request.query_params
        if p.get("app_key") != state.app_key or p.get("app_secret") != state.app_secret:
            return envelope(None, 36004003, "app_key or app_secret is wrong.")
        data = state.exchange(p.get("auth_code", "")) if p.get("grant_type") == "authorized_code" else None
        return envelope(data) if data else envelope(None, 36004002, "The auth_code is invalid or used.")

    async def token_refresh(request: Request) -> Response:
        p = request.query_params
        if p.get("app_key") != state.app_key or p.get("app_secret") != state.app_secret:
            return envelope(None, 36004003, "app_key or app_secret is wrong.")
        data = state.refresh(p.get("refresh_token", "")) if p.get("grant_type") == "refresh_token" else None
        return envelope(data) if data else envelope(None, 36004001, "The refresh token has expired.")

    async def authorize(request: Request) -> Response:
        p = request.query_params
        if p.get("app_key") != state.app_key or not p.get("redirect_uri") or not state.shops:
            return JSONResponse({"error": "unknown app_key, no redirect_uri, or no shop to authorise"}, 400)
        code = state.authorise(next(iter(state.shops)))
        return RedirectResponse(f"{p['redirect_uri']}?{urlencode({'code': code, 'state': p.get('state', '')})}", 302)

    async def shops(request: Request) -> Response:
        shop, _, refusal = await checked(request, with_shop=False)
        if refusal:
            return refusal
        return envelope({"shops": [{"id": shop.id, "name": shop.name, "region": shop.region, "cipher": shop.cipher,
                                    "code": f"US{shop.id[-6:]}", "seller_type": "LOCAL"}]})

    async def search(request: Request) -> Response:
        shop, body, refusal = await checked(request)
        if refusal:
            return refusal
        size = min(100, max(1, int(request.query_params.get("page_size", "20"))))
        offset = _offset(request.query_params.get("page_token"))
        if offset is None:
            return envelope(None, 36009001, "page_token is invalid.")
        with state.lock:
            found = [o for o in shop.orders.values() if _matches(o, body)]
        found.sort(key=lambda o: (o["update_time"], o["id"]))
        page = found[offset:offset + size]
        more = offset + size < len(found)
        return envelope({"orders": page, "total_count": len(found),
                         "next_page_token": _page_token(offset + size) if more else ""})

    async def details(request: Request) -> Response:
        shop, _, refusal = await checked(request)
        if refusal:
            return refusal
        ids = [i for i in request.query_params.get("ids", "").split(",") if i]
        if not ids or len(ids) > 50:
            return envelope(None, 36009001, "ids must name 1 to 50 orders.")
        with state.lock:
            return envelope({"orders": [shop.orders[i] for i in ids if i in shop.orders]})

    async def tracking(request: Request) -> Response:
        shop, _, refusal = await checked(request)
        if refusal:
            return refusal
        order = shop.orders.get(request.path_params["order_id"])
        if order is None:
            return envelope(None, 21011001, "The order does not exist.")
        return envelope({"tracking": tracking_of(order, state.tracking_clock())})

    async def ship(request: Request) -> Response:
        shop, body, refusal = await checked(request)
        if refusal:
            return refusal
        package_id = request.path_params["package_id"]
        self_shipment = body.get("self_shipment") or {}
        number = self_shipment.get("tracking_number")
        if not number or not self_shipment.get("shipping_provider_id"):
            return envelope(None, 21001001, "self_shipment.tracking_number and shipping_provider_id are required.")
        with state.lock:
            owners = [o for o in shop.orders.values() if any(i["package_id"] == package_id for i in o["line_items"])]
            if not owners:
                return envelope(None, 21011001, "The package does not exist.")
            for order in owners:
                if order_status(order["status"]) is OrderStatus.ON_HOLD:
                    return envelope(None, 21001025, "The order is on hold and cannot be shipped yet.")
                for item in order["line_items"]:
                    if item["package_id"] == package_id:
                        item.update(tracking_number=number, shipping_provider_id=self_shipment["shipping_provider_id"],
                                    package_status="SHIPPED")
                order["tracking_number"] = number
                state.touch(shop, order["id"], OrderStatus.AWAITING_COLLECTION)
            state.shipments.append({"package_id": package_id, "tracking_number": number})
        return envelope({})

    async def shipping_documents(request: Request) -> Response:
        """Get Package Shipping Document: only for a package TikTok ships and has given a number to."""
        shop, _, refusal = await checked(request)
        if refusal:
            return refusal
        package_id = request.path_params["package_id"]
        kind = request.query_params.get("document_type", "")
        size = request.query_params.get("document_size", "A6")
        if kind not in DOCUMENT_TYPES or size not in SIZES:
            return envelope(None, 36009001, "document_type or document_size is invalid.")
        with state.lock:
            owners = [(o, i) for o in shop.orders.values() for i in o["line_items"] if i["package_id"] == package_id]
        if not owners:
            return envelope(None, 21011001, "The package does not exist.")
        order, item = owners[0]
        if order.get("shipping_type") != "TIKTOK":
            return envelope(None, 21011034, "The package is not shipped by TikTok Shipping; the seller prints its "
                                            "own label.")
        if not item.get("tracking_number"):
            return envelope(None, 21011035, "The package has no shipping label yet; arrange the shipment first.")
        token = state.documents.publish(label_pdf(order, item, size))
        state.document_requests.append({"package_id": package_id, "document_type": kind})
        base = str(request.base_url).rstrip("/")
        return envelope({"doc_url": f"{base}/documents/{token}.pdf", "tracking_number": item["tracking_number"]})

    async def document(request: Request) -> Response:
        found = state.documents.get(request.path_params["token"])
        if found is None:
            return JSONResponse({"error": "the link expired or never existed"}, 404)
        return Response(found, media_type="application/pdf")

    async def update_shipping(request: Request) -> Response:
        shop, body, refusal = await checked(request)
        if refusal:
            return refusal
        order = shop.orders.get(request.path_params["order_id"])
        if order is None:
            return envelope(None, 21011001, "The order does not exist.")
        with state.lock:
            for item in order["line_items"]:
                item.update(tracking_number=body.get("tracking_number"),
                            shipping_provider_id=body.get("shipping_provider_id"))
            order["tracking_number"] = body.get("tracking_number")
            state.touch(shop, order["id"], order_status(order["status"]))
            state.shipments.append({"order_id": order["id"], "tracking_number": body.get("tracking_number")})
        return envelope({})

    return Starlette(routes=[
        Route("/api/v2/token/get", token_get, methods=["GET"]),
        Route("/api/v2/token/refresh", token_refresh, methods=["GET"]),
        Route("/oauth/authorize", authorize, methods=["GET"]),
        Route("/authorization/202309/shops", shops, methods=["GET"]),
        Route("/order/202309/orders/search", search, methods=["POST"]),
        Route("/order/202309/orders", details, methods=["GET"]),
        Route("/fulfillment/202309/orders/{order_id}/tracking", tracking, methods=["GET"]),
        Route("/fulfillment/202309/packages/{package_id}/ship", ship, methods=["POST"]),
        Route("/fulfillment/202309/orders/{order_id}/shipping_info/update", update_shipping, methods=["POST"]),
        Route("/fulfillment/202309/packages/{package_id}/shipping_documents", shipping_documents, methods=["GET"]),
        Route("/documents/{token}.pdf", document, methods=["GET"]),
    ])


def _matches(order: dict, body: dict) -> bool:
    t = order["update_time"]
    if "update_time_ge" in body and t < int(body["update_time_ge"]):
        return False
    if "update_time_lt" in body and t >= int(body["update_time_lt"]):
        return False
    if "create_time_ge" in body and order["create_time"] < int(body["create_time_ge"]):
        return False
    if "create_time_lt" in body and order["create_time"] >= int(body["create_time_lt"]):
        return False
    return not body.get("order_status") or order["status"] == body["order_status"]
