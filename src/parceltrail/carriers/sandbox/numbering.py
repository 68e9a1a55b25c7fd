"""Sandbox tracking numbers carry their own journey: ship minute, service, scenario and a seed.

``PT`` + 16 digits + a check digit (the ``sandbox`` format of ``parceltrail.numbers``: mod 10,
weights 3,1 from the right). The 16 digits are ``MMMMMMM S C NNNNNNN``: the minute the label was made
(counted from 2020-01-01T00:00Z, so good until 2039), the service, the scenario and a seed. Because
everything a journey depends on is in the number, any process can track any sandbox number with no
shared state, before and after restarts.
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


class NotASandboxNumber(ValueError):
    """The text is not a sandbox number: wrong shape, wrong check digit, or fields out of range."""


@dataclass(frozen=True, slots=True)
class SandboxNumber:
    """The decoded fields of a sandbox tracking number."""

    shipped_at: datetime
    service: Service
    scenario: Scenario
    seed: int

    def serial(self) -> str:
        minutes = int((self.shipped_at - EPOCH).total_seconds() // 60)
        return f"{minutes:07d}{int(self.service)}{int(self.scenario)}{self.seed:07d}"

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


def decode(text: str) -> SandboxNumber:
    """The fields of a sandbox number; ``NotASandboxNumber`` says what is wrong with anything else."""
    number = normalize(text)
    digits = number[len(PREFIX) :]
    if len(number) != LENGTH or not number.startswith(PREFIX) or not digits.isdigit():
        raise NotASandboxNumber(f"{text!r} is not a sandbox number (PT followed by 17 digits)")
    serial, check = digits[:16], digits[16]
    if check_digit(serial) != check:
        raise NotASandboxNumber(f"{text!r} fails the sandbox check digit")
    minutes, service, scenario, seed = int(serial[:7]), int(serial[7]), int(serial[8]), int(serial[9:])
    if service not in Service._value2member_map_:
        raise NotASandboxNumber(f"{text!r} names no sandbox service (digit {service})")
    if scenario not in Scenario._value2member_map_:
        raise NotASandboxNumber(f"{text!r} names no sandbox scenario (digit {scenario})")
    return SandboxNumber(EPOCH + timedelta(minutes=minutes), Service(service), Scenario(scenario), seed)


def random_seed(rng: random.Random) -> int:
    return rng.randint(0, SEED_MAX)
