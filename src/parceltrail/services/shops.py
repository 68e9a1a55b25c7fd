"""Use cases for shops and API keys: create, list, revoke, and roll a key with a grace period.

Rolling mints a new key and lets the old one work until the grace period ends, so a deployment can switch
over without a window in which neither key works; revoking ends a key at once. Keys are shown once, when
minted; afterwards only their id and first characters (``prefix``) identify them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from parceltrail.services.clock import WallClock, utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.store import Shop, UnitOfWork
from parceltrail.store.ids import new_id
from parceltrail.store.shops import ApiKey

KEY_PREFIX = "pt_"


@dataclass(frozen=True, slots=True)
class NewShop:
    shop: Shop
    api_key: str
    """Shown once; only its hash is stored."""


def _mint_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def create_shop(uow: UnitOfWork, name: str) -> NewShop:
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise InvalidInput("shop name must be 1 to 200 characters")
    now = utcnow()
    shop = Shop(id=new_id("shop"), name=name, created_at=now)
    api_key = _mint_key()
    with uow:
        uow.shops.add(shop)
        uow.shops.add_key(new_id("key"), shop.id, api_key, now)
        uow.commit()
    return NewShop(shop, api_key)


@dataclass(frozen=True, slots=True)
class NewKey:
    key: ApiKey
    api_key: str
    """Shown once; only its hash is stored."""


MAX_GRACE = timedelta(days=30)


def _wall():
    """Keys live in real time (a grace period is an hour of the operator's day), whatever the tracking clock."""
    return WallClock().now()


def create_api_key(uow: UnitOfWork, shop_id: str) -> str:
    return mint_key(uow, shop_id).api_key


def mint_key(uow: UnitOfWork, shop_id: str) -> NewKey:
    """Another key for a shop."""
    api_key = _mint_key()
    key_id = new_id("key")
    with uow:
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        uow.shops.add_key(key_id, shop_id, api_key, _wall())
        key = uow.shops.key(key_id)
        uow.commit()
    return NewKey(key, api_key)


def list_shops(uow: UnitOfWork) -> list[Shop]:
    with uow.read():
        return uow.shops.list()


def list_keys(uow: UnitOfWork, shop_id: str) -> list[ApiKey]:
    with uow.read():
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        return uow.shops.keys(shop_id)


def _live_key(uow: UnitOfWork, key_id: str, shop_id: str | None) -> ApiKey:
    key = uow.shops.key(key_id)
    if key is None or shop_id is not None and key.shop_id != shop_id:
        raise NotFound("API key", key_id)
    return key


def revoke_key(uow: UnitOfWork, key_id: str, shop_id: str | None = None) -> ApiKey:
    """End a key now (a key already revoked stays as it was). ``shop_id`` limits it to that shop's keys."""
    now = _wall()
    with uow:
        key = _live_key(uow, key_id, shop_id)
        if key.revoked_at is None:
            uow.shops.end_key(key_id, revoked_at=now)
        key = uow.shops.key(key_id)
        uow.commit()
    return key


def roll_key(uow: UnitOfWork, key_id: str, grace: timedelta = timedelta(0), shop_id: str | None = None) -> NewKey:
    """Mint a new key for the key's shop; the old key keeps working for ``grace`` (0: it ends now)."""
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise InvalidInput("grace period is not valid",
                           [FieldError("grace_seconds", f"expected 0 to {int(MAX_GRACE.total_seconds())} seconds")])
    now = _wall()
    api_key = _mint_key()
    new_key_id = new_id("key")
    with uow:
        old = _live_key(uow, key_id, shop_id)
        if old.state(now) in ("revoked", "expired"):
            raise InvalidInput("this key has ended; create a new key instead",
                               [FieldError("key_id", f"key {key_id} is {old.state(now)}")])
        uow.shops.add_key(new_key_id, old.shop_id, api_key, now)
        if grace:
            ends = now + grace
            uow.shops.end_key(key_id, expires_at=min(ends, old.expires_at) if old.expires_at else ends)
        else:
            uow.shops.end_key(key_id, revoked_at=now)
        key = uow.shops.key(new_key_id)
        uow.commit()
    return NewKey(key, api_key)


def key_of(uow: UnitOfWork, key_id: str) -> ApiKey:
    with uow.read():
        return _live_key(uow, key_id, None)


def authenticate(uow: UnitOfWork, api_key: str) -> str | None:
    """The id of the shop this key belongs to, or None for an unknown, revoked or expired key.

    Expiry is judged on the wall clock, not the process clock: a key's grace period is real time.
    """
    if not api_key.startswith(KEY_PREFIX):
        return None
    with uow.read():
        return uow.shops.shop_for_key(api_key, _wall())
