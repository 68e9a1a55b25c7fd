"""Every test number of the public tracking_number_data spec, through parceltrail.numbers.detect.

Valid numbers: the listed carrier is the best candidate, or among the candidates with ``ambiguous``
true, and the listed format is among them. Invalid numbers: never reported as the listed format.
The spec lives in ../shared/anchors/tracking_number_data beside the repository; without it these skip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parceltrail.numbers import detect

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "anchors" / "tracking_number_data" / "couriers"
# Spec formats without an ``id`` and the id parceltrail gives them.
UNNAMED_FORMAT_IDS = {
    "LaserShip 1LS7 (18)": "lasership_1ls7_18",
    "Old Dominion": "old_dominion",
    "Old Dominion Guaranteed Shipment": "old_dominion_guaranteed",
    "UPS Waybill": "ups_waybill",
}


def _cases(kind: str) -> list:
    if not SPEC.is_dir():
        reason = f"{SPEC} is absent: the conformance suite reads the tracking_number_data spec from ../shared"
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=reason))]
    cases = []
    for path in sorted(SPEC.glob("*.json")):
        courier = json.loads(path.read_text("utf-8"))
        for spec in courier["tracking_numbers"]:
            format_id = spec.get("id") or UNNAMED_FORMAT_IDS[spec["name"]]
            for number in spec["test_numbers"][kind]:
                cases.append(pytest.param(courier["courier_code"], format_id, number, id=f"{format_id}:{number}"))
    return cases


def _is_listed_carrier(candidate, courier: str) -> bool:
    """S10 numbers report the postal operator (``royal_mail``) or ``s10``, always with an s10 format."""
    return candidate.carrier == courier or (courier == "s10" and "s10" in candidate.format)


@pytest.mark.parametrize(("courier", "format_id", "number"), _cases("valid"))
def test_spec_valid_number_detects_as_its_carrier(courier: str, format_id: str, number: str) -> None:
    detection = detect(number)
    assert detection.valid, f"{number!r} rejected: {detection.near_misses}"
    assert format_id in {c.format for c in detection.candidates}
    if not _is_listed_carrier(detection.candidates[0], courier):
        assert detection.ambiguous
        assert any(_is_listed_carrier(c, courier) for c in detection.candidates)


@pytest.mark.parametrize(("courier", "format_id", "number"), _cases("invalid"))
def test_spec_invalid_number_is_not_reported_as_its_format(courier: str, format_id: str, number: str) -> None:
    detection = detect(number)
    assert format_id not in {c.format for c in detection.candidates}


def test_spec_has_the_numbers_the_issue_counts() -> None:
    valid, invalid = _cases("valid"), _cases("invalid")
    if valid[0].values[0] is None:
        pytest.skip(f"{SPEC} is absent")
    assert (len(valid), len(invalid)) == (192, 88)
