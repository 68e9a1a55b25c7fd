"""Scorecards equal a direct count: parcels labelled on the sandbox network's carriers, every scan of
their journeys recorded, and each figure counted again straight from the journeys (the ground truth)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

from parceltrail.carriers.sandbox import Scenario
from parceltrail.core import NOT_A_HANDOFF, Status, Substatus
from parceltrail.services.scorecards import scorecards
from tests.integration.labels.conftest import T0, ship_and_track

CARRIERS = (("sandbox_swift", "ground"), ("sandbox_thrift", "ground"), ("sandbox_west", "ground"))
SCENARIOS = (Scenario.NORMAL, Scenario.NORMAL, Scenario.NORMAL, Scenario.LOST, Scenario.DAMAGED,
             Scenario.FAILED_ATTEMPT_THEN_SUCCESS, Scenario.NORMAL, Scenario.WEATHER_DELAY, None, None)
STATE = {0: "OR", 1: "NY", 2: "IL"}


def plan():
    return [(c, s, where, scenario) for c, s in CARRIERS for where in STATE for scenario in SCENARIOS]


def rank(values, share):
    values = sorted(values)
    return values[math.ceil(share * len(values)) - 1]


def direct_count(made):
    """Each (carrier, service, lane)'s figures, from the journeys alone."""
    groups = defaultdict(list)
    for created, trip in made:
        label = created.label
        groups[(label.carrier, label.service, f"981 -> {trip.destination.region}")].append((label, trip))
    out = {}
    for key, items in groups.items():
        delivered = [(label, trip) for label, trip in items if trip.delivered_at is not None]
        days = []
        for _, trip in delivered:
            handoff = min(s.occurred_at for s in trip.scans if s.status not in NOT_A_HANDOFF)
            days.append(round((trip.delivered_at - handoff) / timedelta(days=1), 2))
        on_time = [trip.delivered_at.astimezone(trip.destination.zone).date() <= label.promised_on
                   for label, trip in delivered]
        late_undelivered = len(items) - len(delivered)  # lost: 40 days on, every promise has passed
        out[key] = {
            "parcels": len(items),
            "delivered": len(delivered),
            "promise_judged": len(items),
            "on_time_promise": round(sum(on_time) / len(items), 4),
            "median_days": round(rank(days, 0.5), 2),
            "p90_days": round(rank(days, 0.9), 2),
            "exceptions_per_100": round(100 * sum(any(s.status is Status.EXCEPTION for s in t.scans) for _, t in items)
                                        / len(items), 2),
            "lost_per_1000": round(1000 * sum(t.outcome[1] is Substatus.LOST for _, t in items) / len(items), 1),
            "damaged_per_1000": round(1000 * sum(any(s.substatus is Substatus.DAMAGED for s in t.scans)
                                                 for _, t in items) / len(items), 1),
            "first_attempt_share": round(sum(not any(s.status is Status.DELIVERY_FAILED for s in t.scans)
                                             for _, t in delivered) / len(delivered), 4),
        }
        assert late_undelivered == sum(t.outcome[1] is Substatus.LOST for _, t in items)
    return out


def test_scorecards_equal_a_direct_count_of_the_journeys(uow, shop, clock):
    made = ship_and_track(uow, shop, clock, plan())
    cards = scorecards(uow, shop, T0 - timedelta(days=1), T0 + timedelta(days=1))
    expected = direct_count(made)
    assert {(c.carrier, c.service, c.lane) for c in cards} == set(expected)
    for card in cards:
        want = expected[(card.carrier, card.service, card.lane)]
        got = {k: v for k, v in card.to_dict().items() if k in want}
        assert got == want, (card.carrier, card.lane)
    # the mix really is in the data: something lost, damaged, a failed first attempt, late parcels
    total = {k: sum(e[k] for e in expected.values()) for k in ("lost_per_1000", "damaged_per_1000")}
    assert total["lost_per_1000"] > 0 and total["damaged_per_1000"] > 0
    assert any(e["first_attempt_share"] < 1 for e in expected.values())
    assert any(e["on_time_promise"] < 1 for e in expected.values())


def test_deliver_by_share_and_coarser_groupings(uow, shop, clock):
    made = ship_and_track(uow, shop, clock, plan()[:20], deliver_by_days=4)
    by_carrier = scorecards(uow, shop, T0 - timedelta(days=1), T0 + timedelta(days=1), by="carrier")
    assert sum(c.parcels for c in by_carrier) == 20 and all(c.service is None and c.lane is None for c in by_carrier)
    deadline = (T0 + timedelta(days=4)).date()
    for card in by_carrier:
        trips = [t for c, t in made if c.label.carrier == card.carrier]
        met = [t.delivered_at is not None and t.delivered_at.astimezone(t.destination.zone).date() <= deadline
               for t in trips]
        assert card.deliver_by_judged == len(trips)
        assert card.on_time_deliver_by == round(sum(met) / len(trips), 4)


def test_a_period_without_parcels_and_another_shop_see_nothing(uow, shop, clock):
    from parceltrail.services import create_shop

    ship_and_track(uow, shop, clock, plan()[:3])
    assert scorecards(uow, shop, T0 + timedelta(days=1), T0 + timedelta(days=2)) == []
    other = create_shop(uow, "Other shop").shop.id
    assert scorecards(uow, other, T0 - timedelta(days=1), T0 + timedelta(days=1)) == []
