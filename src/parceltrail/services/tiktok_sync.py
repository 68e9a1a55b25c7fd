"""Sync: every order TikTok changed since the last sync, all pages, details in batches of at most 50.

A sync reads the window [since, start) where ``since`` is the last completed sync's end less a minute
(TikTok indexes updates with a small delay; upserts are idempotent, so reading a minute twice costs
nothing) and ``start`` is when this sync began. Each page's details are upserted in one transaction as
they arrive, so a sync cut short (rate limit that outlives the retries, TikTok down) keeps what it stored
and the next sync reads the same window again: the cursor only moves when every page is in. The worker
runs this for every connected shop every few minutes, so a missed webhook costs minutes, not the order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from parceltrail.core import PackageWarning
from parceltrail.core.orders import Order
from parceltrail.platforms.tiktok.client import MAX_DETAIL_IDS, TikTokShopClient
from parceltrail.platforms.tiktok.errors import TikTokShopError
from parceltrail.platforms.tiktok.orders import parse_order
from parceltrail.services.clock import utcnow
from parceltrail.services.orders import UpsertReport, upsert_orders
from parceltrail.services.tiktok import ShopSession, TikTokApp, TikTokNotSetUp, real_now
from parceltrail.store import UnitOfWork

log = logging.getLogger("parceltrail.tiktok")
OVERLAP = timedelta(minutes=1)
FIRST_SYNC = timedelta(days=90)
"""How far back the first sync of a shop reads (TikTok's order search keeps far more; 90 days covers
every order that can still ship, be delivered or be disputed)."""


@dataclass
class SyncReport(UpsertReport):
    pages: int = 0
    orders_seen: int = 0
    token_refreshes: int = 0
    warnings: list[dict[str, str]] = field(default_factory=list)
    synced_through: datetime | None = None
    complete: bool = False

    def to_dict(self) -> dict:
        return {**super().to_dict(), "warnings": self.warnings, "pages": self.pages, "orders_seen": self.orders_seen,
                "token_refreshes": self.token_refreshes, "complete": self.complete,
                "synced_through": self.synced_through.isoformat() if self.synced_through else None}


def apply_orders(uow: UnitOfWork, shop_id: str, raw_orders: Sequence[dict], source: str,
                 report: UpsertReport, warnings: list[dict[str, str]] | None = None) -> None:
    """Parse TikTok order objects and upsert them; an unreadable order is reported, the rest go in."""
    parsed, doubts = [], {}
    for raw in raw_orders:
        try:
            order, mismatches = parse_order(shop_id, raw)
        except ValueError as error:
            report.errors.append({"order_id": str(raw.get("id", "")), "reason": str(error)})
            continue
        parsed.append(order)
        doubts |= {(m.order_id, m.package_id): m.reason for m in mismatches}
        if warnings is not None:
            warnings += [{"order_id": m.order_id, "package_id": m.package_id or "", "code": "carrier_mismatch",
                          "tracking_number": m.tracking_number, "reason": m.reason} for m in mismatches]
    if parsed:
        report.add(upsert_orders(uow, shop_id, parsed, source))
        _carrier_doubts(uow, shop_id, parsed, doubts)


def _carrier_doubts(uow: UnitOfWork, shop_id: str, orders: Sequence[Order], doubts: dict) -> None:
    """A parcel whose number's format names one carrier while TikTok's shipping provider names another is
    tracked with TikTok's carrier (as TikTok will judge it) and carries a ``carrier_mismatch`` warning, which
    the API, the CLI and the dashboard show. A doubt belongs to that (number, carrier) package for good: once
    the seller corrects the provider, the order's parcel is tracked as a new package, without it."""
    if not doubts:
        return
    now = utcnow()
    with uow:
        for order in orders:
            stored = uow.orders.get(shop_id, order.external_id)
            for external, package_id in (stored.package_ids.items() if stored else ()):
                reason = doubts.get((order.external_id, external))
                if package_id and reason:
                    uow.warnings.put(package_id, [PackageWarning("carrier_mismatch", reason)], now)
        uow.commit()


def fetch_details(session: ShopSession, order_ids: Sequence[str]) -> list[dict]:
    out: list[dict] = []
    ids = list(dict.fromkeys(order_ids))
    for start in range(0, len(ids), MAX_DETAIL_IDS):
        chunk = ids[start:start + MAX_DETAIL_IDS]
        out += session.run(lambda token, cipher, chunk=chunk: session.client.order_details(token, cipher, chunk))
    return out


def sync_shop(uow: UnitOfWork, app: TikTokApp, client: TikTokShopClient, shop_id: str,
              since: datetime | None = None, progress: Callable[[SyncReport], None] | None = None) -> SyncReport:
    """Pull every order updated since the last sync (or ``since``) into the store; see the module docstring."""
    report = SyncReport()
    session = ShopSession(uow, app, client, shop_id)
    connection = session.connection
    start = real_now()
    if since is None:
        since = connection.synced_through - OVERLAP if connection.synced_through else start - FIRST_SYNC
    window = (int(since.timestamp()), int(start.timestamp()))
    page_token: str | None = None
    try:
        while True:
            page = session.run(lambda token, cipher, pt=page_token: client.search_orders(
                token, cipher, window[0], window[1], pt))
            report.pages += 1
            ids = [str(o["id"]) for o in page.orders if o.get("id")]
            report.orders_seen += len(ids)
            if ids:
                apply_orders(uow, shop_id, fetch_details(session, ids), "sync", report, report.warnings)
            if progress is not None:
                progress(report)
            if not page.next_page_token:
                break
            page_token = page.next_page_token
    except TikTokShopError as error:
        report.errors.append({"code": str(error.code), "request_id": error.request_id,
                              "reason": f"{type(error).__name__}: {error.message}"})
        _finish(uow, shop_id, None, f"{type(error).__name__} (code {error.code}): {error.message}")
        log.warning("TikTok sync of %s stopped after %d pages: %s", shop_id, report.pages, error)
        report.token_refreshes = session.refreshes
        return report
    report.complete = True
    report.synced_through = start
    report.token_refreshes = session.refreshes
    _finish(uow, shop_id, start, None)
    return report


def _finish(uow: UnitOfWork, shop_id: str, through: datetime | None, error: str | None) -> None:
    values: dict = {"last_sync_at": utcnow(), "last_sync_error": error}
    if through is not None:
        values["synced_through"] = through
    with uow:
        uow.tiktok.update(shop_id, **values)
        uow.commit()


def sync_all(uow: UnitOfWork, app: TikTokApp, client: TikTokShopClient) -> dict[str, SyncReport]:
    """One sync of every connected shop (the worker's reconciliation); one shop's failure stops no other."""
    with uow.read():
        shops = [c.shop_id for c in uow.tiktok.connected()]
    reports = {}
    for shop_id in shops:
        try:
            reports[shop_id] = sync_shop(uow, app, client, shop_id)
        except (TikTokShopError, TikTokNotSetUp) as error:
            log.warning("TikTok sync of %s could not start: %s", shop_id, error)
    return reports
