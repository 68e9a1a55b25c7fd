"""The service layer's clock: real by default, accelerated for the demo and tests, and per shop.

Everything that asks "what time is it" for tracking (registration, ingest, polling schedules, expiry,
estimates, the sandbox carrier network) asks here, so an accelerated clock speeds all of it up alike.
A clock can be set for one shop (``set_clock(clock, shop_id)``): the demo's accelerated clock belongs to
the demo shop alone, so real shops served beside it keep real time (issue 17 item 12). Callers that act
for a shop ask ``utcnow(shop_id)``; the rest (keys, the push inbox's own times) ask the process clock.
The accelerated clock replays recent time: it starts ``lag`` in the past and runs ``speed`` times
faster until it catches up with the wall clock, then runs in real time. Its times are therefore never
in the future, and a demo database stays usable afterwards.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class AcceleratedClock:
    """Simulated time: ``start + (elapsed real time) x speed``, never ahead of the wall clock."""

    def __init__(self, speed: float, lag: timedelta, real_start: float | None = None) -> None:
        if speed < 1:
            raise ValueError("an accelerated clock needs speed >= 1")
        self.speed = speed
        self._real_start = time.time() if real_start is None else real_start
        self._sim_start = datetime.fromtimestamp(self._real_start, UTC) - lag

    def now(self) -> datetime:
        real = time.time()
        simulated = self._sim_start + timedelta(seconds=(real - self._real_start) * self.speed)
        return min(simulated, datetime.fromtimestamp(real, UTC))

    def real_seconds(self, simulated: timedelta) -> float:
        """How long ``simulated`` takes on this clock in real seconds (while it is still catching up)."""
        return simulated.total_seconds() / self.speed


class ManualClock:
    """Time that moves only when told to: for tests and benchmarks that step through days of tracking."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock's start must carry a UTC offset")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, by: timedelta) -> datetime:
        with self._lock:
            self._now += by
            return self._now


_clock: Clock = WallClock()
_shop_clocks: dict[str, Clock] = {}


def set_clock(clock: Clock, shop_id: str | None = None) -> None:
    """The process clock, or with ``shop_id`` that shop's own clock."""
    global _clock
    if shop_id is None:
        _clock = clock
    else:
        _shop_clocks[shop_id] = clock


def clear_shop_clocks() -> None:
    _shop_clocks.clear()


def get_clock(shop_id: str | None = None) -> Clock:
    return _shop_clocks.get(shop_id, _clock) if shop_id is not None else _clock


def shop_clocks() -> dict[str, Clock]:
    """The shops that keep their own time (the demo shop), by id."""
    return dict(_shop_clocks)


def utcnow(shop_id: str | None = None) -> datetime:
    """Now, for this shop when one is named (its own clock if it has one), else for the process."""
    return get_clock(shop_id).now()
