"""Flags the carrier's words raise, where the parcel went, and numbers that belong to another shipment."""

from __future__ import annotations

from datetime import timedelta

from parceltrail.core import Location
from parceltrail.core.flags import FlagType, OrderContext, Severity, detect
from parceltrail.services.flag_inputs import locate

from .conftest import BOSTON, NEWARK, SHIPMENT, WEEKDAYS, at, picked_up, scan

DALLAS = Location("Dallas", "TX", "75241", "US")
WORCESTER = Location("Worcester", "MA", "01608", "US")
LOUISVILLE_HUB = Location("Louisville", "KY", "40209", "US")
CHICAGO = Location("Chicago", "IL", None, "US")
SEATTLE = Location("Seattle", "WA", "98108", "US")


def kinds(flags) -> list[str]:
    return [f.type.value for f in flags]


def journey(*extra):
    return [*picked_up(at(2025, 12, 1, 17)), scan(at(2025, 12, 1, 21), where=NEWARK), *extra]


def test_failed_attempt_warns_then_is_critical_on_the_second_and_closes_on_delivery():
    first = scan(at(2025, 12, 3, 14), "delivery_failed", "recipient_unavailable", BOSTON, "No one available")
    flags = detect(SHIPMENT, journey(first), at(2025, 12, 3, 15), WEEKDAYS, locate=locate)
    assert kinds(flags) == ["failed_attempt"] and flags[0].severity is Severity.WARNING
    assert "No one available" in flags[0].reason and "contact the buyer" in flags[0].reason
    second = scan(at(2025, 12, 4, 14), "delivery_failed", "access_issue", BOSTON)
    again = detect(SHIPMENT, journey(first, second), at(2025, 12, 4, 15), WEEKDAYS, locate=locate)
    assert again[0].severity is Severity.CRITICAL and again[0].since == at(2025, 12, 3, 14)
    done = journey(first, second, scan(at(2025, 12, 5, 12), "delivered", "left_at_door", BOSTON))
    assert detect(SHIPMENT, done, at(2025, 12, 5, 13), WEEKDAYS, locate=locate) == []


def test_return_to_sender_stays_open_until_the_journey_settles():
    events = journey(scan(at(2025, 12, 3, 14), "exception", "refused", BOSTON, "Refused by recipient"),
                     scan(at(2025, 12, 4, 9), "returning", None, BOSTON),
                     scan(at(2025, 12, 6, 9), "returned", None, NEWARK))
    flags = detect(SHIPMENT, events, at(2025, 12, 7), WEEKDAYS, locate=locate)
    assert kinds(flags) == ["return_to_sender"] and "Refused by recipient" in flags[0].reason
    assert detect(SHIPMENT, events, at(2025, 12, 21), WEEKDAYS, locate=locate) == []  # 14 days after it came back


def test_weather_is_info_and_closes_on_the_next_scan_damage_stays():
    weather = scan(at(2025, 12, 2, 3), "exception", "weather_delay", LOUISVILLE_HUB, "Severe weather")
    flags = detect(SHIPMENT, journey(weather), at(2025, 12, 2, 4), WEEKDAYS, locate=locate)
    assert kinds(flags) == ["carrier_exception"] and flags[0].severity is Severity.INFO
    moving = journey(weather, scan(at(2025, 12, 2, 20), "in_transit", "departed_facility", LOUISVILLE_HUB))
    assert detect(SHIPMENT, moving, at(2025, 12, 2, 21), WEEKDAYS, locate=locate) == []
    damaged = journey(scan(at(2025, 12, 2, 3), "exception", "damaged", LOUISVILLE_HUB, "Damaged; repackaged"),
                      scan(at(2025, 12, 2, 20), "in_transit", "departed_facility", LOUISVILLE_HUB))
    flags = detect(SHIPMENT, damaged, at(2025, 12, 2, 21), WEEKDAYS, locate=locate)
    assert kinds(flags) == ["carrier_exception"] and flags[0].severity is Severity.CRITICAL


def test_misroute_new_york_to_boston_through_dallas_and_back_on_track():
    shipment = SHIPMENT
    wrong = scan(at(2025, 12, 2, 15), where=DALLAS)
    flags = detect(shipment, journey(wrong), at(2025, 12, 2, 16), WEEKDAYS, locate=locate)
    assert kinds(flags) == ["misroute"] and flags[0].since == at(2025, 12, 2, 15)
    assert "Dallas, TX" in flags[0].reason
    back = journey(wrong, scan(at(2025, 12, 4, 8), where=WORCESTER))
    assert detect(shipment, back, at(2025, 12, 4, 9), WEEKDAYS, locate=locate) == []


def test_air_hub_and_hub_and_spoke_are_not_misroutes():
    via_air_hub = journey(scan(at(2025, 12, 2, 2), where=LOUISVILLE_HUB), scan(at(2025, 12, 2, 9), where=WORCESTER))
    assert detect(SHIPMENT, via_air_hub, at(2025, 12, 2, 10), WEEKDAYS, locate=locate) == []
    city_only = journey(scan(at(2025, 12, 2, 2), where=CHICAGO))  # New York to Boston by Chicago: off route
    assert kinds(detect(SHIPMENT, city_only, at(2025, 12, 2, 3), WEEKDAYS, locate=locate)) == ["misroute"]


def test_out_for_delivery_then_scanned_far_away_is_a_misroute():
    events = journey(scan(at(2025, 12, 3, 8), "out_for_delivery", None, BOSTON),
                     scan(at(2025, 12, 4, 3), where=Location("Buffalo", "NY", "14201", "US")))
    assert kinds(detect(SHIPMENT, events, at(2025, 12, 4, 4), WEEKDAYS, locate=locate)) == ["misroute"]


def test_delivered_far_from_the_destination():
    far = journey(scan(at(2025, 12, 3, 14), "delivered", "left_at_door", SEATTLE))
    flags = detect(SHIPMENT, far, at(2025, 12, 3, 15), WEEKDAYS, locate=locate)
    assert kinds(flags) == ["delivered_elsewhere"] and flags[0].severity is Severity.CRITICAL
    near = journey(scan(at(2025, 12, 3, 14), "delivered", "left_at_door", Location("Quincy", "MA", "02169", "US")))
    assert detect(SHIPMENT, near, at(2025, 12, 3, 15), WEEKDAYS, locate=locate) == []


def test_suspicious_numbers():
    order = OrderContext(created_at=at(2025, 12, 5, 10))
    recycled = journey()  # first scanned Dec 1, four days before the order
    flags = detect(SHIPMENT, recycled, at(2025, 12, 5, 11), WEEKDAYS, order)
    assert kinds(flags) == ["stale", "suspicious_tracking"] or "suspicious_tracking" in kinds(flags)
    suspicious = next(f for f in flags if f.type is FlagType.SUSPICIOUS_TRACKING)
    assert suspicious.since == at(2025, 12, 5, 10) and "before the order was placed" in suspicious.reason
    delivered_before = journey(scan(at(2025, 12, 3, 12), "delivered", None, BOSTON))
    flags = detect(SHIPMENT, delivered_before, at(2025, 12, 5, 11), WEEKDAYS, order, locate=locate)
    assert "before the order existed" in flags[0].reason
    twice = OrderContext(created_at=at(2025, 11, 30, 10), other_orders=(at(2025, 12, 2, 9),))
    assert detect(SHIPMENT, journey(), at(2025, 12, 2, 8), WEEKDAYS, twice) == []  # the other order is not there yet
    flags = detect(SHIPMENT, journey(), at(2025, 12, 2, 10), WEEKDAYS, twice)
    assert kinds(flags) == ["suspicious_tracking"] and "1 other order" in flags[0].reason
    elsewhere = OrderContext(created_at=at(2025, 11, 30, 10), buyer_postal_code="94103")
    flags = detect(SHIPMENT, journey(), at(2025, 12, 2, 10), WEEKDAYS, elsewhere)
    assert "destination ZIP 02108 is not the buyer's 94103" in flags[0].reason


def test_scan_a_few_hours_before_the_order_is_fine():
    order = OrderContext(created_at=at(2025, 12, 1, 20))
    events = [*picked_up(at(2025, 12, 1, 17))]
    assert detect(SHIPMENT, events, at(2025, 12, 1, 22), WEEKDAYS, order) == []


def test_label_cancelled_raises_nothing():
    events = [scan(at(2025, 12, 1, 9), "info_received", None), scan(at(2025, 12, 1, 10), "cancelled", None)]
    order = OrderContext(created_at=at(2025, 12, 1, 8), ship_by=at(2025, 12, 3, 23))
    assert detect(SHIPMENT, events, at(2025, 12, 5), WEEKDAYS, order) == []
    assert detect(SHIPMENT, events, at(2025, 12, 5) + timedelta(days=30), WEEKDAYS, order) == []
