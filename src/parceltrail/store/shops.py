"""Queries for shops and their API keys. Keys are stored as SHA-256 hashes, never in clear.

API keys are 256-bit random tokens, so a fast hash is enough: there is no dictionary to guess from,
and a hash lookup per request keeps authentication to one indexed read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, or_, select, update

from parceltrail.store.tables import api_keys, shops

# Every request authenticates: the statement is built once (building a select and its cache key cost more than
# running it; bench/load.py), like the other frequent reads in the store.
_SHOP_FOR_KEY = select(api_keys.c.shop_id).where(
    api_keys.c.key_hash == bindparam("hash"), api_keys.c.revoked_at.is_(None),
    or_(api_keys.c.expires_at.is_(None), api_keys.c.expires_at > bindparam("now", type_=api_keys.c.expires_at.type)))


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Shop:
    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key as it is stored: never the key itself, only its first characters to recognise it by."""

    id: str
    shop_id: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None:
            return "expired" if self.expires_at <= now else "expiring"
        return "active"


class ShopRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, shop: Shop) -> None:
        self._c.execute(insert(shops).values(id=shop.id, name=shop.name, created_at=shop.created_at))

    def get(self, shop_id: str) -> Shop | None:
        row = self._c.execute(select(shops).where(shops.c.id == shop_id)).first()
        return Shop(row.id, row.name, row.created_at) if row else None

    def find_by_name(self, name: str) -> Shop | None:
        """The oldest shop with exactly this name (the demo reuses its shop across restarts)."""
        row = self._c.execute(select(shops).where(shops.c.name == name).order_by(shops.c.created_at)).first()
        return Shop(row.id, row.name, row.created_at) if row else None

    def add_key(self, key_id: str, shop_id: str, api_key: str, created_at: datetime) -> None:
        self._c.execute(
            insert(api_keys).values(
                id=key_id, shop_id=shop_id, key_hash=hash_key(api_key), prefix=api_key[:12], created_at=created_at
            )
        )

    def shop_for_key(self, api_key: str, now: datetime) -> str | None:
        """The shop a live key (not revoked, not past its expiry) belongs to, or None."""
        row = self._c.execute(_SHOP_FOR_KEY, {"hash": hash_key(api_key), "now": now}).first()
        return row.shop_id if row else None

    def list(self) -> list[Shop]:
        rows = self._c.execute(select(shops).order_by(shops.c.created_at, shops.c.id)).all()
        return [Shop(r.id, r.name, r.created_at) for r in rows]

    def keys(self, shop_id: str) -> list[ApiKey]:
        """The shop's keys, oldest first (at most a handful per shop: no paging needed)."""
        rows = self._c.execute(select(api_keys).where(api_keys.c.shop_id == shop_id).order_by(api_keys.c.id)).all()
        return [ApiKey(r.id, r.shop_id, r.prefix, r.created_at, r.revoked_at, r.expires_at) for r in rows]

    def key(self, key_id: str) -> ApiKey | None:
        r = self._c.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        return ApiKey(r.id, r.shop_id, r.prefix, r.created_at, r.revoked_at, r.expires_at) if r else None

    def end_key(self, key_id: str, revoked_at: datetime | None = None, expires_at: datetime | None = None) -> None:
        """Revoke a key now, or let it expire at a time (a roll's grace period)."""
        values = {"revoked_at": revoked_at} if revoked_at is not None else {"expires_at": expires_at}
        self._c.execute(update(api_keys).where(api_keys.c.id == key_id).values(**values))
