"""Business-day calendars of the destination: weekends and public holidays via ``holidays``.

Targets are counted in business days of the destination calendar because carriers do not move
parcels on Sundays and holidays; a date built from a business-day count is therefore never a
Sunday or a holiday. Saturdays are working days only for services that deliver on them (USPS,
FedEx Home Delivery: ``eta.prior.delivers_saturday``), so a date for any other service is never a
Saturday either. Calendars are cached per (country, region, cut-off, Saturday): building one costs ~1 ms a year.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

DEFAULT_CUTOFF_HOUR = 14  # orders placed after this local hour start their clock on the next business day


@dataclass(eq=False)
class DeliveryCalendar:
    """Working days (Mon-Fri, or Mon-Sat with ``saturday``, minus public holidays) of one country or region."""

    country: str
    region: str | None = None
    cutoff_hour: int = DEFAULT_CUTOFF_HOUR
    saturday: bool = False
    _first_year: int = field(default=0, init=False)
    _last_year: int = field(default=-1, init=False)
    _ordinals: list[int] = field(default_factory=list, init=False)
    _working: frozenset[int] = field(default=frozenset(), init=False)
    _memo: dict[tuple[str, int, int], object] = field(default_factory=dict, init=False)

    def _cover(self, day: date) -> None:
        """Extend the precomputed working days so that ``day`` and the next year are covered."""
        if self._first_year <= day.year - 1 and day.year + 1 <= self._last_year:
            return
        first = min(day.year - 1, self._first_year) if self._ordinals else day.year - 1
        last = max(day.year + 1, self._last_year)
        years = range(first, last + 1)
        closed = _public_holidays(self.country, self.region, first, last)
        start, end = date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal()
        self._ordinals = [
            o for o in range(start, end + 1) if date.fromordinal(o).weekday() < self._week and o not in closed
        ]
        self._working = frozenset(self._ordinals)
        self._first_year, self._last_year = years[0], years[-1]

    @property
    def _week(self) -> int:
        """Working weekdays are those numbered below this (Monday 0)."""
        return 6 if self.saturday else 5

    def is_business_day(self, day: date) -> bool:
        self._cover(day)
        return day.toordinal() in self._working

    def business_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        self._cover(start)
        self._cover(end)
        return bisect_right(self._ordinals, end.toordinal()) - bisect_right(self._ordinals, start.toordinal())

    def add_business_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start``; ``start`` itself (moved to a working day) for 0."""
        self._cover(start)
        self._cover(start + timedelta(days=2 * max(days, 0) + 30))
        i = bisect_right(self._ordinals, start.toordinal())
        if days <= 0:
            if self.is_business_day(start):
                return start
            return date.fromordinal(self._ordinals[i])
        return date.fromordinal(self._ordinals[i + days - 1])

    def clock_start(self, moment: datetime) -> date:
        """The working day a carrier's or seller's clock starts on for something that happened at ``moment``."""
        day = moment.date()
        key = ("start", day.toordinal(), int(moment.hour < self.cutoff_hour))
        if key not in self._memo:
            same_day = self.is_business_day(day) and moment.hour < self.cutoff_hour
            self._memo[key] = day if same_day else self.add_business_days(day, 1)
        return self._memo[key]  # type: ignore[return-value]

    def holidays_within(self, start: date, calendar_days: int) -> int:
        """Weekday holidays in the next ``calendar_days`` days: they stretch a delivery that spans them."""
        key = ("holidays", start.toordinal(), calendar_days)
        if key not in self._memo:
            end = start + timedelta(days=calendar_days)
            weekdays = sum(1 for k in range(1, calendar_days + 1) if (start + timedelta(days=k)).weekday() < self._week)
            self._memo[key] = weekdays - self.business_days_between(start, end)
        return self._memo[key]  # type: ignore[return-value]


@lru_cache(maxsize=64)
def _public_holidays(country: str, region: str | None, first: int, last: int) -> frozenset[int]:
    supported = holidays.list_supported_countries()
    if country not in supported:
        return frozenset()
    subdiv = region if region in supported[country] else None
    table = holidays.country_holidays(country, subdiv=subdiv, years=range(first, last + 1))
    return frozenset(d.toordinal() for d in table)


@lru_cache(maxsize=512)
def calendar_for(
    country: str, region: str | None, cutoff_hour: int = DEFAULT_CUTOFF_HOUR, saturday: bool = False
) -> DeliveryCalendar:
    """The shared calendar of a destination; one instance per (country, region, cut-off, Saturday)."""
    return DeliveryCalendar(country, region, cutoff_hour, saturday)
