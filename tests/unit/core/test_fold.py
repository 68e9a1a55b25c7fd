"""The fold is order-independent and idempotent; the store's incremental fold equals a full one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from parceltrail.core import (
    SUBSTATUSES,
    Location,
    PackageState,
    Status,
    TrackingEvent,
    fingerprint,
    fold_events,
    fold_into,
)

T0 = datetime(2026, 11, 1, tzinfo=UTC)
PAIRS = [(status, sub) for status, subs in SUBSTATUSES.items() for sub in subs]

events_strategy = st.builds(
    lambda minutes, pair, code, city: TrackingEvent.create(
        T0 + timedelta(minutes=minutes), pair[0], pair[1], "scan", code, Location(city=city, country="US")
    ),
    # A small time range makes equal timestamps common, which is where tie-breaks matter.
    st.integers(min_value=0, max_value=30),
    st.sampled_from(PAIRS),
    st.one_of(st.none(), st.sampled_from(["AR", "DP", "OD", "DL"])),
    st.sampled_from(["Memphis", "Louisville", None]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(events_strategy, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_shuffled_and_duplicated_events_give_the_same_state(events, rnd):
    expected = fold_events(events, "ups", "1Z1")
    doubled = events + events[: rnd.randint(0, len(events))]
    rnd.shuffle(doubled)
    assert fold_events(doubled, "ups", "1Z1") == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(events_strategy, min_size=1, max_size=12), st.integers(min_value=0, max_value=12))
def test_folding_in_batches_equals_folding_everything_at_once(events, split):
    unique = {fingerprint("ups", "1Z1", e): e for e in events}
    pairs = list(unique.items())
    first = fold_into(PackageState(), pairs[:split])
    assert fold_into(first, pairs[split:]) == fold_events(events, "ups", "1Z1")


def test_status_is_that_of_the_newest_event():
    older = TrackingEvent.create(T0, "in_transit", "departed_facility", carrier_code="DP")
    newer = TrackingEvent.create(T0 + timedelta(hours=5), "out_for_delivery", carrier_code="OD")
    state = fold_events([newer, older])
    assert (state.status, state.event_count, state.last_event_at) == (Status.OUT_FOR_DELIVERY, 2, newer.occurred_at)


def test_same_instant_tie_goes_to_the_event_further_along():
    out = TrackingEvent.create(T0, "out_for_delivery", carrier_code="OD")
    delivered = TrackingEvent.create(T0, "delivered", "left_at_door", carrier_code="DL")
    assert fold_events([delivered, out]).status is Status.DELIVERED
    assert fold_events([out, delivered]).status is Status.DELIVERED


def test_delivered_at_is_the_first_delivery_scan():
    first = TrackingEvent.create(T0, "delivered", carrier_code="DL")
    again = TrackingEvent.create(T0 + timedelta(days=1), "delivered", "signed", carrier_code="DL2")
    assert fold_events([again, first]).delivered_at == first.occurred_at


def test_no_events_is_pending():
    state = fold_events([])
    assert (state.status, state.event_count, state.last_event_at) == (Status.PENDING, 0, None)


def test_same_scan_with_different_spelling_of_place_is_one_event():
    a = TrackingEvent.create(T0, "in_transit", carrier_code="AR", location=Location(city="Memphis ", country="us"))
    b = TrackingEvent.create(T0, "in_transit", carrier_code="ar", location=Location(city="MEMPHIS", country="US"))
    assert fingerprint("fedex", "123", a) == fingerprint("fedex", "123", b)
    assert fold_events([a, b]).event_count == 1


def test_fingerprint_differs_between_packages():
    event = TrackingEvent.create(T0, "in_transit", carrier_code="AR")
    assert fingerprint("ups", "1Z1", event) != fingerprint("ups", "1Z2", event)


NOW = T0 + timedelta(minutes=10)
future_strategy = st.builds(
    lambda minutes, pair, code: TrackingEvent.create(T0 + timedelta(minutes=minutes), pair[0], pair[1], "scan", code),
    # spread over three days around NOW so some events are more than a day ahead of it
    st.integers(min_value=-1440, max_value=3 * 1440),
    st.sampled_from(PAIRS),
    st.sampled_from(["AR", "DP", "OD", "DL"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(future_strategy, min_size=1, max_size=12), st.integers(min_value=0, max_value=12),
       st.integers(min_value=0, max_value=3 * 1440))
def test_events_ahead_of_now_wait_and_a_later_refold_equals_folding_everything_then(events, split, minutes_later):
    """The store's rule (fold in at each ingest's now; fold again whole when a held-back event has come
    due) always equals a full fold of every event at the last now."""
    from parceltrail.core import needs_refold

    unique = list({fingerprint("ups", "1Z1", e): e for e in events}.items())
    later = NOW + timedelta(minutes=minutes_later)
    first = fold_into(PackageState(), unique[:split], now=NOW)
    if needs_refold(first, later):
        second = fold_into(PackageState(), unique, now=later)
    else:
        second = fold_into(first, unique[split:], now=later)
    assert second == fold_events(events, "ups", "1Z1", now=later)


def test_an_event_more_than_a_day_ahead_sets_neither_status_nor_delivery():
    scanned = TrackingEvent.create(NOW - timedelta(hours=3), "in_transit", carrier_code="AR")
    year_off = TrackingEvent.create(NOW.replace(year=2031), "delivered", carrier_code="DL")
    state = fold_events([scanned, year_off], now=NOW)
    assert (state.status, state.delivered_at, state.event_count) == (Status.IN_TRANSIT, None, 2)
    assert state.future_from == year_off.occurred_at
    within_a_day = TrackingEvent.create(NOW + timedelta(hours=20), "out_for_delivery", carrier_code="OD")
    assert fold_events([scanned, within_a_day], now=NOW).status is Status.OUT_FOR_DELIVERY
    assert fold_events([scanned, year_off], now=year_off.occurred_at).status is Status.DELIVERED


@settings(max_examples=300, deadline=None)
@given(st.lists(events_strategy, min_size=0, max_size=12), st.lists(events_strategy, min_size=0, max_size=12))
def test_merging_a_batch_folded_on_its_own_equals_folding_everything(stored, batch):
    """What ingest does under the package lock: the batch (which may repeat stored events) was folded
    before the lock; merging it with the stored state gives the full fold of the union."""
    from parceltrail.core import merge_states

    known = {fingerprint("ups", "1Z1", e): e for e in stored}
    incoming = {fingerprint("ups", "1Z1", e): e for e in batch}
    new = len(set(incoming) - set(known))
    merged = merge_states(fold_into(PackageState(), known.items()), fold_into(PackageState(), incoming.items()), new)
    assert merged == fold_events(stored + batch, "ups", "1Z1")


@settings(max_examples=300, deadline=None)
@given(st.lists(future_strategy, min_size=0, max_size=12), st.lists(future_strategy, min_size=0, max_size=12),
       st.integers(min_value=0, max_value=3 * 1440))
def test_ingest_rule_with_events_ahead_of_now_equals_folding_everything(stored, batch, minutes_later):
    """Ingest under the package lock, with events from the future: the stored state was folded at an
    earlier now; the batch is folded on its own at the later now. Unless a held-back event has come due
    (then ingest folds the stored events whole), merging the two gives the full fold at the later now,
    the earliest held-back event included."""
    from parceltrail.core import merge_states, needs_refold

    later = NOW + timedelta(minutes=minutes_later)
    known = {fingerprint("ups", "1Z1", e): e for e in stored}
    incoming = {fingerprint("ups", "1Z1", e): e for e in batch}
    state = fold_into(PackageState(), known.items(), now=NOW)
    if needs_refold(state, later):
        result = fold_into(PackageState(), {**known, **incoming}.items(), now=later)
    else:
        new = len(set(incoming) - set(known))
        result = merge_states(state, fold_into(PackageState(), incoming.items(), now=later), new)
    assert result == fold_events(stored + batch, "ups", "1Z1", now=later)
