"""Events in any order, repeated, or heard late give the same flags as the same events heard in order.

Checked on generated journeys of every kind (``parceltrail.journeys``), which a person did not write
one by one: for any moment the detector answers the same for any arrival order and repeats; and a replay
whose scans arrive in shuffled batches, repeated and up to six hours late raises the same flags as one
that hears each scan as it happens, each no earlier and at most those hours later, apart from flags a
late scan showed were never true (``retracted``) and in-order flags too short-lived to be seen at all.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from parceltrail.core.flags import Detector
from parceltrail.journeys import generate
from parceltrail.services.flag_inputs import calendars_for, locate, shipment_of
from parceltrail.services.replay import _package, replay_journey
from parceltrail.services.replay_input import read_line

DELAY = timedelta(hours=6)
SLACK = timedelta(hours=1)


@cache
def lines() -> tuple[str, ...]:
    return tuple(json.dumps(line) for line in generate(36, seed=20251201))


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _z(moment: datetime) -> str:
    return moment.isoformat()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 35), st.randoms(use_true_random=False))
def test_detector_answers_the_same_for_any_arrival_order_and_repeats(index, rng):
    journey = read_line(1, lines()[index])
    events = [a.event for a in journey.arrivals]
    package = _package(journey, journey.order_created_at)
    shipment, calendars = shipment_of(package), calendars_for(journey.carrier, journey.service, journey.destination)
    mixed = events + rng.sample(events, k=min(3, len(events)))
    rng.shuffle(mixed)
    one, other = Detector(shipment, events, calendars, locate=locate), Detector(shipment, mixed, calendars, locate=locate)
    assert one.instants() == other.instants()
    for moment in [*one.instants(), journey.as_of]:
        assert one.flags(moment) == other.flags(moment)


def _heard_in_order(line: dict) -> dict:
    events = [dict(e, recorded_at=e["occurred_at"]) for e in line["events"]]
    return dict(line, events=sorted(events, key=lambda e: _t(e["occurred_at"])))


def _heard_late(line: dict, rng: random.Random) -> dict:
    as_of = _t(line["as_of"])
    events = []
    for e in line["events"]:
        heard = min(_t(e["occurred_at"]) + timedelta(hours=rng.uniform(0, DELAY.total_seconds() / 3600)), as_of)
        events.append(dict(e, recorded_at=_z(heard)))
    for e in rng.sample(events, k=min(2, len(events))):  # sent again, later
        events.append(dict(e, recorded_at=_z(min(_t(e["recorded_at"]) + timedelta(hours=rng.uniform(0, 3)), as_of))))
    rng.shuffle(events)
    return dict(line, events=events)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 35), st.randoms(use_true_random=False))
def test_late_and_out_of_order_scans_raise_the_same_flags(index, rng):
    line = json.loads(lines()[index])
    line["events"] = [e for e in line["events"] if _t(e["occurred_at"]) <= _t(line["as_of"])]
    in_order = replay_journey(read_line(1, json.dumps(_heard_in_order(line))))
    late = [r for r in replay_journey(read_line(1, json.dumps(_heard_late(line, rng)))) if not r.retracted]
    unmatched = list(in_order)
    for record in late:
        match = next((o for o in unmatched if o.type == record.type
                      and o.first_flagged_at - SLACK <= record.first_flagged_at <= o.first_flagged_at + DELAY + SLACK),
                     None)
        assert match is not None, f"{line['id']} ({line['scenario']}): {record.type} at {record.first_flagged_at} " \
                                  f"is not among the in-order flags {[(o.type, o.first_flagged_at) for o in in_order]}"
        unmatched.remove(match)
        if match.closed_at is not None:
            assert record.closed_at is not None
            assert match.closed_at - SLACK <= record.closed_at <= match.closed_at + DELAY + SLACK
    for missing in unmatched:  # only flags that came and went before a late scan could show them
        assert missing.closed_at is not None and missing.closed_at - missing.first_flagged_at <= DELAY + SLACK, \
            f"{line['id']}: in-order {missing.type} flag missing when scans arrive late"
