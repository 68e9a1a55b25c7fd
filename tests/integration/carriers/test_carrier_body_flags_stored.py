"""A carrier body's inferred times and unknown codes reach the store, the API and the seller's timeline."""

from __future__ import annotations

from dataclasses import replace

import httpx

from parceltrail.carriers import CARRIERS
from parceltrail.services import create_shop, register_package
from parceltrail.services.scans import record_scans
from parceltrail.services.staff import create_staff
from tests.integration.test_dashboard import PASSWORD, signed_in
from tests.unit.carriers.conftest import FIXTURES


def test_inferred_time_and_unknown_code_are_stored_and_shown_by_the_api(api, uow):
    tracking = CARRIERS["ups"].parse((FIXTURES / "ups" / "wild" / "postman_no_gmt.json").read_bytes())
    made = create_shop(uow, "Flags")
    package = register_package(uow, made.shop.id, "1Z1442YY7229014688", "ups").package
    events = list(tracking.events)
    events[0] = replace(events[0], unknown_code=True)
    events[1] = replace(events[1], seller_action=True)
    record_scans(uow, made.shop.id, {package.id: events}, source="poll")

    answer = httpx.get(f"{api.url}/v1/packages/{package.id}", headers={"Authorization": f"Bearer {made.api_key}"})
    assert answer.status_code == 200, answer.text
    shown = [(e["occurred_at"], e["time_basis"], e["unknown_code"]) for e in answer.json()["events"]]
    assert shown == [
        ("2022-01-26T20:16:41Z", "zone_from_neighbours", True),
        ("2022-01-26T21:30:00Z", "zone_from_place", False),
    ]

    create_staff(uow, made.shop.id, "owner@flags.example", PASSWORD, "owner")
    page = signed_in(api, "owner@flags.example").get(f"/app/packages/{package.id}").text
    timeline = page[page.index('class="timeline"'):]
    newest, oldest = timeline.split("</li>")[:2]  # the page lists the newest scan first
    assert "time zone inferred" in newest and "the scan&#39;s place" in newest and "unknown carrier code" not in newest
    assert "needs your action" in newest
    assert "unknown carrier code" in oldest and "time zone inferred" in oldest and "the neighbouring scans" in oldest
