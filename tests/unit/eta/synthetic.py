"""Small synthetic delivery histories for the eta unit tests (deterministic, seeded)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from parceltrail.eta import HistoryRow, Place, calendar_for
from parceltrail.eta.prior import delivers_saturday

ORIGIN = Place(country="US", region="NY", postal_code="10001", lat=40.75, lon=-73.99)
# destinations at growing distance from New York: transit days and their spread grow with it
DESTINATIONS = [
    (Place(country="US", region="NJ", postal_code="07030", lat=40.74, lon=-74.03), 1, 0),
    (Place(country="US", region="PA", postal_code="19103", lat=39.95, lon=-75.17), 2, 1),
    (Place(country="US", region="IL", postal_code="60601", lat=41.88, lon=-87.62), 3, 2),
    (Place(country="US", region="TX", postal_code="75201", lat=32.79, lon=-96.80), 4, 3),
    (Place(country="US", region="CA", postal_code="94105", lat=37.79, lon=-122.39), 5, 5),
]
# a second warehouse ships within California: the model sees that a parcel already in the
# destination's region is a day or two out, which is what a scan near the destination means
WEST = Place(country="US", region="CA", postal_code="90012", lat=34.05, lon=-118.24)
START = datetime(2024, 1, 2, tzinfo=UTC)


def history(n: int = 1500, seed: int = 3, days: int = 300,
            services: tuple[tuple[str, str], ...] = (("ups", "ground"),)) -> list[HistoryRow]:
    """Orders over ``days`` days, by the carrier ``services`` in turn; each delivered on a working day
    of its destination's calendar (Saturdays too where the service delivers then)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        dest, base, spread = DESTINATIONS[i % len(DESTINATIONS)]
        origin = WEST if i % 10 == 9 else ORIGIN
        if origin is WEST:
            base, spread = 1, 1
        purchased = START + timedelta(days=rng.uniform(0, days), hours=rng.uniform(0, 1))
        carrier, service = services[i % len(services)]
        cal = calendar_for(dest.country, dest.region, saturday=delivers_saturday(carrier, service))
        handed_day = cal.add_business_days(cal.clock_start(purchased), rng.choice((0, 1, 1, 2)))
        handed = datetime.combine(handed_day, datetime.min.time(), UTC) + timedelta(hours=12)
        delivered_day = cal.add_business_days(cal.clock_start(handed), base + rng.randint(0, spread))
        rows.append(HistoryRow(
            package_id=f"p{i}", purchased_at=purchased, handed_over_at=handed,
            delivered_at=datetime.combine(delivered_day, datetime.min.time(), UTC) + timedelta(hours=15),
            origin=origin, destination=dest, seller_id="shop", carrier=carrier, service=service,
            weight_g=500.0 + 10 * (i % 7),
        ))
    return rows
