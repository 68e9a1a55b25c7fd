"""Use cases for shops and API keys."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from parceltrail.services.clock import utcnow
from parceltrail.services.errors import InvalidInput, NotFound
from parceltrail.store import Shop, UnitOfWork
from parceltrail.store.ids import new_id

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


def create_api_key(uow: UnitOfWork, shop_id: str) -> str:
    api_key = _mint_key()
    with uow:
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        uow.shops.add_key(new_id("key"), shop_id, api_key, utcnow())
        uow.commit()
    return api_key


def authenticate(uow: UnitOfWork, api_key: str) -> str | None:
    """The id of the shop this key belongs to, or None for an unknown or revoked key."""
    if not api_key.startswith(KEY_PREFIX):
        return None
    with uow.read():
        return uow.shops.shop_for_key(api_key)
