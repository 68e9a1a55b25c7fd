"""Bodies nobody on this project wrote (tests/fixtures/carriers/*/wild, sources in each SOURCES.md).

Issue 17 items 1, 2 and 5: a time without a zone, an event without a country and the documented odd
formats must never cost the whole body; such events are placed and marked, or dropped and reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parceltrail.carriers import CARRIERS
from parceltrail.core import Location, Status, Substatus, TrackingEvent, fingerprint
from tests.unit.carriers.conftest import FIXTURES


def wild(carrier: str, name: str) -> bytes:
    return (FIXTURES / carrier / "wild" / f"{name}.json").read_bytes()


def times(result) -> list[tuple[str, str, str]]:
    """(UTC time, status, time basis) per event, oldest first."""
    return [(e.occurred_at.isoformat(), str(e.status), str(e.time_basis)) for e in result.events]


def test_every_wild_fixture_has_its_source_noted():
    for folder in FIXTURES.glob("*/wild"):
        notes = (folder / "SOURCES.md").read_text(encoding="utf-8")
        for path in folder.glob("*.json"):
            assert f"`{path.name}`" in notes, f"{path} has no source in {folder / 'SOURCES.md'}"
            assert "licence" in notes.lower()


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/wild/*.json")), ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_every_wild_body_parses_to_a_status_with_events(path: Path):
    result = CARRIERS[path.parent.parent.name].parse(path.read_bytes())
    assert result.events and result.status is not Status.PENDING


def test_ups_postman_sample_without_gmt_fields_is_placed_by_city_then_neighbour():
    """UPS's own Postman sample has no gmtDate/gmtTime/gmtOffset at all (issue 17 item 1)."""
    result = CARRIERS["ups"].parse(wild("ups", "postman_no_gmt"))
    assert times(result) == [
        ("2022-01-26T20:16:41+00:00", "info_received", "zone_from_neighbours"),  # label: country US only
        ("2022-01-26T21:30:00+00:00", "delivered", "zone_from_place"),  # 16:30 in Paramus, NJ (EST)
    ]
    assert result.delivered_at.isoformat() == "2022-01-26T21:30:00+00:00"


def test_ups_activity_from_issue_38_is_placed_in_its_towns_zone_and_marked_inferred():
    """Dunlap, TN is on Central time; UPS's legacy XML said -05:00 for this scan (its facility's zone?),
    which is why an inferred time says so instead of passing as exact."""
    [event] = CARRIERS["ups"].parse(wild("ups", "issue38_dunlap_no_gmt")).events
    assert (event.occurred_at.isoformat(), event.time_basis) == ("2023-11-30T22:43:40+00:00", "zone_from_place")


def test_ups_body_with_gmt_fields_stays_exact():
    result = CARRIERS["ups"].parse(wild("ups", "fremont_loaded_on_vehicle"))
    assert {e.time_basis for e in result.events} == {"exact"}
    assert result.events[-1].occurred_at.isoformat() == "2024-02-02T20:04:35+00:00"


def test_fedex_pickup_at_midnight_without_offset_is_placed_by_its_zip():
    """karrio's captured body: every scan has an offset but the PU scan at 2024-08-15T00:00:00."""
    result = CARRIERS["fedex"].parse(wild("fedex", "mankato_pickup_no_offset"))
    pickup = next(e for e in result.events if e.carrier_code == "PU")
    assert (pickup.occurred_at.isoformat(), pickup.time_basis) == ("2024-08-15T05:00:00+00:00", "zone_from_place")
    assert [e.time_basis for e in result.events].count("exact") == len(result.events) - 1
    assert (result.status, len(result.events)) == ("delivered", 17)


def test_usps_event_timestamp_with_a_trailing_z_is_local_time():
    """USPS's own example: "2023-08-02T07:31:00Z" for a scan its summary calls 7:31 am in Richmond, VA."""
    [event] = CARRIERS["usps"].parse(wild("usps", "readme_detail_zulu_local")).events
    assert (event.occurred_at.isoformat(), event.time_basis) == ("2023-08-02T11:31:00+00:00", "zone_from_place")


def test_usps_pre_shipment_event_without_gmt_fields_or_place_takes_the_origins_zone():
    """USPS's example: the MA event has no time of day, no place, GMT and GMTOffset null."""
    result = CARRIERS["usps"].parse(wild("usps", "birmingham_pre_shipment_without_gmt"))
    assert times(result) == [
        ("2021-11-30T05:00:00+00:00", "info_received", "zone_from_route"),  # origin Greensboro, NC
        ("2021-11-30T19:00:00+00:00", "delivery_failed", "exact"),
    ]


def test_usps_captured_body_with_gmt_fields_stays_exact():
    result = CARRIERS["usps"].parse(wild("usps", "hernando_parcel_locker"))
    assert {e.time_basis for e in result.events} == {"exact"}
    assert (result.status, result.substatus, len(result.events)) == ("delivered", "locker", 12)


def test_dhl_parcel_de_delivered_parcel_without_offsets_or_event_countries_is_delivered():
    """Issue 17 item 2: on main this real body read pending with 0 events."""
    result = CARRIERS["dhl"].parse(wild("dhl", "parcel_de_delivered_zone_less"))
    assert (result.status, len(result.events), result.unmapped.count("time without zone")) == ("delivered", 10, 0)
    assert result.delivered_at.isoformat() == "2023-03-13T08:50:00+00:00"  # 09:50 CET
    assert {e.time_basis for e in result.events} == {"zone_from_place", "zone_from_neighbours"}


def test_dhl_parcel_de_events_without_any_place_fall_back_on_the_shipments_countries():
    data = json.loads(wild("dhl", "parcel_de_delivered_zone_less"))
    for event in data["shipments"][0]["events"]:
        event.pop("location", None)
    result = CARRIERS["dhl"].parse(data)
    assert (result.status, len(result.events)) == ("delivered", 10)
    assert {e.time_basis for e in result.events} == {"zone_from_route"}
    assert result.delivered_at.isoformat() == "2023-03-13T08:50:00+00:00"


def test_dhl_express_times_are_placed_by_the_country_and_state_in_the_locality_text():
    result = CARRIERS["dhl"].parse(wild("dhl", "express_tokyo_los_angeles_zone_less"))
    first, last = result.events[0], result.events[-1]
    assert (first.description, first.occurred_at.isoformat()) == ("Shipment picked up", "2021-12-27T07:38:00+00:00")
    assert (last.status, last.occurred_at.isoformat()) == ("delivered", "2021-12-29T18:21:00+00:00")
    assert len(result.events) == 13
    assert last.location == Location("LOS ANGELES, CA - USA")  # stored as DHL sent it; read only for the zone


def test_time_basis_and_unknown_code_are_not_part_of_an_events_identity():
    """Fingerprints of events that were already exact do not move when these fields are added or set."""
    from datetime import datetime, timezone

    exact = TrackingEvent(datetime(2026, 11, 20, 14, 5, tzinfo=timezone.utc), Status.IN_TRANSIT,
                          Substatus.ARRIVED_AT_FACILITY, "Arrived", "AR", Location("Louisville", "KY", "40213", "US"))
    flagged = TrackingEvent(exact.occurred_at, exact.status, exact.substatus, exact.description, "AR",
                            exact.location, time_basis="zone_from_place", unknown_code=True)
    assert fingerprint("ups", "1Z", exact) == fingerprint("ups", "1Z", flagged) == "9f50dd1c7b6d20dbf4783ce27ab96269"


def test_dhl_express_signer_named_delivered_is_no_signer():
    result = CARRIERS["dhl"].parse(wild("dhl", "express_tokyo_los_angeles_zone_less"))
    assert (result.signed_by, result.substatus) == (None, "delivered")


def test_ups_openapi_example_with_its_documented_gmt_time_parses_by_local_time_and_offset():
    """The example's codes contradict each other (type X, code SR, status 003 "Shipment Ready for UPS",
    words "released by the customs agency"); it is here for its times."""
    [event] = CARRIERS["ups"].parse(wild("ups", "openapi_example_gmt_time")).events
    assert (event.occurred_at.isoformat(), event.time_basis) == ("2021-02-10T12:13:56+00:00", "exact")


def test_usps_openapi_example_offset_without_leading_zero_is_read():
    [event] = CARRIERS["usps"].parse(wild("usps", "openapi_example_offset")).events
    assert (event.occurred_at.isoformat(), event.time_basis, event.substatus) == (
        "2024-04-04T14:03:12+00:00", "exact", "mailbox")
