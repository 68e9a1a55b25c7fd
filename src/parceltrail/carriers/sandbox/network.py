"""The sandbox network as a running carrier: it mints numbers on a clock and answers for them.

Minting is the only stateful part (which numbers were shipped here, so the pusher knows what to
push, and which were fetched when, so tests can check the poller); tracking any number is the pure
``tracking_body``. The clock is the service layer's ``Clock``: give it an ``AcceleratedClock`` and
parcels move as fast as the demo needs.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import IntEnum
from typing import Any, Protocol, TypeVar

from parceltrail.carriers.sandbox.body import tracking_body
from parceltrail.carriers.sandbox.geography import place_of, zip_pool
from parceltrail.carriers.sandbox.journey import Journey, journey
from parceltrail.carriers.sandbox.lines import line_of
from parceltrail.carriers.sandbox.numbering import LABEL_SEED_MAX, Scenario, Service, encode, encode_label, random_seed

EXCEPTIONS = tuple(s for s in Scenario if s is not Scenario.NORMAL)
SERVICE_MIX = {Service.GROUND: 0.60, Service.ECONOMY: 0.25, Service.EXPRESS: 0.15}
"""How a seller's parcels split over services when ``ship`` is not told (ground first, as on TikTok Shop)."""


E = TypeVar("E", bound=IntEnum)


class Clock(Protocol):
    def now(self) -> datetime: ...


def _member(kind: type[E], value: E | str | int, what: str) -> E:
    """An enum member from itself, its name in any case ('weather_delay') or its digit."""
    if isinstance(value, str) and not value.isdigit():
        try:
            return kind[value.strip().upper()]
        except KeyError:
            names = ", ".join(m.name.lower() for m in kind)
            raise ValueError(f"unknown sandbox {what} {value!r}; expected one of: {names}") from None
    return kind(int(value))


def scenario_of(value: Scenario | str | int) -> Scenario:
    return _member(Scenario, value, "scenario")


def service_of(value: Service | str | int) -> Service:
    return _member(Service, value, "service")


def mint_label(carrier: str, service: Service | str, origin_zip: str, destination_zip: str, at: datetime,
               rng: random.Random, scenario: Scenario | str | None = None) -> str:
    """A label number of one of the network's carriers for a parcel from ``origin_zip`` to ``destination_zip``.

    What happens on the way is drawn from that carrier's exception mix unless ``scenario`` says.
    ``ValueError`` names a carrier, service or ZIP the network does not serve."""
    try:
        line = line_of(carrier)
        origin, destination = place_of(origin_zip[:5]), place_of(destination_zip[:5])
    except KeyError as error:
        raise ValueError(error.args[0]) from None
    chosen = service_of(service)
    if chosen not in line.services:
        names = ", ".join(s.name.lower() for s in line.services)
        raise ValueError(f"{line.name} has no {chosen.name.lower()} service; it offers {names}")
    if scenario is not None:
        drawn = scenario_of(scenario)
    else:
        draw, drawn = rng.random(), Scenario.NORMAL
        for kind, share in line.scenarios.items():
            if draw < share:
                drawn = kind
                break
            draw -= share
    return encode_label(at, chosen, drawn, line.digit, origin.postal_code, destination.postal_code,
                        rng.randint(0, LABEL_SEED_MAX))


class SandboxNetwork:
    """A simulated carrier: ``ship()`` mints a number at ``clock.now()``; ``tracking()`` answers any number.

    ``exception_share`` of the parcels shipped without a named scenario get an exception scenario,
    drawn by ``scenario_weights`` (name or ``Scenario`` -> weight; every exception kind alike by default).
    """

    def __init__(
        self,
        clock: Clock,
        seed: int | None = None,
        exception_share: float = 0.25,
        scenario_weights: Mapping[Scenario | str, float] | None = None,
        rng: random.Random | None = None,
        *,
        fetch_log_limit: int = 200_000,
    ) -> None:
        if not 0.0 <= exception_share <= 1.0:
            raise ValueError(f"exception_share must be between 0 and 1, not {exception_share}")
        weights = {s: 1.0 for s in EXCEPTIONS}
        if scenario_weights is not None:
            weights = {s: 0.0 for s in EXCEPTIONS}
            for key, weight in scenario_weights.items():
                scenario = scenario_of(key)
                if scenario is Scenario.NORMAL:
                    raise ValueError(
                        "scenario_weights are for exception scenarios; set exception_share for the rest"
                    )
                if weight < 0:
                    raise ValueError(f"weight of {scenario.name.lower()} is negative")
                weights[scenario] = float(weight)
            if exception_share > 0 and not any(weights.values()):
                raise ValueError("scenario_weights give every exception scenario weight 0")
        self.clock = clock
        self.exception_share = exception_share
        self.scenario_weights = weights
        self.rng = rng or random.Random(seed)
        self.fetch_log: list[tuple[str, datetime, float]] = []
        """(number, clock time, real monotonic time) for every number of every answered tracking request.

        Only the newest ``fetch_log_limit`` entries are kept, so a demo left running does not grow forever.
        """
        self.fetch_log_limit = fetch_log_limit
        self._shipments: dict[str, None] = {}
        self._lock = threading.Lock()
        zip_pool()  # load the ZIP table now rather than on the first request

    def now(self) -> datetime:
        return self.clock.now()

    def draw_scenario(self) -> Scenario:
        if self.rng.random() >= self.exception_share:
            return Scenario.NORMAL
        kinds = [s for s in EXCEPTIONS if self.scenario_weights[s] > 0]
        return self.rng.choices(kinds, weights=[self.scenario_weights[s] for s in kinds])[0]

    def ship(self, service: Service | str | None = None, scenario: Scenario | str | None = None) -> str:
        """Make a label now: a new number whose journey starts at ``clock.now()``; remembered for pushing."""
        with self._lock:
            chosen_service = (
                service_of(service)
                if service is not None
                else self.rng.choices(list(SERVICE_MIX), weights=list(SERVICE_MIX.values()))[0]
            )
            chosen_scenario = scenario_of(scenario) if scenario is not None else self.draw_scenario()
            shipped_at = self.clock.now()
            while True:
                number = encode(shipped_at, chosen_service, chosen_scenario, random_seed(self.rng))
                if number not in self._shipments:
                    break
            self._shipments[number] = None
            return number

    def ship_label(self, carrier: str, service: Service | str, origin_zip: str, destination_zip: str,
                   scenario: Scenario | str | None = None) -> str:
        """Buy a label now from one of the network's carriers (``lines``); remembered for pushing."""
        with self._lock:
            while True:
                number = mint_label(carrier, service, origin_zip, destination_zip, self.clock.now(), self.rng, scenario)
                if number not in self._shipments:
                    break
            self._shipments[number] = None
            return number

    def remember(self, numbers: Iterable[str]) -> None:
        """Push for numbers minted elsewhere too (e.g. read back from the database after a restart)."""
        with self._lock:
            for number in numbers:
                self._shipments.setdefault(journey(number).number, None)

    @property
    def shipments(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._shipments)

    def journey(self, number: str) -> Journey:
        return journey(number)

    def tracking(self, number: str, now: datetime | None = None) -> dict[str, Any]:
        """The tracking API's body for one number as of ``now`` (default: the network's clock)."""
        return tracking_body(number, self.clock.now() if now is None else now)

    def record_fetch(self, numbers: Iterable[str]) -> datetime:
        """Log one answered request for ``numbers``; returns the clock time it was answered at."""
        at, real = self.clock.now(), time.monotonic()
        with self._lock:
            self.fetch_log.extend((n, at, real) for n in numbers)
            overflow = len(self.fetch_log) - self.fetch_log_limit
            if overflow > 0:
                del self.fetch_log[: max(overflow, self.fetch_log_limit // 10)]
        return at
