"""The HTTP transport every carrier's ``fetch`` goes through: timeouts, retries, 429s, OAuth tokens.

Hand-written on httpx rather than taken from karrio (see docs/carriers.md): tracking needs one GET or
POST per carrier, and the parts that are easy to get wrong — backoff on 5xx and timeouts, honouring
Retry-After, caching client-credentials tokens until just before they expire, re-authenticating once
on a 401 — are the same for every carrier, so they live here once. ``sleep`` and the clocks are
injectable so tests run in milliseconds.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Self

import httpx

from parceltrail.carriers.base import CarrierFetchError
from parceltrail.carriers.credentials import OAuthCredentials

log = logging.getLogger("parceltrail.carriers.http")

USER_AGENT = "parceltrail (+https://github.com/parceltrail/parceltrail)"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. Waits double from ``backoff`` up to ``backoff_max``.

    A 429 whose Retry-After is longer than ``retry_after_max`` is not slept through: the caller gets a
    ``CarrierFetchError`` carrying ``retry_after`` and can reschedule the check instead of blocking a worker.
    """

    attempts: int = 3
    backoff: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 30.0

    def wait(self, attempt: int) -> float:
        return min(self.backoff * 2 ** (attempt - 1), self.backoff_max)


class CarrierClient:
    """One per process (or per worker thread pool): holds the connection pool and the token cache."""

    def __init__(
        self,
        http: httpx.Client | None = None,
        *,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.http = http or httpx.Client(timeout=httpx.Timeout(timeout), headers={"User-Agent": USER_AGENT})
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.monotonic = monotonic
        self.now = now
        self._tokens: dict[tuple[str, str, str, str], tuple[str, float]] = {}
        self._token_lock = threading.Lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    # -- plain requests -------------------------------------------------------------------------

    def send(self, carrier: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send with retries on timeouts, connection errors, 5xx and 429; return any other answer.

        4xx answers other than 429 are returned, because only the carrier module knows whether a 404
        means "no such parcel" (a body to parse) or a wrong URL.
        """
        policy = self.retry
        for attempt in range(1, policy.attempts + 1):
            last = attempt == policy.attempts
            try:
                response = self.http.request(method, url, **kwargs)
            except httpx.TimeoutException:
                if last:
                    raise CarrierFetchError(
                        carrier, f"no answer from {_host(url)}: timed out {attempt} times"
                    ) from None
                self._pause(carrier, policy.wait(attempt), "timeout")
                continue
            except httpx.TransportError as error:
                if last:
                    raise CarrierFetchError(carrier, f"cannot reach {_host(url)}: {error}") from None
                self._pause(carrier, policy.wait(attempt), "connection error")
                continue
            status = response.status_code
            if status == 429:
                wait = retry_after(response, self.now()) or policy.wait(attempt)
                if last or wait > policy.retry_after_max:
                    raise CarrierFetchError(
                        carrier, f"rate limited by {_host(url)} (429); retry after {wait:g} s", 429, wait
                    )
                self._pause(carrier, wait, "429")
                continue
            if status >= 500:
                if last:
                    words = carrier_message(response)
                    reason = f"{_host(url)} answered {status} {attempt} times in a row" + (
                        f" ({words})" if words else ""
                    )
                    raise CarrierFetchError(carrier, reason, status)
                self._pause(carrier, policy.wait(attempt), str(status))
                continue
            return response
        raise AssertionError("unreachable: the loop returns or raises")

    def _pause(self, carrier: str, seconds: float, why: str) -> None:
        log.info("carrier %s: %s, retrying in %.2f s", carrier, why, seconds)
        self.sleep(seconds)

    # -- OAuth client credentials ---------------------------------------------------------------

    def bearer_token(self, carrier: str, token_url: str, creds: OAuthCredentials, *, basic_auth: bool) -> str:
        """A cached access token, fetched again a minute (or a tenth of its life) before it expires."""
        key = (carrier, token_url, creds.client_id, hashlib.sha256(creds.client_secret.encode()).hexdigest())
        with self._token_lock:
            cached = self._tokens.get(key)
            if cached is not None and cached[1] > self.monotonic():
                return cached[0]
            token, lifetime = self._request_token(carrier, token_url, creds, basic_auth)
            margin = min(60.0, lifetime / 10)
            self._tokens[key] = (token, self.monotonic() + lifetime - margin)
            return token

    def forget_tokens(self, carrier: str) -> None:
        with self._token_lock:
            for key in [k for k in self._tokens if k[0] == carrier]:
                del self._tokens[key]

    def _request_token(
        self, carrier: str, token_url: str, creds: OAuthCredentials, basic_auth: bool
    ) -> tuple[str, float]:
        form = {"grant_type": "client_credentials"}
        auth = None
        if basic_auth:
            auth = (creds.client_id, creds.client_secret)
        else:
            form |= {"client_id": creds.client_id, "client_secret": creds.client_secret}
        response = self.send(
            carrier, "POST", token_url, data=form, auth=auth, headers={"Accept": "application/json"}
        )
        if response.status_code != 200:
            raise CarrierFetchError(
                carrier,
                f"token request refused ({response.status_code}): {carrier_message(response)}",
                response.status_code,
            )
        try:
            payload = response.json()
            token = str(payload["access_token"])
            lifetime = float(payload.get("expires_in") or 300)
        except (ValueError, KeyError, TypeError):
            raise CarrierFetchError(
                carrier, "token answer has no access_token", response.status_code
            ) from None
        return token, lifetime

    def send_authorized(
        self,
        carrier: str,
        token_url: str,
        creds: OAuthCredentials,
        method: str,
        url: str,
        *,
        basic_auth: bool,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with a Bearer token; on a 401 forget the token and try once more with a fresh one."""
        for fresh in (False, True):
            token = self.bearer_token(carrier, token_url, creds, basic_auth=basic_auth)
            response = self.send(
                carrier,
                method,
                url,
                headers={**(headers or {}), "Authorization": f"Bearer {token}"},
                **kwargs,
            )
            if response.status_code != 401 or fresh:
                return response
            self.forget_tokens(carrier)
        raise AssertionError("unreachable: the loop returns")


def retry_after(response: httpx.Response, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def carrier_message(response: httpx.Response) -> str:
    """The carrier's own error words from a JSON error body, shortened; never request data."""
    try:
        payload = response.json()
    except ValueError:
        return response.reason_phrase or ""
    texts: list[str] = []

    def walk(node: Any, depth: int = 0) -> None:
        if depth > 4 or len(texts) >= 3:
            return
        if isinstance(node, dict):
            for key in ("message", "detail", "title", "error_description", "description"):
                if isinstance(node.get(key), str) and node[key] not in texts:
                    texts.append(node[key])
            for value in node.values():
                walk(value, depth + 1)
        elif isinstance(node, list):
            for value in node:
                walk(value, depth + 1)

    walk(payload)
    return "; ".join(texts)[:300] or response.reason_phrase or ""


def _host(url: str) -> str:
    return httpx.URL(url).host or url


def ensure_ok(carrier: str, response: httpx.Response, *, also: tuple[int, ...] = ()) -> bytes:
    """The body of a 200, or of a JSON answer with a status in ``also`` (a carrier's "no such parcel").

    Anything else is a fetch error with the carrier's words; a non-JSON 404 usually means a wrong base URL.
    """
    if response.status_code == 200:
        return response.content
    if response.status_code in also and "json" in response.headers.get("Content-Type", ""):
        return response.content
    if response.status_code in (401, 403):
        reason = f"credentials refused ({response.status_code}): {carrier_message(response)}"
    else:
        reason = f"unexpected answer {response.status_code}: {carrier_message(response)}"
    raise CarrierFetchError(carrier, reason, response.status_code)
