"""``late``: the deliver-by date (or the promise) against the estimate made at handoff, time and reality."""

from __future__ import annotations

from datetime import date

from parceltrail.core.flags import EstimatedDelivery, OrderContext, Severity, detect

from .conftest import BOSTON, SHIPMENT, WEEKDAYS, at, picked_up, scan

ORDER = OrderContext(created_at=at(2025, 12, 1, 9), deliver_by=at(2025, 12, 9, 23, 59))


def kinds(flags) -> list[str]:
    return [f.type.value for f in flags]


def late(flags):
    return next((f for f in flags if f.type.value == "late"), None)


def test_estimate_past_the_deadline_warns_at_once_with_the_deadline_due():
    events = picked_up(at(2025, 12, 3, 17))
    estimate = EstimatedDelivery(date(2025, 12, 10), date(2025, 12, 11), date(2025, 12, 12))
    flag = late(detect(SHIPMENT, events, at(2025, 12, 3, 18), WEEKDAYS, ORDER, estimate=estimate))
    assert flag is not None and flag.severity is Severity.WARNING
    assert flag.since == at(2025, 12, 3, 17) and flag.due == at(2025, 12, 9, 23, 59)
    assert "Wed Dec 10 at the earliest" in flag.reason and "after the deliver-by date Tue Dec 9" in flag.reason


def test_a_likely_day_past_the_deadline_alone_is_no_warning():
    events = picked_up(at(2025, 12, 3, 17))
    estimate = EstimatedDelivery(date(2025, 12, 8), date(2025, 12, 10), date(2025, 12, 12))
    assert late(detect(SHIPMENT, events, at(2025, 12, 3, 18), WEEKDAYS, ORDER, estimate=estimate)) is None


def test_not_out_for_delivery_by_late_morning_of_the_last_day():
    events = [*picked_up(at(2025, 12, 3, 17)), scan(at(2025, 12, 8, 22), where=BOSTON)]
    estimate = EstimatedDelivery(date(2025, 12, 8), date(2025, 12, 8), date(2025, 12, 9))
    assert late(detect(SHIPMENT, events, at(2025, 12, 9, 10, 59), WEEKDAYS, ORDER, estimate=estimate)) is None
    flag = late(detect(SHIPMENT, events, at(2025, 12, 9, 11), WEEKDAYS, ORDER, estimate=estimate))
    assert flag is not None and flag.since == at(2025, 12, 9, 11) and "not out for delivery" in flag.reason
    out = events + [scan(at(2025, 12, 9, 8), "out_for_delivery", None, BOSTON)]
    assert late(detect(SHIPMENT, out, at(2025, 12, 9, 15), WEEKDAYS, ORDER, estimate=estimate)) is None


def test_a_stalled_parcel_slips_a_day_per_working_day_past_its_norm():
    events = [*picked_up(at(2025, 12, 1, 17)), scan(at(2025, 12, 1, 22))]
    estimate = EstimatedDelivery(date(2025, 12, 5), date(2025, 12, 5), date(2025, 12, 8))
    # stale from Wed Dec 3 22:00 (48 working hours); Fri 5 + 1 (Wed) + 1 (Thu) + 1 (Fri) -> Wed Dec 10
    assert late(detect(SHIPMENT, events, at(2025, 12, 4, 12), WEEKDAYS, ORDER, estimate=estimate)) is None
    flag = late(detect(SHIPMENT, events, at(2025, 12, 5, 12), WEEKDAYS, ORDER, estimate=estimate))
    assert flag is not None and flag.since == at(2025, 12, 5, 0) and "delivery slips to" in flag.reason


def test_past_the_deadline_is_critical_and_delivery_closes_it():
    events = [*picked_up(at(2025, 12, 3, 17)), scan(at(2025, 12, 8, 22), where=BOSTON)]
    flag = late(detect(SHIPMENT, events, at(2025, 12, 10, 1), WEEKDAYS, ORDER))
    assert flag is not None and flag.severity is Severity.CRITICAL and "On-Time Delivery Rate" in flag.reason
    delivered = events + [scan(at(2025, 12, 10, 14), "delivered", None, BOSTON)]
    assert late(detect(SHIPMENT, delivered, at(2025, 12, 10, 15), WEEKDAYS, ORDER)) is None


def test_without_an_order_the_promise_is_the_deadline():
    promised = OrderContext(promised_by=date(2025, 12, 5))
    events = [*picked_up(at(2025, 12, 1, 17)), scan(at(2025, 12, 4, 22), where=BOSTON)]
    flag = late(detect(SHIPMENT, events, at(2025, 12, 6, 1), WEEKDAYS, promised))
    assert flag is not None and "date promised to the buyer" in flag.reason


def test_a_parcel_on_its_way_back_is_a_return_not_late():
    events = [*picked_up(at(2025, 12, 3, 17)), scan(at(2025, 12, 8, 12), "returning", None, BOSTON)]
    assert kinds(detect(SHIPMENT, events, at(2025, 12, 10, 1), WEEKDAYS, ORDER)) == ["return_to_sender"]
