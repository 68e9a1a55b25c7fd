"""Connecting a shop to TikTok Shop and keeping its tokens fresh.

Tokens are stored encrypted with ``PARCELTRAIL_SECRET_KEY`` (``services.secrets``, purpose "tiktok tokens")
and decrypted
only for a call. An access token is refreshed ten minutes before the expiry TikTok gave (never a
lifetime we assume), and again when TikTok answers that it expired; a refresh token TikTok refuses
marks the connection ``deauthorized`` and the seller must connect again. Token times are real time
(TikTok's clock), never the demo's accelerated clock.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from urllib.parse import urlencode

from parceltrail.platforms.tiktok.client import TikTokShopClient, Tokens
from parceltrail.platforms.tiktok.errors import AccessTokenExpired, AuthorizationLost, BadSignature
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.secrets import SecretUnreadable, seal, unseal
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork
from parceltrail.store.tiktok import TikTokConnection

log = logging.getLogger("parceltrail.tiktok")
REFRESH_AHEAD = timedelta(minutes=10)
PURPOSE = "tiktok tokens"
STATE_LIFETIME = timedelta(minutes=15)
T = TypeVar("T")


class TikTokNotSetUp(Exception):
    """The server lacks what TikTok Shop needs; the message names the settings to set."""


@dataclass(frozen=True)
class TikTokApp:
    app_key: str
    app_secret: str
    api_url: str
    auth_url: str
    secret_key: str

    def __repr__(self) -> str:
        return f"TikTokApp(app_key={self.app_key!r}, api_url={self.api_url!r})"

    def client(self, transport=None) -> TikTokShopClient:
        return TikTokShopClient(self.app_key, self.app_secret, self.api_url, self.auth_url, transport)


def tiktok_app(settings: Settings) -> TikTokApp:
    missing = [name for name, value in (("PARCELTRAIL_TIKTOK_APP_KEY", settings.tiktok_app_key),
                                        ("PARCELTRAIL_TIKTOK_APP_SECRET", settings.tiktok_app_secret),
                                        ("PARCELTRAIL_SECRET_KEY", settings.secret_key)) if not value]
    if missing:
        raise TikTokNotSetUp(f"TikTok Shop is not set up on this server: set {', '.join(missing)}")
    return TikTokApp(settings.tiktok_app_key, settings.tiktok_app_secret.get_secret_value(),  # type: ignore[union-attr]
                     settings.tiktok_api_url, settings.tiktok_auth_url,
                     settings.secret_key.get_secret_value())  # type: ignore[union-attr]


def real_now() -> datetime:
    return datetime.now(UTC)


def connect_shop(uow: UnitOfWork, app: TikTokApp, client: TikTokShopClient, shop_id: str,
                 auth_code: str) -> TikTokConnection:
    """Trade the seller's auth code for tokens, find the authorised shop and its cipher, store them."""
    if not auth_code.strip():
        raise InvalidInput("auth code is empty", [FieldError("auth_code", "the code TikTok gave after consent")])
    with uow.read():
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
    tokens = client.get_token(auth_code.strip())
    shops = client.authorized_shops(tokens.access_token)
    if not shops:
        raise InvalidInput("TikTok authorised no shop for this app", [FieldError("auth_code", "authorise a shop")])
    chosen = shops[0]
    now = utcnow()
    with uow:
        other = uow.tiktok.by_tiktok_shop(chosen.id)
        if other is not None and other.shop_id != shop_id:
            raise InvalidInput("this TikTok shop is connected to another parceltrail shop",
                               [FieldError("auth_code", f"TikTok shop {chosen.id} belongs to {other.shop_id}")])
        existing = uow.tiktok.get(shop_id)
        connection = TikTokConnection(
            shop_id=shop_id, tiktok_shop_id=chosen.id, shop_cipher=chosen.cipher, shop_name=chosen.name,
            region=chosen.region or tokens.region, seller_name=tokens.seller_name,
            access_token=seal(app.secret_key, PURPOSE, tokens.access_token),
            refresh_token=seal(app.secret_key, PURPOSE, tokens.refresh_token), access_expires_at=tokens.access_expires_at,
            refresh_expires_at=tokens.refresh_expires_at, state="connected", state_detail=None,
            synced_through=existing.synced_through if existing and existing.tiktok_shop_id == chosen.id else None,
            last_sync_at=existing.last_sync_at if existing else None, last_sync_error=None,
            connected_at=existing.connected_at if existing else now, updated_at=now)
        uow.tiktok.put(connection)
        uow.commit()
    log.info("shop %s connected to TikTok shop %s (%s)", shop_id, chosen.id, chosen.name or "?")
    return connection


def connection_of(uow: UnitOfWork, shop_id: str) -> TikTokConnection:
    with uow.read():
        connection = uow.tiktok.get(shop_id)
    if connection is None:
        raise NotFound("TikTok Shop connection", shop_id)
    return connection


def webhook_counts(uow: UnitOfWork, tiktok_shop_id: str) -> dict[str, int]:
    """How many of this TikTok shop's notifications are pending, applied or failed (given up after 5 tries)."""
    with uow.read():
        return {"pending": 0, "done": 0, "failed": 0, **uow.tiktok.notification_counts(tiktok_shop_id)}


def _hash_state(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def authorization_url(uow: UnitOfWork, app: TikTokApp, shop_id: str, redirect_uri: str) -> str:
    """Where to send the seller to consent; the one-time ``state`` (stored hashed) names the shop."""
    state = secrets.token_urlsafe(24)
    with uow:
        uow.tiktok.add_state(_hash_state(state), shop_id, utcnow())
        uow.commit()
    query = urlencode({"app_key": app.app_key, "state": state, "redirect_uri": redirect_uri})
    return f"{app.auth_url.rstrip('/')}/oauth/authorize?{query}"


def shop_for_state(uow: UnitOfWork, state: str) -> str:
    """The shop a callback's ``state`` was issued for; refused when unknown, used or older than 15 minutes."""
    with uow:
        shop_id = uow.tiktok.take_state(_hash_state(state or ""), utcnow() - STATE_LIFETIME)
        uow.commit()
    if shop_id is None:
        raise InvalidInput("the state is unknown, used or expired; start again from /v1/tiktok/authorize",
                           [FieldError("state", "the state parceltrail sent to TikTok, within 15 minutes")])
    return shop_id


class ShopSession:
    """One shop's calls to TikTok with a fresh access token, refreshed and stored when needed."""

    def __init__(self, uow: UnitOfWork, app: TikTokApp, client: TikTokShopClient, shop_id: str) -> None:
        self.uow, self.app, self.client = uow, app, client
        self.connection = connection_of(uow, shop_id)
        if self.connection.state == "deauthorized":
            raise AuthorizationLost("the seller removed the authorization; connect the shop again")
        try:
            self._access = unseal(app.secret_key, PURPOSE, self.connection.access_token)
            self._refresh = unseal(app.secret_key, PURPOSE, self.connection.refresh_token)
        except SecretUnreadable:
            raise TikTokNotSetUp("the stored TikTok tokens cannot be decrypted with this PARCELTRAIL_SECRET_KEY "
                                 "(was it changed?); connect the shop again") from None
        self.refreshes = 0

    @property
    def cipher(self) -> str:
        return self.connection.shop_cipher or ""

    def refresh(self) -> None:
        try:
            tokens = self.client.refresh(self._refresh)
        except AuthorizationLost as error:
            mark_connection(self.uow, self.connection.shop_id, "deauthorized",
                            f"TikTok refused the refresh token ({error.code}); connect the shop again", "refresh_refused")
            raise
        self._store(tokens)

    def _store(self, tokens: Tokens) -> None:
        self._access, self._refresh = tokens.access_token, tokens.refresh_token
        self.refreshes += 1
        values = {"access_token": seal(self.app.secret_key, PURPOSE, tokens.access_token),
                  "refresh_token": seal(self.app.secret_key, PURPOSE, tokens.refresh_token),
                  "access_expires_at": tokens.access_expires_at, "refresh_expires_at": tokens.refresh_expires_at,
                  "updated_at": utcnow()}
        with self.uow:
            self.uow.tiktok.update(self.connection.shop_id, **values)
            self.uow.commit()
        self.connection = replace(self.connection, access_expires_at=tokens.access_expires_at,
                                  refresh_expires_at=tokens.refresh_expires_at)


    def run(self, call: Callable[[str, str], T]) -> T:
        """``call(access_token, cipher)``, after a refresh when the token is near expiry, and again after
        one refresh when TikTok says it expired; a refused signature is retried once with a new timestamp."""
        if self.connection.access_expires_at - REFRESH_AHEAD <= real_now():
            self.refresh()
        try:
            return call(self._access, self.cipher)
        except AccessTokenExpired:
            self.refresh()
        except BadSignature:
            log.warning("TikTok refused a signature once; asking again with a fresh timestamp")
        return call(self._access, self.cipher)


def tiktok_credentials(uow: UnitOfWork, app: TikTokApp, client: TikTokShopClient, shop_id: str):
    """What the ``tiktok`` carrier adapter needs to poll this shop's TikTok-shipped parcels: the app, a
    fresh access token and the shop cipher (``MissingCredentials`` when the shop is not connected)."""
    from parceltrail.carriers.credentials import TikTokCredentials
    from parceltrail.services.adapters import MissingCredentials

    try:
        session = ShopSession(uow, app, client, shop_id)
        token = session.run(lambda access, cipher: access)
    except (NotFound, AuthorizationLost) as error:
        raise MissingCredentials(f"tiktok: {error}; connect the shop with `parceltrail tiktok connect`") from None
    return TikTokCredentials(app.app_key, app.app_secret, token, session.cipher, app.api_url)


def mark_connection(uow: UnitOfWork, shop_id: str, state: str, detail: str, cause: str | None = None,
                    expires_at: datetime | None = None) -> None:
    """Set a connection's state. Entering ``deauthorized`` or ``expiring`` also tells the shop's staff
    (an outbox event in the same transaction, ``tiktok.connection_changed``): orders stop arriving
    without anyone watching the logs, and the seller is the only one who can authorise again. A state
    it is already in (TikTok repeats its expiry notice) tells nobody twice."""
    from parceltrail.services.outbox import record_tiktok_connection

    with uow:
        before = uow.tiktok.get(shop_id)
        uow.tiktok.update(shop_id, state=state, state_detail=detail, updated_at=utcnow())
        if before is not None and before.state != state and state in ("deauthorized", "expiring"):
            record_tiktok_connection(uow, shop_id, state, cause, expires_at, utcnow())
        uow.commit()
    log.warning("TikTok Shop connection of %s: %s", shop_id, detail)


__all__ = ["ShopSession", "TikTokApp", "TikTokNotSetUp", "authorization_url", "connect_shop", "connection_of", "mark_connection",
           "real_now", "shop_for_state", "tiktok_app", "tiktok_credentials"]
