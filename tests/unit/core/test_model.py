"""Value objects refuse what a person could get wrong, with messages that say what was expected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from parceltrail.core import (
    DEFAULT_SUBSTATUS,
    STATUS_OF,
    SUBSTATUSES,
    Address,
    Location,
    Status,
    StatusMismatch,
    Substatus,
    TrackingEvent,
    check_pair,
)


def test_every_substatus_belongs_to_exactly_one_status():
    listed = [sub for subs in SUBSTATUSES.values() for sub in subs]
    assert sorted(listed) == sorted(Substatus)
    assert set(SUBSTATUSES) == set(Status)


def test_default_substatus_belongs_to_its_status():
    for status, sub in DEFAULT_SUBSTATUS.items():
        assert STATUS_OF[sub] is status


def test_naive_time_is_refused():
    with pytest.raises(ValueError, match="no UTC offset"):
        TrackingEvent.create(datetime(2026, 11, 20, 14, 5), "in_transit")


def test_times_are_kept_in_utc():
    local = datetime(2026, 11, 20, 14, 5, tzinfo=timezone(timedelta(hours=-5)))
    event = TrackingEvent.create(local, "in_transit")
    assert event.occurred_at == datetime(2026, 11, 20, 19, 5, tzinfo=UTC)
    assert event.occurred_at.utcoffset() == timedelta(0)


def test_substatus_of_another_status_is_refused():
    with pytest.raises(StatusMismatch, match="belongs to status delivered"):
        check_pair("in_transit", "left_at_door")


def test_unknown_status_lists_the_accepted_ones():
    with pytest.raises(ValueError, match="expected one of: pending, info_received"):
        check_pair("lost_in_space", None)


def test_missing_substatus_takes_the_status_default():
    assert check_pair("exception", None) == (Status.EXCEPTION, Substatus.OTHER)


@pytest.mark.parametrize("code", ["XX", "USA", "u", ""])
def test_country_must_be_iso_alpha2(code):
    with pytest.raises(ValueError, match="ISO 3166-1 alpha-2"):
        Location(country=code)


def test_country_is_upper_cased():
    assert Address(country="gb").country == "GB"
