"""Carrier codes no mapping table knew, counted per shop and carrier as scans carrying them are stored.

A scan is counted under its carrier code *and* its words: text-only carriers (DHL, TikTok) have no
specific code, and one UPS code can come with several wordings, each worth a table row of its own.
Counted on the ingest path (one upsert per new unknown code in a batch, in the batch's transaction), so
the count is of distinct stored scans, not of polls: a package polled a hundred times with one unknown
scan counts once. Kept per shop so a shop's API key shows only its own carriers' words (a description
can name a recipient); the operator's CLI sums them across shops.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Connection, Integer, String, Table, func, select

from parceltrail.store.dialects import upsert_insert
from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

unknown_codes = Table(
    "unknown_codes",
    metadata,
    Column("shop_id", String(32), primary_key=True),
    Column("carrier", String(32), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("description", String(300), primary_key=True),
    Column("count", Integer, nullable=False, default=0),
    Column("first_seen_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
)



@dataclass(frozen=True, slots=True)
class UnknownCode:
    carrier: str
    code: str
    description: str
    count: int
    first_seen_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True, slots=True)
class Sighting:
    """One stored scan whose code no table knew."""

    shop_id: str
    carrier: str
    code: str
    description: str


class UnknownCodeRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def count(self, sightings: Iterable[Sighting], now: datetime) -> None:
        """Add these sightings to the counts (sorted, so concurrent batches take row locks in one order)."""
        grouped: Counter[tuple[str, str, str, str]] = Counter(
            (s.shop_id, s.carrier, s.code[:64], s.description[:300]) for s in sightings
        )
        for (shop_id, carrier, code, description), seen in sorted(grouped.items()):
            statement = upsert_insert(self._c, unknown_codes).values(
                shop_id=shop_id, carrier=carrier, code=code, description=description, count=seen,
                first_seen_at=now, last_seen_at=now,
            )
            statement = statement.on_conflict_do_update(
                index_elements=["shop_id", "carrier", "code", "description"],
                set_={"count": unknown_codes.c.count + statement.excluded.count,
                      "last_seen_at": statement.excluded.last_seen_at},
            )
            self._c.execute(statement)

    def listing(self, shop_id: str | None = None, carrier: str | None = None) -> list[UnknownCode]:
        """Most seen first. ``shop_id=None`` sums every shop (the operator's view)."""
        c = unknown_codes.c
        query = select(
            c.carrier, c.code, c.description, func.sum(c.count).label("count"),
            func.min(c.first_seen_at).label("first_seen_at"), func.max(c.last_seen_at).label("last_seen_at"),
        ).group_by(c.carrier, c.code, c.description)
        if shop_id is not None:
            query = query.where(c.shop_id == shop_id)
        if carrier is not None:
            query = query.where(c.carrier == carrier)
        rows = self._c.execute(query.order_by(func.sum(c.count).desc(), c.carrier, c.code, c.description)).all()
        return [UnknownCode(r.carrier, r.code, r.description, int(r.count), r.first_seen_at, r.last_seen_at)
                for r in rows]
