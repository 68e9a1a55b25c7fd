"""Saturday as a delivery day, measured on the sandbox carrier's ground service (it delivers Monday to Saturday).

Ground parcels of the sandbox network (carriers/sandbox: its own timing model, deterministic per tracking
number) become a shop's history: bought a few hours to a day before the label, handed over at the pickup
scan, delivered at the delivery scan, times in the destination's zone. The first months train a model;
the last two months are predicted at order time and at handoff and scored against the delivery dates.

Baseline in the same run: the same parcels under a service name the calendar does not know, so their
days are counted Monday to Friday (the calendar every service had before Saturdays were counted). The
ratios say what counting Saturdays buys. The sandbox is our own simulator, not a real carrier: this
shows the mechanism works where Saturday deliveries are common, not how much it buys on USPS.
Run: .venv/bin/python -P bench/eta_saturday.py [--parcels 6000] [--months 10]
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from parceltrail.carriers.sandbox.journey import journey
from parceltrail.carriers.sandbox.numbering import Scenario, Service, encode
from parceltrail.eta import HistoryRow, Place, predict_many, train
from parceltrail.eta.backtest import as_input, estimate_scores
from parceltrail.eta.prior import delivers_saturday

START = datetime(2025, 1, 6, 9, tzinfo=UTC)
TEST_MONTHS = 2
ARMS = {"saturday_calendar": "ground", "weekday_calendar": "ground_weekdays"}  # baseline: Monday to Friday


def place(p: Any) -> Place:
    return Place(country=p.country, region=p.region, postal_code=p.postal_code, lat=p.lat, lon=p.lon)


def sandbox_history(parcels: int, months: int, seed: int = 11) -> list[HistoryRow]:
    """Delivered sandbox ground parcels labelled over ``months`` months, as a shop's history."""
    rng = random.Random(seed)
    span = timedelta(days=30.4 * months)
    rows = []
    for i in range(parcels):
        labelled = START + span * rng.random()
        trip = journey(encode(labelled, Service.GROUND, Scenario.NORMAL, rng.randrange(10**6)))
        if trip.scans[-1].status.value != "delivered":
            continue
        zone = trip.destination.zone
        pickup = next(s.occurred_at for s in trip.scans if s.code == "PU")
        rows.append(HistoryRow(
            package_id=f"s{i}", purchased_at=(trip.shipped_at - timedelta(hours=rng.uniform(1, 30))).astimezone(zone),
            handed_over_at=pickup.astimezone(zone), delivered_at=trip.scans[-1].occurred_at.astimezone(zone),
            origin=place(trip.origin), destination=place(trip.destination), seller_id="shop",
            carrier="sandbox", service=ARMS["saturday_calendar"], weight_g=800.0,
        ))
    return sorted(rows, key=lambda r: r.purchased_at)


def moment_scores(model: Any, test: list[HistoryRow]) -> dict[str, tuple[dict[str, Any], list]]:
    """Per moment, the scores of the model's estimates for ``test`` and the estimates."""
    out = {}
    for moment, at_handoff in (("order_placed", False), ("carrier_handoff", True)):
        estimates = predict_many(model, [as_input(r, at_handoff) for r in test])
        out[moment] = estimate_scores(estimates, [r.delivered_at.date() for r in test]), estimates
    return out


def scored(rows: list[HistoryRow], months: int) -> dict[str, Any]:
    cut = START + timedelta(days=30.4 * (months - TEST_MONTHS))
    known = [r for r in rows if r.delivered_at < cut]
    test = [r for r in rows if r.purchased_at >= cut]
    out: dict[str, Any] = {"n_train": len(known), "n_test": len(test)}
    for moment, (scores, estimates) in moment_scores(train(known, as_of=cut), test).items():
        out[moment] = {**scores,
                       "likely_on_a_saturday": round(sum(e.likely.weekday() == 5 for e in estimates) / len(test), 4)}
    out["delivered_on_a_saturday"] = round(sum(r.delivered_at.weekday() == 5 for r in test) / len(test), 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=6000)
    parser.add_argument("--months", type=int, default=10)
    args = parser.parse_args()
    assert delivers_saturday("sandbox", ARMS["saturday_calendar"]) and not delivers_saturday("sandbox", ARMS["weekday_calendar"])
    rows = sandbox_history(args.parcels, args.months)  # one set of parcels; the arms differ in the service name only
    arms = {name: scored([replace(r, service=service) for r in rows], args.months) for name, service in ARMS.items()}
    ours, base = arms["saturday_calendar"], arms["weekday_calendar"]
    ratios = {}
    for moment in ("order_placed", "carrier_handoff"):
        ratios[f"{moment}_mae_days"] = round(ours[moment]["mae_days"] / base[moment]["mae_days"], 3)
        ratios[f"{moment}_promise_slack"] = round(
            ours[moment]["promise"]["mean_slack_days"] / base[moment]["promise"]["mean_slack_days"], 3)
    print(json.dumps({**arms, "ratios_saturday_to_weekday": ratios}))


if __name__ == "__main__":
    main()
