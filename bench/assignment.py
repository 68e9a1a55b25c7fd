"""Carrier assignment on the sandbox network: the shop's rule against "always the cheapest" and "always the fastest".

A shop ships from Seattle on the sandbox network's four carriers (eight services; lanes differ in speed,
reliability and price: ``carriers/sandbox/lines.py``). History: ``--history`` parcels over 30 days on
services drawn at random, labelled through ``services.labels`` and every scan recorded, so the scorecards
know each lane. Then ``--orders`` orders, each with a TikTok-style deliver-by 3 to 10 days after the
label, to ZIPs drawn from the whole country. For every order the three policies rank the same candidates
(``services.assignment``), and each choice is shipped with the same random draw (common random numbers),
so the policies differ only by their choices. On time: delivered on or before the deliver-by, in the
destination's local day; cost: the sandbox carriers' published price.

    .venv/bin/python bench/assignment.py            # --history 2400 --orders 600 --seed 7

Prints JSON: per policy on-time share and mean cost; the rule's ratios to each baseline; assignment speed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]  # bench/numbers.py

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from parceltrail.carriers.sandbox import journey  # noqa: E402
from parceltrail.carriers.sandbox.geography import zip_pool  # noqa: E402
from parceltrail.carriers.sandbox.lines import LINES  # noqa: E402
from parceltrail.carriers.sandbox.network import mint_label  # noqa: E402
from parceltrail.core.address import PostalAddress  # noqa: E402
from parceltrail.core.assignment import choose  # noqa: E402
from parceltrail.core.parcel import Parcel  # noqa: E402
from parceltrail.services import create_shop, ingest_many  # noqa: E402
from parceltrail.services.assignment import History, candidates_for, connected_carriers  # noqa: E402
from parceltrail.services.clock import ManualClock, set_clock  # noqa: E402
from parceltrail.services.labels import LabelRequest, create_label  # noqa: E402
from parceltrail.services.shipping import get_settings, update_settings  # noqa: E402
from parceltrail.store import UnitOfWork, make_engine, migrate  # noqa: E402

ORIGIN = {"name": "Lantern & Co", "line1": "400 Broad St", "city": "Seattle", "region": "WA", "postal_code": "98109"}
START = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)
POLICIES = ("cheapest_on_time", "cheapest", "fastest")


def buyer(place) -> dict[str, str]:
    return {"name": "A Buyer", "line1": "100 Main St", "city": place.city, "region": place.region,
            "postal_code": place.postal_code}


def build_history(uow: UnitOfWork, shop_id: str, clock: ManualClock, n: int, rng: random.Random) -> None:
    services = [(line.code, s.name.lower()) for line in LINES.values() for s in line.services]
    pool = zip_pool()
    made = []
    for i in range(n):
        clock._now = START + timedelta(days=30) * i / n  # noqa: SLF001 (stepping the bench's own clock)
        carrier, service = rng.choice(services)
        place = pool[rng.randrange(len(pool))]
        number = mint_label(carrier, service, ORIGIN["postal_code"], place.postal_code, clock.now(), rng)
        created = create_label(uow, shop_id, LabelRequest(ship_to=buyer(place), weight="2 lb", size="12x10x8 in",
                                                          carrier=carrier, service=service, tracking_number=number))
        made.append((created.package.id, journey(number)))
    clock._now = START + timedelta(days=70)  # noqa: SLF001
    for i in range(0, len(made), 200):
        ingest_many(uow, shop_id, {pid: [s.event() for s in j.scans] for pid, j in made[i:i + 200]}, source="carrier")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=2400)
    parser.add_argument("--orders", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    clock = ManualClock(START)
    set_clock(clock)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate(engine)
        uow = UnitOfWork(engine)
        shop_id = create_shop(uow, "Assignment bench").shop.id
        update_settings(uow, shop_id, ship_from=ORIGIN)
        began = time.perf_counter()
        build_history(uow, shop_id, clock, args.history, rng)
        history_s = time.perf_counter() - began

        ship_from = PostalAddress(**ORIGIN)
        parcel = Parcel.of("2 lb", "12x10x8 in")
        carriers = connected_carriers(uow, shop_id)
        settings = get_settings(uow, shop_id)
        pool = zip_pool()
        results = {p: {"on_time": 0, "cost": 0.0, "choices": {}} for p in POLICIES}
        confident = [0, 0]  # orders where the rule found a candidate at its confidence; of them on time
        timings = []
        history, history_day = None, None
        for i in range(args.orders):
            clock._now = START + timedelta(days=70) + timedelta(days=14) * i / args.orders  # noqa: SLF001
            now = clock.now()
            if history_day != now.date():
                history, history_day = History.read(uow, shop_id, now), now.date()
            place = pool[rng.randrange(len(pool))]
            ship_to = PostalAddress("A Buyer", None, "100 MAIN ST", None, place.city, place.region, place.postal_code)
            deliver_by = (now + timedelta(days=rng.randint(3, 10))).date()
            draw = rng.randrange(2**32)
            t = time.perf_counter()
            found = candidates_for(uow, shop_id, carriers, ship_from, ship_to, parcel, deliver_by, now, history)
            decisions = {p: choose(found, p, settings.confidence, deliver_by) for p in POLICIES}
            timings.append(time.perf_counter() - t)
            for policy, decision in decisions.items():
                chosen = decision.chosen
                number = mint_label(chosen.carrier, chosen.service, ship_from.postal_code, place.postal_code, now,
                                    random.Random(draw))
                trip = journey(number)
                arrived = trip.delivered_at.astimezone(trip.destination.zone).date() if trip.delivered_at else None
                result = results[policy]
                result["on_time"] += arrived is not None and arrived <= deliver_by
                result["cost"] += chosen.price or 0.0
                result["choices"][chosen.name] = result["choices"].get(chosen.name, 0) + 1
                if policy == "cheapest_on_time" and chosen.chance is not None and chosen.chance >= settings.confidence:
                    confident[0] += 1
                    confident[1] += arrived is not None and arrived <= deliver_by
        n = args.orders
        summary = {p: {"on_time_share": round(r["on_time"] / n, 4), "mean_cost": round(r["cost"] / n, 2),
                       "choices": dict(sorted(r["choices"].items(), key=lambda kv: -kv[1]))}
                   for p, r in results.items()}
        rule = summary["cheapest_on_time"]
        out = {
            "bench": "assignment", "history_parcels": args.history, "orders": n, "seed": args.seed,
            "policies": summary,
            "ratios": {
                "on_time_vs_cheapest": round(rule["on_time_share"] / summary["cheapest"]["on_time_share"], 3),
                "cost_vs_cheapest": round(rule["mean_cost"] / summary["cheapest"]["mean_cost"], 3),
                "on_time_vs_fastest": round(rule["on_time_share"] / summary["fastest"]["on_time_share"], 3),
                "cost_vs_fastest": round(rule["mean_cost"] / summary["fastest"]["mean_cost"], 3),
            },
            "rule_confident_orders": confident[0],
            "rule_on_time_when_confident": round(confident[1] / confident[0], 4) if confident[0] else None,
            "assignment_ms_median": round(1000 * statistics.median(timings), 2),
            "history_seconds": round(history_s, 1),
        }
        json.dump(out, sys.stdout, indent=1)
        print()
        engine.dispose()


if __name__ == "__main__":
    main()
