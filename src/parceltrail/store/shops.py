"""Queries for shops and their API keys. Keys are stored as SHA-256 hashes, never in clear.

API keys are 256-bit random tokens, so a fast hash is enough: there is no dictionary to guess from,
and a hash lookup per request keeps authentication to one indexed read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from parceltrail.store.tables import api_keys, shops


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Shop:
    id: str
    name: str
    created_at: datetime


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

    def shop_for_key(self, api_key: str) -> str | None:
        """The shop a live (not revoked) key belongs to, or None."""
        row = self._c.execute(
            select(api_keys.c.shop_id).where(
                api_keys.c.key_hash == hash_key(api_key), api_keys.c.revoked_at.is_(None)
            )
        ).first()
        return row.shop_id if row else None
