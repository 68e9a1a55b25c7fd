"""Sandbox tracking numbers carry their own journey: ship minute, service, scenario and a seed.

``PT`` + 16 digits + a check digit (the ``sandbox`` format of ``parceltrail.numbers``: mod 10,
weights 3,1 from the right). The 16 digits are ``MMMMMMM S C NNNNNNN``: the minute the label was made
(counted from 2020-01-01T00:00Z, so good until 2039), the service, the scenario and a seed. Because
everything a journey depends on is in the number, any process can track any sandbox number with no
shared state, before and after restarts.

A label bought for a real address needs the parcel to go there, so label numbers are longer:
``PT`` + 25 digits + the check digit (format ``sandbox_label``), ``MMMMMMM S C L OOOOO DDDDD NNNNN``:
minute, service, scenario, the simulated carrier (``lines.LINES``), origin and destination ZIP, seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from functools import cache

from parceltrail.numbers import catalogue, normalize

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
PREFIX = "PT"
MINUTES_MAX = 9_999_999
SEED_MAX = 9_999_999
LENGTH = len(PREFIX) + 17
LABEL_LENGTH = len(PREFIX) + 26
LABEL_SEED_MAX = 99_999


class Service(IntEnum):
    """The sandbox carrier's services: how fast the parcel moves and how it is handed over."""

    GROUND = 0
    EXPRESS = 1
    ECONOMY = 2


class Scenario(IntEnum):
    """What happens to the parcel on the way; ``NORMAL`` is the only one without an exception."""

    NORMAL = 0
    ADDRESS_ISSUE = 1
    WEATHER_DELAY = 2
    FAILED_ATTEMPT_THEN_SUCCESS = 3
    LOST = 4
    RETURN_TO_SENDER = 5
    STALE = 6
    DAMAGED = 7
    """Damaged in handling, repacked and delivered a day late."""


class NotASandboxNumber(ValueError):
    """The text is not a sandbox number: wrong shape, wrong check digit, or fields out of range."""


@dataclass(frozen=True, slots=True)
class SandboxNumber:
    """The decoded fields of a sandbox tracking number."""

    shipped_at: datetime
    service: Service
    scenario: Scenario
    seed: int
    line: int = 0
    """The simulated carrier (0: the sandbox carrier itself); only label numbers name another."""
    origin_zip: str | None = None
    destination_zip: str | None = None

    @property
    def labelled(self) -> bool:
        return self.origin_zip is not None

    def serial(self) -> str:
        minutes = int((self.shipped_at - EPOCH).total_seconds() // 60)
        head = f"{minutes:07d}{int(self.service)}{int(self.scenario)}"
        if self.labelled:
            return f"{head}{self.line}{self.origin_zip}{self.destination_zip}{self.seed:05d}"
        return f"{head}{self.seed:07d}"

    def text(self) -> str:
        serial = self.serial()
        return f"{PREFIX}{serial}{check_digit(serial)}"


@cache
def _checksum():
    return catalogue().format("sandbox", "sandbox").checksum


def check_digit(serial: str) -> str:
    """The check digit the ``sandbox`` number format expects after these 16 digits."""
    return _checksum().expected(serial)


def encode(shipped_at: datetime, service: Service | int, scenario: Scenario | int, seed: int) -> str:
    """The number for a label made at ``shipped_at`` (kept to the minute, which the number can hold)."""
    if shipped_at.tzinfo is None:
        raise ValueError("shipped_at needs a UTC offset")
    minutes = int((shipped_at - EPOCH).total_seconds() // 60)
    if not 0 <= minutes <= MINUTES_MAX:
        raise ValueError(f"shipped_at {shipped_at.isoformat()} is outside 2020-01-01 .. 2039 (sandbox range)")
    if not 0 <= seed <= SEED_MAX:
        raise ValueError(f"seed {seed} is outside 0..{SEED_MAX}")
    return SandboxNumber(
        EPOCH + timedelta(minutes=minutes), Service(service), Scenario(scenario), seed
    ).text()


def encode_label(shipped_at: datetime, service: Service | int, scenario: Scenario | int, line: int,
                 origin_zip: str, destination_zip: str, seed: int) -> str:
    """A label number: the parcel goes from ``origin_zip`` to ``destination_zip`` with carrier ``line``."""
    if shipped_at.tzinfo is None:
        raise ValueError("shipped_at needs a UTC offset")
    minutes = int((shipped_at - EPOCH).total_seconds() // 60)
    if not 0 <= minutes <= MINUTES_MAX:
        raise ValueError(f"shipped_at {shipped_at.isoformat()} is outside 2020-01-01 .. 2039 (sandbox range)")
    for name, zip_code in (("origin", origin_zip), ("destination", destination_zip)):
        if len(zip_code) != 5 or not zip_code.isdigit():
            raise ValueError(f"{name} ZIP {zip_code!r} is not five digits")
    if not 0 <= line <= 9 or not 0 <= seed <= LABEL_SEED_MAX:
        raise ValueError("line must be 0..9 and seed 0..99999")
    return SandboxNumber(EPOCH + timedelta(minutes=minutes), Service(service), Scenario(scenario), seed, line,
                         origin_zip, destination_zip).text()


def decode(text: str) -> SandboxNumber:
    """The fields of a sandbox number; ``NotASandboxNumber`` says what is wrong with anything else."""
    number = normalize(text)
    digits = number[len(PREFIX) :]
    if len(number) not in (LENGTH, LABEL_LENGTH) or not number.startswith(PREFIX) or not digits.isdigit():
        raise NotASandboxNumber(f"{text!r} is not a sandbox number (PT followed by 17 digits, or 26 for a label)")
    serial, check = digits[:-1], digits[-1]
    if check_digit(serial) != check:
        raise NotASandboxNumber(f"{text!r} fails the sandbox check digit")
    minutes, service, scenario = int(serial[:7]), int(serial[7]), int(serial[8])
    line, origin, destination = 0, None, None
    if len(number) == LABEL_LENGTH:
        line, origin, destination, seed = int(serial[9]), serial[10:15], serial[15:20], int(serial[20:])
    else:
        seed = int(serial[9:])
    if service not in Service._value2member_map_:
        raise NotASandboxNumber(f"{text!r} names no sandbox service (digit {service})")
    if scenario not in Scenario._value2member_map_:
        raise NotASandboxNumber(f"{text!r} names no sandbox scenario (digit {scenario})")
    return SandboxNumber(EPOCH + timedelta(minutes=minutes), Service(service), Scenario(scenario), seed, line,
                         origin, destination)


def random_seed(rng: random.Random) -> int:
    return rng.randint(0, SEED_MAX)
