"""A package's events a page at a time, newest first (issue 25 item 8).

A parcel has a dozen scans, but a stuck feed or a misbehaving integration can post thousands; reading
them all on every request answered a 30,000-event package with 6 MB in 2 s. Pages are keyset pages on
(occurred_at, id), so every page costs the same; the cursor is that position, base64-encoded.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from parceltrail.core import TrackingEvent
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.store import UnitOfWork

DETAIL_EVENTS = 100
"""How many of the newest events ``GET /v1/packages/{id}`` embeds; the rest are a page away."""


@dataclass(frozen=True, slots=True)
class EventPage:
    items: list[TrackingEvent]
    """Newest first."""
    next_cursor: str | None
    """Where the next (older) page starts; None on the last page."""


def encode_cursor(position: tuple[datetime, int]) -> str:
    at, row_id = position
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, row_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        position = datetime.fromisoformat(at), int(row_id)
        if position[0].tzinfo is None:
            raise ValueError("no offset")
        return position
    except ValueError:  # bad base64, non-ASCII, not UTF-8, wrong shape: all the caller's to fix
        raise InvalidInput("cursor is not valid", [FieldError("cursor", "pass the next_cursor of a previous page")]) \
            from None


def read_page(uow: UnitOfWork, package_id: str, cursor: str | None, limit: int) -> EventPage:
    """Inside an open unit of work: the page of ``package_id``'s events after ``cursor``."""
    rows = uow.events.newest_first(package_id, decode_cursor(cursor) if cursor else None, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage([event for _, event in rows], encode_cursor(rows[-1][0]) if more and rows else None)


def list_events(uow: UnitOfWork, shop_id: str, package_id: str, cursor: str | None = None,
                limit: int = DETAIL_EVENTS) -> EventPage:
    """A page of the shop's package's events, newest first; another shop's package is not found."""
    with uow.read():
        if uow.packages.get(shop_id, package_id) is None:
            raise NotFound("package", package_id)
        return read_page(uow, package_id, cursor, limit)
