"""The query behind the sellers' exception digest: each shop's parcels that need someone's attention.

Today that is a parcel whose current status is one of the canonical exception statuses (held up, a
failed delivery attempt, going back to the sender), oldest news first. It is the one place to change
when stored exception flags (``core/flags.py``, issue 19) take over: the digest reads whatever this
returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from parceltrail.store.tables import packages


@dataclass(frozen=True, slots=True)
class Attention:
    package_id: str
    shop_id: str
    tracking_number: str
    carrier: str | None
    status: str
    substatus: str
    since: datetime


class DigestRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def needing_attention(self, shop_ids: Sequence[str], statuses: Sequence[str],
                          limit: int) -> tuple[dict[str, list[Attention]], dict[str, int]]:
        """Up to ``limit`` parcels per shop (oldest news first) and how many there are in all, per shop."""
        if not shop_ids:
            return {}, {}
        where = (packages.c.shop_id.in_(list(shop_ids)), packages.c.status.in_(list(statuses)))
        totals = dict(self._c.execute(select(packages.c.shop_id, func.count()).where(*where)
                                      .group_by(packages.c.shop_id)).all())
        rows = self._c.execute(select(packages.c.id, packages.c.shop_id, packages.c.tracking_number,
                                      packages.c.carrier, packages.c.status, packages.c.substatus,
                                      func.coalesce(packages.c.last_event_at, packages.c.updated_at).label("since"))
                               .where(*where).order_by(packages.c.shop_id, "since")).all()
        found: dict[str, list[Attention]] = {}
        for r in rows:
            kept = found.setdefault(r.shop_id, [])
            if len(kept) < limit:
                kept.append(Attention(r.id, r.shop_id, r.tracking_number, r.carrier, r.status, r.substatus, r.since))
        return found, totals
