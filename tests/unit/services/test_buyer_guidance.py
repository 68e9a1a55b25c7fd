"""The buyer's question now: each state and clock gives the answer a buyer needs, with the right dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from parceltrail.core import Status
from parceltrail.services.buyer_guidance import advise, next_working_day
from parceltrail.store.estimates import StoredEstimate

NOW = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)  # a Wednesday


def estimate(latest: date, promise: date) -> StoredEstimate:
    return StoredEstimate("pkg_x", NOW, latest - timedelta(days=2), latest - timedelta(days=1), latest, promise,
                          "medium", "model", "handoff", "")


def ask(status: Status, substatus: str = "", *, registered=NOW - timedelta(hours=5), last_scan=None,
        delivered=None, current=None, first=None, late=False):
    return advise(status, substatus or status.value, NOW, registered, last_scan, delivered, current, first, late)


def test_a_label_younger_than_two_days_is_normal_and_older_is_worth_asking_about():
    assert ask(Status.INFO_RECEIVED, "label_created", last_scan=NOW - timedelta(hours=30)).key == "pre_transit"
    older = ask(Status.INFO_RECEIVED, "label_created", last_scan=NOW - timedelta(hours=73))
    assert older.key == "pre_transit_long" and older.values == {"days": 3}


def test_delivered_but_not_received_says_wait_until_next_working_day_then_tell_the_shop_within_a_week():
    friday = datetime(2026, 12, 11, 14, 0, tzinfo=UTC)
    advice = ask(Status.DELIVERED, "left_at_door", delivered=friday)
    assert advice.key == "delivered"
    assert advice.values == {"wait_until": date(2026, 12, 14), "tell_by": date(2026, 12, 18)}


def test_three_quiet_days_in_transit_name_a_date_to_act_by():
    advice = ask(Status.IN_TRANSIT, "departed_facility", last_scan=NOW - timedelta(days=4),
                 current=estimate(date(2026, 12, 10), date(2026, 12, 11)))
    assert advice.key == "quiet" and advice.values["days"] == 4
    assert advice.values["tell_by"] == date(2026, 12, 12)  # a week after the last scan, past the window
    assert ask(Status.IN_TRANSIT, "departed_facility", last_scan=NOW - timedelta(days=1)).key == "moving"


def test_late_names_the_first_window_and_overdue_when_even_the_promise_passed():
    first = estimate(date(2026, 12, 7), date(2026, 12, 8))
    late = ask(Status.IN_TRANSIT, last_scan=NOW - timedelta(hours=3), first=first, late=True,
               current=estimate(date(2026, 12, 10), date(2026, 12, 11)))
    assert late.key == "late" and late.values == {"first_latest": date(2026, 12, 7), "tell_by": date(2026, 12, 11)}
    overdue = ask(Status.IN_TRANSIT, last_scan=NOW - timedelta(hours=3), first=first, late=True, current=first)
    assert overdue.key == "overdue"


def test_exceptions_get_the_answer_for_their_kind():
    assert ask(Status.EXCEPTION, "damaged").key == "damaged"
    assert ask(Status.EXCEPTION, "address_issue").key == "address"
    assert ask(Status.EXCEPTION, "weather_delay").key == "delayed"
    assert ask(Status.EXCEPTION, "lost").key == "lost"
    assert ask(Status.EXCEPTION, "refused").key == "exception"
    assert ask(Status.RETURNING, "return_to_sender").key == "returning"
    failed = ask(Status.DELIVERY_FAILED, "recipient_unavailable")
    assert failed.key == "attempt_failed" and failed.values == {"next_try": date(2026, 12, 10)}


def test_next_working_day_skips_the_weekend():
    assert next_working_day(date(2026, 12, 11)) == date(2026, 12, 14)
    assert next_working_day(date(2026, 12, 9)) == date(2026, 12, 10)
