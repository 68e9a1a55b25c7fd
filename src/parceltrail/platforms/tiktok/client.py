"""The TikTok Shop client: signed calls to the API host, tokens from the auth host, typed failures.

Transport (timeouts, retries with backoff on 5xx and HTTP 429, Retry-After) is the carriers'
``CarrierClient``; on top of it this client signs every call, reads TikTok's envelope (success is
``code == 0`` in the body, whatever the HTTP status), retries the envelope's rate-limit code with the same
backoff, and raises one exception type per kind of failure (``platforms.tiktok.errors``). It keeps no
tokens: callers pass the shop's access token per call, so refreshing and storing tokens stays with the
service that owns them. Nothing here logs a token, the app secret or a signed URL.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from parceltrail.carriers.base import CarrierFetchError
from parceltrail.carriers.transport import CarrierClient
from parceltrail.platforms.tiktok import API_URL, AUTH_URL
from parceltrail.platforms.tiktok.errors import (
    RateLimited,
    TikTokShopError,
    TikTokUnavailable,
    error_for,
)
from parceltrail.platforms.tiktok.signing import query, sign

NAME = "tiktok-shop"
_SECRET_QUERY = re.compile(r"((?:app_secret|access_token|refresh_token|auth_code)=)[^&\s\"]+")


class RedactSecrets(logging.Filter):
    """TikTok's token endpoints take the app secret, codes and tokens in the query string, and httpx logs
    every request URL at INFO: this filter (installed on the ``httpx`` logger) masks those values."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_SECRET_QUERY.sub(r"\1***", str(a)) if "=" in str(a) else a for a in record.args)
        return True


logging.getLogger("httpx").addFilter(RedactSecrets())
MAX_DETAIL_IDS = 50
"""Get Order Detail takes at most 50 order ids per call."""
ORDERS_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_token: str = field(repr=False)
    refresh_expires_at: datetime
    seller_name: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class AuthorizedShop:
    id: str
    cipher: str
    name: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class OrdersPage:
    orders: list[dict]
    next_page_token: str | None
    total_count: int | None


def _expiry(value: Any, name: str) -> datetime:
    """TikTok gives expiry as unix seconds (``access_token_expire_in`` is a moment, not a duration)."""
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise TikTokShopError(f"the token answer has no usable {name}") from None
    return datetime.fromtimestamp(seconds, UTC)


class TikTokShopClient:
    def __init__(self, app_key: str, app_secret: str, api_url: str = API_URL, auth_url: str = AUTH_URL,
                 transport: CarrierClient | None = None) -> None:
        self.app_key = app_key
        self._secret = app_secret
        self.api_url = api_url.rstrip("/")
        self.auth_url = auth_url.rstrip("/")
        self.transport = transport or CarrierClient()

    def __repr__(self) -> str:
        return f"TikTokShopClient(app_key={self.app_key!r}, api_url={self.api_url!r})"

    # -- the envelope ----------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> dict:
        policy = self.transport.retry
        for attempt in range(1, policy.attempts + 1):
            try:
                response = self.transport.send(NAME, method, url, **kwargs)
            except CarrierFetchError as error:
                if error.status == 429:
                    raise RateLimited(error.reason, http_status=429, retry_after=error.retry_after) from None
                raise TikTokUnavailable(error.reason, http_status=error.status) from None
            try:
                envelope = response.json()
            except ValueError:
                envelope = None
            if not isinstance(envelope, dict) or not isinstance(envelope.get("code"), int):
                raise TikTokShopError(f"the answer is not a TikTok envelope (HTTP {response.status_code})",
                                      http_status=response.status_code)
            code = envelope["code"]
            if code == 0 and response.status_code < 400:
                return envelope.get("data") or {}
            error = error_for(code, str(envelope.get("message") or ""), str(envelope.get("request_id") or ""),
                              response.status_code)
            if isinstance(error, RateLimited) and attempt < policy.attempts:
                self.transport.sleep(policy.wait(attempt))
                continue
            raise error
        raise AssertionError("unreachable: the loop returns or raises")

    def call(self, method: str, path: str, access_token: str, shop_cipher: str | None = None,
             params: Mapping[str, Any] | None = None, body: Any = None) -> dict:
        """A signed call to the API host; returns the envelope's ``data``."""
        raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        wire: dict[str, Any] = {**(params or {}), "app_key": self.app_key,
                                "timestamp": int(self.transport.now())}
        if shop_cipher:
            wire["shop_cipher"] = shop_cipher
        wire = query(wire)
        wire["sign"] = sign(path, wire, raw, self._secret)
        headers = {"x-tts-access-token": access_token, "Content-Type": "application/json"}
        return self._send(method, self.api_url + path, params=wire, headers=headers,
                          content=raw if body is not None else None)

    # -- tokens (auth host) ------------------------------------------------------------------------

    def _tokens(self, endpoint: str, params: dict[str, str]) -> Tokens:
        data = self._send("GET", f"{self.auth_url}/api/v2/token/{endpoint}",
                          params={"app_key": self.app_key, "app_secret": self._secret, **params})
        if not data.get("access_token") or not data.get("refresh_token"):
            raise TikTokShopError("the token answer has no access_token or refresh_token")
        return Tokens(str(data["access_token"]), _expiry(data.get("access_token_expire_in"), "access_token_expire_in"),
                      str(data["refresh_token"]),
                      _expiry(data.get("refresh_token_expire_in"), "refresh_token_expire_in"),
                      data.get("seller_name"), data.get("seller_base_region"))

    def get_token(self, auth_code: str) -> Tokens:
        return self._tokens("get", {"auth_code": auth_code, "grant_type": "authorized_code"})

    def refresh(self, refresh_token: str) -> Tokens:
        return self._tokens("refresh", {"refresh_token": refresh_token, "grant_type": "refresh_token"})

    # -- shop calls ------------------------------------------------------------------------------

    def authorized_shops(self, access_token: str) -> list[AuthorizedShop]:
        data = self.call("GET", "/authorization/202309/shops", access_token)
        return [AuthorizedShop(str(s["id"]), str(s["cipher"]), s.get("name"), s.get("region"))
                for s in data.get("shops") or []]

    def search_orders(self, access_token: str, cipher: str, update_time_ge: int | None, update_time_lt: int | None,
                      page_token: str | None = None, page_size: int = ORDERS_PAGE_SIZE) -> OrdersPage:
        body = {k: v for k, v in (("update_time_ge", update_time_ge), ("update_time_lt", update_time_lt))
                if v is not None}
        params = {"page_size": page_size, "sort_field": "update_time", "sort_order": "ASC"}
        if page_token:
            params["page_token"] = page_token
        data = self.call("POST", "/order/202309/orders/search", access_token, cipher, params, body)
        return OrdersPage(list(data.get("orders") or []), data.get("next_page_token") or None,
                          data.get("total_count"))

    def order_details(self, access_token: str, cipher: str, order_ids: Sequence[str]) -> list[dict]:
        if len(order_ids) > MAX_DETAIL_IDS:
            raise ValueError(f"at most {MAX_DETAIL_IDS} order ids per detail call, got {len(order_ids)}")
        data = self.call("GET", "/order/202309/orders", access_token, cipher, {"ids": ",".join(order_ids)})
        return list(data.get("orders") or [])

    def order_tracking(self, access_token: str, cipher: str, order_id: str) -> dict:
        return self.call("GET", f"/fulfillment/202309/orders/{order_id}/tracking", access_token, cipher)

    def ship_package(self, access_token: str, cipher: str, package_id: str, tracking_number: str,
                     shipping_provider_id: str) -> dict:
        body = {"handover_method": "DROP_OFF",
                "self_shipment": {"tracking_number": tracking_number, "shipping_provider_id": shipping_provider_id}}
        return self.call("POST", f"/fulfillment/202309/packages/{package_id}/ship", access_token, cipher, body=body)

    def package_shipping_document(self, access_token: str, cipher: str, package_id: str,
                                  document_type: str = "SHIPPING_LABEL", document_size: str = "A6") -> dict:
        """Get Package Shipping Document (202309): ``{"doc_url": ...}`` for a package TikTok ships; the
        URL is short-lived, so fetch it right away (``download``)."""
        return self.call("GET", f"/fulfillment/202309/packages/{package_id}/shipping_documents", access_token, cipher,
                         {"document_type": document_type, "document_size": document_size})

    def download(self, url: str, max_bytes: int) -> bytes:
        """The document behind a ``doc_url`` (a pre-signed link: no signature, no token)."""
        try:
            response = self.transport.send(NAME, "GET", url)
        except CarrierFetchError as error:
            raise TikTokUnavailable(error.reason, http_status=error.status) from None
        if response.status_code != 200:
            raise TikTokShopError(f"the shipping document link answered HTTP {response.status_code}",
                                  http_status=response.status_code)
        if len(response.content) > max_bytes:
            raise TikTokShopError(f"the shipping document is over {max_bytes} bytes")
        return response.content

    def update_shipping_info(self, access_token: str, cipher: str, order_id: str, tracking_number: str,
                             shipping_provider_id: str) -> dict:
        body = {"tracking_number": tracking_number, "shipping_provider_id": shipping_provider_id}
        return self.call("POST", f"/fulfillment/202309/orders/{order_id}/shipping_info/update", access_token,
                         cipher, body=body)


def default_transport(timeout: float = 10.0) -> CarrierClient:
    return CarrierClient(httpx.Client(timeout=httpx.Timeout(timeout)))
