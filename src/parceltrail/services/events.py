"""A package's events a page at a time, newest first (issue 25 item 8).

A parcel has a dozen scans, but a stuck feed or a misbehaving integration can post thousands; reading
them all on every request answered a 30,000-event package with 6 MB in 2 s. Pages are keyset pages on
(occurred_at, id), so every page costs the same; the cursor is that position (``services.cursors``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parceltrail.core import TrackingEvent
from parceltrail.services import cursors
from parceltrail.services.errors import NotFound
from parceltrail.store import UnitOfWork

DETAIL_EVENTS = 100
"""How many of the newest events ``GET /v1/packages/{id}`` embeds; the rest are a page away."""


@dataclass(frozen=True, slots=True)
class EventPage:
    items: list[TrackingEvent]
    """Newest first."""
    next_cursor: str | None
    """Where the next (older) page starts; None on the last page."""
    future_from: datetime | None = None
    """The package's earliest scan held back as dated in the future (``core.fold``): it and later ones do
    not count yet."""


def encode_cursor(position: tuple[datetime, int]) -> str:
    at, row_id = position
    return cursors.encode(at.isoformat(), str(row_id))


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (occurred_at, id) position a cursor carries; one clear 422 naming ``cursor`` for anything else."""
    at, row_id = cursors.decode(cursor, 2)
    try:
        position = datetime.fromisoformat(at), int(row_id)
    except ValueError:
        raise cursors.invalid() from None
    if position[0].tzinfo is None:
        raise cursors.invalid()
    return position


def read_page(uow: UnitOfWork, package_id: str, before: tuple[datetime, int] | None, limit: int) -> EventPage:
    """Inside an open unit of work: the page of ``package_id``'s events older than ``before`` (a decoded
    cursor; None for the newest)."""
    rows = uow.events.newest_first(package_id, before, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage([event for _, event in rows], encode_cursor(rows[-1][0]) if more and rows else None)


def list_events(uow: UnitOfWork, shop_id: str, package_id: str, cursor: str | None = None,
                limit: int = DETAIL_EVENTS) -> EventPage:
    """A page of the shop's package's events, newest first; another shop's package is not found."""
    before = decode_cursor(cursor) if cursor else None  # a bad cursor is the caller's to fix, package or not
    with uow.read():
        package = uow.packages.get(shop_id, package_id)
        if package is None:
            raise NotFound("package", package_id)
        page = read_page(uow, package_id, before, limit)
    return EventPage(page.items, page.next_cursor, package.state.future_from)
