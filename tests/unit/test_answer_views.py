"""The read answers are built as plain dicts (``view``) and written by ``api.responses.as_json``, skipping the
response models: each view must be exactly what its model would write, field for field, or the OpenAPI
document would promise a shape the API does not send."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

from parceltrail.api.events import EventPageOut
from parceltrail.api.responses import as_json
from parceltrail.api.schemas import (
    EstimateOut,
    EventOut,
    OpenFlagOut,
    PackageDetailOut,
    PackageOut,
    PackagePageOut,
    TrackingOut,
)
from parceltrail.core import (
    Address,
    CarrierChecks,
    Location,
    Package,
    PackageState,
    PackageWarning,
    Status,
    Substatus,
    TimeBasis,
    TrackingEvent,
)
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.flags import StoredFlag

AT = datetime(2026, 11, 20, 19, 5, 7, 250000, tzinfo=UTC)
FUTURE = AT + timedelta(days=3)


def _package(**changes) -> Package:
    values = {
        "id": "pkg_01", "shop_id": "shop_1", "tracking_number": "1Z999AA10123456784", "carrier": "ups",
        "created_at": AT, "updated_at": AT + timedelta(hours=1), "order_ref": "TT-1001",
        "destination": Address(postal_code="40213", country="US"),
        "state": PackageState(Status.IN_TRANSIT, Substatus.DEPARTED_FACILITY, AT, 3, None, "k", FUTURE),
        "checks": CarrierChecks(AT, AT + timedelta(hours=4), "HTTP 503 from UPS", 2),
    }
    return Package(**{**values, **changes})


ESTIMATE = StoredEstimate("pkg_01", AT, date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25),
                          date(2026, 11, 26), "medium", "lane history", "in_transit", "first scan")
EVENTS = [
    TrackingEvent.create(AT, Status.IN_TRANSIT, Substatus.DEPARTED_FACILITY, "Departed", "DP",
                         Location("Louisville", "KY", "40213", "US"), TimeBasis.PLACE, True, False),
    TrackingEvent.create(FUTURE + timedelta(hours=1), Status.IN_TRANSIT, None, "", None,
                         Location(), TimeBasis.EXACT, False, True),
    TrackingEvent.create(datetime(2026, 11, 19, 8, 0, tzinfo=timezone(timedelta(hours=-5))), Status.INFO_RECEIVED),
]
FLAG = StoredFlag("flg_1", "shop_1", "pkg_01", "stale", "warning", "no scan for 4 days", AT, None, AT, AT, None, False)


def _same(view: dict, model: type[BaseModel]) -> None:
    """The view names every field of the model, and writes what the validated model writes."""
    assert set(view) == set(model.model_fields)
    assert json.loads(as_json(view).body) == json.loads(model.model_validate(view).model_dump_json())


@pytest.mark.parametrize("package", [
    _package(),
    _package(carrier=None, order_ref=None, destination=None, state=PackageState(), checks=CarrierChecks()),
    _package(stopped_at=AT + timedelta(days=1)),
], ids=["full", "bare", "stopped"])
def test_package_view_is_what_the_model_writes(package: Package) -> None:
    view = PackageOut.view(package, ESTIMATE, [PackageWarning("check_digit", "forced")], {"ups"},
                           {"ups": "no UPS account"})
    _same(view, PackageOut)
    _same(view["tracking"], TrackingOut)
    _same(EstimateOut.view(ESTIMATE), EstimateOut)
    assert PackageOut.view(package)["estimated_delivery"] is None


def test_detail_and_page_views_are_what_the_models_write() -> None:
    package = _package()
    detail = {**PackageOut.view(package, ESTIMATE), "events": [EventOut.view(e, FUTURE) for e in EVENTS],
              "events_next_cursor": "abc", "estimate_history": [EstimateOut.view(ESTIMATE)],
              "flags": [OpenFlagOut.view(FLAG)], "estimate_withheld": None, "order_ids": ["5770001"]}
    _same(detail, PackageDetailOut)
    for event in EVENTS:
        _same(EventOut.view(event, FUTURE), EventOut)
    _same(OpenFlagOut.view(FLAG), OpenFlagOut)
    _same({"items": [PackageOut.view(package), PackageOut.view(_package(id="pkg_02"))], "next_cursor": None},
          PackagePageOut)
    _same({"items": [EventOut.view(e) for e in EVENTS], "next_cursor": "c"}, EventPageOut)


def test_times_are_written_as_the_models_write_them() -> None:
    written = json.loads(as_json(EventOut.view(EVENTS[0], FUTURE)).body)
    assert written["occurred_at"] == "2026-11-20T19:05:07.250000Z"
    assert written["time_basis"] == "zone_from_place" and written["counts"] is True
    assert json.loads(as_json(EventOut.view(EVENTS[1], FUTURE)).body)["counts"] is False
