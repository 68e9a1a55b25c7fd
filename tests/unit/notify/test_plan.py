"""The pure planner: which buyer event a change is, quiet hours in the person's own zone, preferences."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from parceltrail.notify.plan import (
    Endpoint,
    Event,
    Person,
    QuietHours,
    after_quiet_hours,
    buyer_event,
    digest_period,
    plan_buyers,
    plan_webhooks,
    webhook_types,
)

NIGHT = QuietHours(time(21), time(8))


def change(previous: str, status: str, substatus: str | None = None) -> Event:
    data = {"package": {"status": status, "substatus": substatus or status, "estimated_delivery": None},
            "previous": {"status": previous, "substatus": previous}}
    return Event("evt_1", "shop_1", "package.status_changed", datetime(2026, 11, 24, 18, tzinfo=UTC), data, "pkg_1")


@pytest.mark.parametrize("previous, status, substatus, kind", [
    ("info_received", "in_transit", "picked_up", "shipped"),
    ("pending", "in_transit", "in_transit", "shipped"),
    ("in_transit", "in_transit", "departed_facility", None),
    ("in_transit", "out_for_delivery", None, "out_for_delivery"),
    ("out_for_delivery", "delivered", "left_at_door", "delivered"),
    ("in_transit", "available_for_pickup", "at_locker", "ready_for_pickup"),
    ("in_transit", "exception", "weather_delay", "delayed"),
    ("in_transit", "exception", "address_issue", "exception"),
    ("out_for_delivery", "delivery_failed", "recipient_unavailable", "exception"),
    ("in_transit", "returning", "return_to_sender", "exception"),
    ("pending", "info_received", "label_created", None),
])
def test_a_status_change_is_the_buyer_event_a_buyer_would_name(previous, status, substatus, kind):
    assert buyer_event(change(previous, status, substatus)) == kind


def estimate_event(before: str, after: str) -> Event:
    data = {"package": {"estimated_delivery": {"likely": after}}, "previous_estimate": {"likely": before}}
    return Event("evt_2", "shop_1", "package.estimate_changed", datetime(2026, 11, 24, tzinfo=UTC), data, "pkg_1")


def test_an_estimate_is_news_to_a_buyer_only_when_it_moves_more_than_a_day():
    assert buyer_event(estimate_event("2026-11-25", "2026-11-26")) is None
    assert buyer_event(estimate_event("2026-11-25", "2026-11-27")) == "estimate_changed"
    assert buyer_event(estimate_event("2026-11-27", "2026-11-25")) == "estimate_changed"


@pytest.mark.parametrize("previous, status, expected", [
    ("in_transit", "out_for_delivery", ["package.status_changed", "package.out_for_delivery"]),
    ("out_for_delivery", "delivered", ["package.status_changed", "package.delivered"]),
    ("in_transit", "delivery_failed", ["package.status_changed", "package.exception"]),
    ("delivery_failed", "exception", ["package.status_changed"]),  # already in an exception status
    ("in_transit", "in_transit", ["package.status_changed"]),
])
def test_webhook_types_follow_the_canonical_statuses(previous, status, expected):
    assert webhook_types(change(previous, status)) == expected


def test_an_endpoint_gets_only_the_types_it_asked_for_and_status_changes_wait_to_coalesce():
    window = timedelta(seconds=60)
    event = change("in_transit", "out_for_delivery")
    planned = plan_webhooks(event, [Endpoint("ep_a", "https://a.example", None),
                                    Endpoint("ep_b", "https://b.example", ("package.out_for_delivery",))], window)
    assert sorted((p.target_id, p.kind) for p in planned) == [
        ("ep_a", "package.out_for_delivery"), ("ep_a", "package.status_changed"), ("ep_b", "package.out_for_delivery")]
    by_kind = {(p.target_id, p.kind): p for p in planned}
    assert by_kind[("ep_a", "package.status_changed")].send_after == event.occurred_at + window
    assert by_kind[("ep_a", "package.out_for_delivery")].send_after == event.occurred_at
    assert len({p.idem_key for p in planned}) == 3


@pytest.mark.parametrize("utc, zone, expected_utc", [
    # 23:10 in Chicago (CST, UTC-6) is deferred to 08:00 the next morning there
    (datetime(2026, 11, 25, 5, 10, tzinfo=UTC), "America/Chicago", datetime(2026, 11, 25, 14, 0, tzinfo=UTC)),
    # the same instant is 21:10 in Los Angeles: quiet too
    (datetime(2026, 11, 25, 5, 10, tzinfo=UTC), "America/Los_Angeles", datetime(2026, 11, 25, 16, 0, tzinfo=UTC)),
    # and 06:10 in Berlin: quiet until 08:00 Berlin the same day
    (datetime(2026, 11, 25, 5, 10, tzinfo=UTC), "Europe/Berlin", datetime(2026, 11, 25, 7, 0, tzinfo=UTC)),
    # 14:00 in Chicago is not quiet
    (datetime(2026, 11, 25, 20, 0, tzinfo=UTC), "America/Chicago", datetime(2026, 11, 25, 20, 0, tzinfo=UTC)),
    # across the autumn clock change: 23:30 CDT on Oct 31 -> 08:00 CST on Nov 1 (14:00 UTC)
    (datetime(2026, 11, 1, 4, 30, tzinfo=UTC), "America/Chicago", datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
])
def test_quiet_hours_defer_to_their_end_in_the_persons_own_zone(utc, zone, expected_utc):
    assert after_quiet_hours(utc, zone, NIGHT) == expected_utc


def test_daytime_quiet_hours_and_none():
    lunch = QuietHours(time(12), time(13))
    noon = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)
    assert after_quiet_hours(noon, "UTC", lunch) == datetime(2026, 11, 25, 13, tzinfo=UTC)
    assert after_quiet_hours(noon, "UTC", None) == noon


def buyer(**changes) -> Person:
    values = {"id": "rcp_1", "kind": "buyer", "email": "ana@example.com", "phone": "+15551234567",
              "zone": "America/Chicago", "events": ("delivered", "out_for_delivery"), "channels": ("email", "sms"),
              "quiet": NIGHT}
    return Person(**{**values, **changes})


def test_each_chosen_channel_gets_a_message_or_a_reason_why_not():
    event = change("out_for_delivery", "delivered", "left_at_door")  # 12:00 in Chicago
    planned = plan_buyers(event, [(buyer(), {"shop": "Acme"})], timedelta(seconds=60), frozenset({"email"}))
    assert [(p.channel, p.state, p.reason) for p in planned] == [
        ("email", "pending", None),
        ("sms", "skipped", "the shop has no SMS channel (PUT /v1/notification-channels/sms)")]
    shipped = change("info_received", "in_transit", "picked_up")
    (email, _) = plan_buyers(shipped, [(buyer(), {})], timedelta(0), frozenset({"email", "sms"}))
    assert (email.state, email.reason) == ("skipped", "preference: shipped is not among the chosen events")
    (gone, _) = plan_buyers(event, [(buyer(opted_out=True), {})], timedelta(0), frozenset({"email", "sms"}))
    assert (gone.state, gone.reason) == ("skipped", "opted out (unsubscribe link)")


def test_digest_periods_are_local_hours_or_local_days_after_the_chosen_hour():
    at = datetime(2026, 11, 25, 13, 30, tzinfo=UTC)  # 07:30 in Chicago
    assert digest_period("hourly", 8, "America/Chicago", at) == "2026-11-25T07"
    assert digest_period("daily", 8, "America/Chicago", at) is None
    assert digest_period("daily", 8, "America/Chicago", at + timedelta(hours=1)) == "2026-11-25"
    assert digest_period("off", 8, "America/Chicago", at) is None
