"""How a timeline line in the terminal says a scan is not quite what it seems: its zone inferred, its
code in no table, the seller must act. One wording for ``track`` and ``carriers parse``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parceltrail.core import TrackingEvent

INFERRED_NOTE = "~ the carrier gave no time zone: placed by the scan's place, its neighbours or the route"


def time_mark(event: TrackingEvent) -> str:
    return "" if event.time_basis == "exact" else " ~"


def status_marks(event: TrackingEvent) -> str:
    return (" (unknown code)" if event.unknown_code else "") + (" (seller acts)" if event.seller_action else "")


def any_inferred(events: Iterable[TrackingEvent]) -> bool:
    return any(e.time_basis != "exact" for e in events)
