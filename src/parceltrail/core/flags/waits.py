"""The longest wait between scans, per phase, of a delivered parcel: what the stale norms learn from."""

from __future__ import annotations

from collections.abc import Iterable

from parceltrail.core.flags.model import Calendars, Locate, Shipment, nowhere
from parceltrail.core.flags.norms import Phase
from parceltrail.core.flags.timeline import Timeline
from parceltrail.core.flags.worktime import working_hours
from parceltrail.core.model import TrackingEvent


def waits_of(shipment: Shipment, events: Iterable[TrackingEvent], calendars: Calendars,
             locate: Locate = nowhere) -> list[tuple[Phase, str | None, str | None, float]]:
    """(phase, carrier, lane, working hours): the parcel's longest wait from a scan to the next, per phase."""
    timeline = Timeline.of(shipment, events, locate)
    longest: dict[Phase, float] = {}
    for item, following in zip(timeline.scans, timeline.scans[1:], strict=False):
        phase = timeline.phase(item)
        if phase is None:
            continue
        hours = working_hours(item.event.occurred_at, following.event.occurred_at, calendars.carrier, calendars.zone)
        longest[phase] = max(hours, longest.get(phase, 0.0))
    return [(phase, shipment.carrier, shipment.lane, hours) for phase, hours in longest.items()]
