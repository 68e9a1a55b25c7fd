"""Retention: finding and deleting evidence records older than the shop-wide retention.

A package's evidence records (its disputes with their history, its proof of delivery with the carrier's
raw body, the buyer's confirmation) go once the package was delivered, or ended otherwise (returned,
expired, cancelled, lost), more than the retention ago and every dispute about it closed more than the
retention ago. Raw webhook bodies already applied (carrier pushes, TikTok notifications) go once
received more than the retention ago. Tracking events and estimates stay: they are the history delivery
estimates learn from (deleting a package through the API removes them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, delete, exists, not_, or_, select

from parceltrail.core import TERMINAL, Status
from parceltrail.store.disputes import dispute_history, disputes
from parceltrail.store.proofs import buyer_confirmations, delivery_proofs
from parceltrail.store.tables import hook_inbox, packages
from parceltrail.store.tiktok import tiktok_inbox

ENDED = sorted(({s.value for s in TERMINAL} | {Status.EXCEPTION.value}) - {Status.DELIVERED.value})


class RetentionRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._tables = (delivery_proofs, buyer_confirmations)
        """Further tables keyed by ``package_id`` whose rows are evidence."""

    def due(self, before: datetime, limit: int) -> list[str]:
        """Packages past retention that still hold evidence records and have no dispute closed (or open) since."""
        ended = or_(packages.c.delivered_at < before,
                    and_(packages.c.delivered_at.is_(None), packages.c.status.in_(ENDED),
                         packages.c.last_event_at < before))
        recent = exists().where(disputes.c.package_id == packages.c.id,
                                or_(disputes.c.closed_at.is_(None), disputes.c.closed_at >= before))
        holds = [exists().where(disputes.c.package_id == packages.c.id)]
        holds += [exists().where(t.c.package_id == packages.c.id) for t in self._tables]
        query = (select(packages.c.id).where(ended, not_(recent), or_(*holds)).order_by(packages.c.id).limit(limit))
        return list(self._c.execute(query).scalars())

    def prune(self, package_ids: Sequence[str]) -> int:
        """Delete the evidence records of these packages; returns how many rows went."""
        if not package_ids:
            return 0
        ids = list(package_ids)
        gone = 0
        found = select(disputes.c.id).where(disputes.c.package_id.in_(ids))
        gone += self._c.execute(delete(dispute_history).where(dispute_history.c.dispute_id.in_(found))).rowcount
        gone += self._c.execute(delete(disputes).where(disputes.c.package_id.in_(ids))).rowcount
        for table in self._tables:
            gone += self._c.execute(delete(table).where(table.c.package_id.in_(ids))).rowcount
        return gone

    def prune_bodies(self, before: datetime) -> int:
        """Raw webhook bodies already applied and received before ``before``."""
        gone = self._c.execute(delete(hook_inbox).where(hook_inbox.c.state == "done",
                                                        hook_inbox.c.received_at < before)).rowcount
        gone += self._c.execute(delete(tiktok_inbox).where(tiktok_inbox.c.state == "done",
                                                           tiktok_inbox.c.received_at < before)).rowcount
        return gone
