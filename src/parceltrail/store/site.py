"""Server-wide state the web pages need: signing secrets shared by every process, and throttling counters.

A secret is created once by whichever process asks first (``INSERT`` that tolerates a racing twin,
then read back), so all API processes sign and check cookies with the same key without configuration.
Throttle hits are rows (bucket, time): counting a window is one indexed query on any database, and
every API process sees the same counts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Connection, Index, Integer, String, Table, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

site_secrets = Table(
    "site_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(128), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

throttle_hits = Table(
    "throttle_hits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("bucket", String(200), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Index(None, "bucket", "at"),
    Index(None, "at"),
)


class SiteRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def secret(self, name: str, candidate: str, now: datetime) -> str:
        """The stored secret ``name``; ``candidate`` becomes it when none is stored yet."""
        found = self._c.execute(select(site_secrets.c.value).where(site_secrets.c.name == name)).scalar()
        if found is not None:
            return found
        try:
            with self._c.begin_nested():
                self._c.execute(insert(site_secrets).values(name=name, value=candidate, created_at=now))
        except IntegrityError:
            pass  # another process stored one first: use theirs
        return self._c.execute(select(site_secrets.c.value).where(site_secrets.c.name == name)).scalar_one()

    def hits_since(self, bucket: str, since: datetime) -> int:
        return self._c.execute(
            select(func.count()).select_from(throttle_hits)
            .where(throttle_hits.c.bucket == bucket, throttle_hits.c.at >= since)
        ).scalar_one()

    def hit(self, bucket: str, at: datetime) -> None:
        self._c.execute(insert(throttle_hits).values(bucket=bucket, at=at))

    def clear_hits(self, bucket: str) -> None:
        self._c.execute(delete(throttle_hits).where(throttle_hits.c.bucket == bucket))

    def prune_hits(self, before: datetime) -> None:
        self._c.execute(delete(throttle_hits).where(throttle_hits.c.at < before))
