"""Helpers for the carrier parser tests: fixture bodies and a compact view of a parsed timeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from parceltrail.carriers import CarrierTracking

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers"
OWN = ("ups", "fedex", "usps", "dhl", "tiktok")
"""The carriers of issue 5, each with the ten fixture scenarios (other registry entries may differ)."""
SCENARIOS = (
    "delivered",
    "out_for_delivery",
    "exception",
    "failed_attempt",
    "return_to_sender",
    "pickup_point",
    "customs",
    "pre_transit",
    "not_found",
    "multi_piece",
)


def body(carrier: str, scenario: str) -> bytes:
    return (FIXTURES / carrier / f"{scenario}.json").read_bytes()


def timeline(result: CarrierTracking) -> list[tuple[str, str, str, str | None, str | None]]:
    """(UTC time, status, substatus, carrier code, city) per event, oldest first."""
    return [
        (e.occurred_at.isoformat(), str(e.status), str(e.substatus), e.carrier_code, e.location.city)
        for e in result.events
    ]


@pytest.fixture
def fixture_body():
    return body
