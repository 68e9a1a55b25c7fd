"""Deterministic chance and the carrier's calendar: what makes a journey realistic yet reproducible.

``Dice`` turns a key (the number's digits) and a label ("pickup hour") into a value by hashing, not
by ``random.Random``: a hash gives the same draw on every Python version and lets each decision be
drawn independently, so adding a decision later does not move every other scan.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from functools import cache

from parceltrail.carriers.sandbox.geography import Place

# Days the sandbox carrier's network stands still (the holidays US parcel carriers close on).
CLOSED_ON = frozenset(
    {
        "New Year's Day",
        "Memorial Day",
        "Independence Day",
        "Labor Day",
        "Thanksgiving",
        "Thanksgiving Day",
        "Christmas Day",
    }
)


class Dice:
    """Uniform draws in [0, 1) named by label; ``typical=True`` answers 0.5 and 'no' to every chance.

    The typical dice give the timeline a service standard promises (the carrier's own estimate).
    """

    __slots__ = ("key", "typical")

    def __init__(self, key: str, typical: bool = False) -> None:
        self.key = key
        self.typical = typical

    def draw(self, label: str) -> float:
        if self.typical:
            return 0.5
        digest = hashlib.blake2b(f"{self.key}|{label}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2.0**64

    def uniform(self, label: str, low: float, high: float) -> float:
        return low + (high - low) * self.draw(label)

    def chance(self, label: str, p: float) -> bool:
        return not self.typical and self.draw(label) < p

    def index(self, label: str, n: int) -> int:
        """An index in range(n), drawn even with typical dice (it is a choice, not a variation)."""
        digest = hashlib.blake2b(f"{self.key}|{label}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % n


@cache
def closed_days(year: int) -> frozenset[date]:
    import holidays

    found = holidays.country_holidays("US", years=year)
    return frozenset(day for day, name in found.items() if name.removesuffix(" (observed)") in CLOSED_ON)


def is_delivery_day(day: date) -> bool:
    """Monday to Saturday, holidays excepted: no service delivers on Sundays."""
    return day.weekday() < 6 and day not in closed_days(day.year)


def is_business_day(day: date) -> bool:
    """Monday to Friday, holidays excepted: pickups, address desks and claims work these days."""
    return day.weekday() < 5 and day not in closed_days(day.year)


def next_day(day: date, open_on=is_delivery_day) -> date:
    """The first day strictly after ``day`` that ``open_on`` accepts."""
    day += timedelta(days=1)
    while not open_on(day):
        day += timedelta(days=1)
    return day


def first_day(day: date, open_on=is_delivery_day) -> date:
    """``day`` itself when ``open_on`` accepts it, else the next one that does."""
    return day if open_on(day) else next_day(day, open_on)


def local_day(moment: datetime, where: Place) -> date:
    return moment.astimezone(where.zone).date()


def local_hour(moment: datetime, where: Place) -> float:
    local = moment.astimezone(where.zone)
    return local.hour + local.minute / 60


def at_local(day: date, hours: float, where: Place) -> datetime:
    """``hours`` after local midnight of ``day`` at ``where``, as a UTC time rounded to the minute."""
    local = datetime(day.year, day.month, day.day, tzinfo=where.zone) + timedelta(minutes=round(hours * 60))
    return local.astimezone(UTC)


def on_or_after(earliest: datetime, hours: float, where: Place, open_on=is_delivery_day) -> datetime:
    """The first ``hours``-o'clock local time on an open day that is not before ``earliest``."""
    day = first_day(local_day(earliest, where), open_on)
    moment = at_local(day, hours, where)
    while moment < earliest:
        day = next_day(day, open_on)
        moment = at_local(day, hours, where)
    return moment


def minute(moment: datetime) -> datetime:
    """Scans are stamped to the minute, as carriers show them."""
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1 if moment.second >= 30 else 0)
