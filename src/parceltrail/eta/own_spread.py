"""A shop's own spread: window and promise scales chosen on the shop's own recent months.

The shipped scales (training.CHOSEN) were chosen on ten Olist months full of jams; on a regular network
they over-cover (bench/eta_own_spread.py). With enough history, each of the shop's last complete months
is held out in turn: the boosters learn from what was known at the month's first day, predict the
month's orders as the worker would (history re-read daily) and ``eta.tuning.choose`` picks the regime
threshold, scales and powers on those months by the same rule that chose the shipped ones.

A month qualifies when it ended ``censor_days`` before the newest delivery (its slow parcels have
arrived), holds MIN_MONTH_ORDERS orders and had MIN_ROWS deliveries behind it. Fewer than MIN_MONTHS
qualifying months, or fewer than MIN_ORDERS orders in them: no own spread (a 95% promise chosen on a
few hundred orders is noise). The trade-off: a spread follows the months it was chosen on. Chosen in
calm months it holds less in the next jam; chosen on months that end in a jam (Olist's before its
2018-06-01 cut-off) it is wider than it need be afterwards (docs/delivery-dates.md, Limits). The track
record in ``eta show`` says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from parceltrail.eta.backtest import REFRESH_DAYS, as_input
from parceltrail.eta.calibration import IDENTITY, REGIME_FEATURE, Calibration
from parceltrail.eta.features import FEATURE_NAMES, HANDOFF, MOMENTS, destination_calendar, index_history
from parceltrail.eta.history import HistoryRow, InFlight, in_flight_at, lane_length
from parceltrail.eta.predict import booster_days, features_for
from parceltrail.eta.stats import HistoryIndex
from parceltrail.eta.training import (
    MIN_ROWS,
    Progress,
    TrainConfig,
    assemble,
    build_training_set,
    fit_boosters,
    usable,
)
from parceltrail.eta.tuning import HORIZON, KEYS, Sample, choose

MIN_MONTHS = 3
# A year: every season once, its peak included. Fewer months follow the present network more closely but
# rest on fewer orders: six Olist months left two steady ones, and noise picked the scales (delivery-dates.md).
MAX_MONTHS = 12
MIN_MONTH_ORDERS = 50
MIN_ORDERS = 600


@dataclass(frozen=True)
class OwnSpread:
    """The chosen calibration per moment, the months it was chosen on, and how it held on them."""

    calibration: dict[str, Calibration]
    months: list[str]
    orders: int
    held: dict[str, dict[str, float]]  # per moment: window coverage and width, promise on time and slack

    def to_json(self) -> dict[str, Any]:
        return {"source": "own_months", "months": self.months, "orders": self.orders, "held": self.held,
                "calibration": {m: c.to_json() for m, c in self.calibration.items()}}


def month_sample(
    rows: Sequence[HistoryRow], known: Sequence[HistoryRow], history: HistoryIndex, start: datetime, end: datetime,
    config: TrainConfig,
) -> dict[str, Sample]:
    """Boosters trained on ``known`` as of ``start`` predict the orders purchased in [start, end). ``rows``
    are all the orders (those delivered after ``start`` were in flight then); ``history`` is re-read a
    day before each prediction."""
    training = build_training_set(usable(list(known), start), start, config, in_flight=in_flight_at(rows, start))
    model = assemble(training, fit_boosters(training, start, config), start, replace(config, calibration=IDENTITY))
    held = [r for r in known if start <= r.purchased_at < end]
    samples = {}
    for moment in model.boosters:  # a month too few handoffs were known before holds out order time only
        at_handoff = moment == HANDOFF
        chosen = [r for r in held if r.handed_over_at is not None or not at_handoff]
        if not chosen:
            continue
        clock = [r.handed_over_at if at_handoff else r.purchased_at for r in chosen]
        matrix = features_for(model, moment, [as_input(r, at_handoff) for r in chosen], clock,  # type: ignore[arg-type]
                              [r.origin for r in chosen], history, REFRESH_DAYS)
        table = np.empty((len(chosen), HORIZON + 1), dtype=np.int64)
        for i, (row, at) in enumerate(zip(chosen, clock, strict=True)):
            calendar = destination_calendar(row, model.cutoff_hour)
            first = calendar.clock_start(at)  # type: ignore[arg-type]
            table[i] = [calendar.add_business_days(first, k).toordinal() for k in range(HORIZON + 1)]
        samples[moment] = Sample(
            np.log1p(np.maximum(booster_days(model, moment, matrix), 0.0)),
            matrix[:, FEATURE_NAMES[moment].index(REGIME_FEATURE[moment])],
            np.asarray([lane_length(km) for km in matrix[:, FEATURE_NAMES[moment].index("distance_km")]]),
            table, np.asarray([r.delivered_at.date().toordinal() for r in chosen], dtype=np.int64),
        )
    return samples


def held_out_months(rows: Sequence[HistoryRow], as_of: datetime, censor_days: float) -> list[tuple[datetime, datetime]]:
    """The newest calendar months (UTC, oldest first) that qualify to be held out, at most MAX_MONTHS."""
    last_end = (as_of - timedelta(days=censor_days)).astimezone(UTC)
    end = datetime(last_end.year, last_end.month, 1, tzinfo=UTC)
    first_purchase = min(r.purchased_at for r in rows)
    months: list[tuple[datetime, datetime]] = []
    while len(months) < MAX_MONTHS and end > first_purchase:
        start = datetime(end.year - (end.month == 1), (end.month - 2) % 12 + 1, 1, tzinfo=UTC)
        orders = sum(start <= r.purchased_at < end for r in rows)
        before = sum(r.delivered_at < start for r in rows)
        if before < MIN_ROWS:
            break
        if orders >= MIN_MONTH_ORDERS:
            months.append((start, end))
        end = start
    return months[::-1]


def own_spread(
    rows: Sequence[HistoryRow], as_of: datetime, config: TrainConfig, in_flight: Sequence[InFlight] = (),
    progress: Progress | None = None,
) -> OwnSpread:
    """Choose the spread on the shop's own held-out months; ValueError (saying what is missing) when the
    history is too short or thin for a choice to mean anything."""
    known = usable(list(rows), as_of)
    if not known:
        raise ValueError(f"an own spread needs {MIN_MONTHS} complete months of deliveries; there are none")
    months = held_out_months(known, as_of, config.censor_days)
    orders = sum(start <= r.purchased_at < end for start, end in months for r in known)
    if len(months) < MIN_MONTHS or orders < MIN_ORDERS:
        raise ValueError(
            f"an own spread needs {MIN_MONTHS} complete months of at least {MIN_MONTH_ORDERS} orders each, "
            f"{MIN_ORDERS} orders in all, ended {config.censor_days:g} days before the newest delivery and "
            f"with {MIN_ROWS} deliveries before the first; this history has {len(months)} such months "
            f"({orders} orders)")
    history = index_history(known, config.cutoff_hour, [*in_flight, *in_flight_at(rows, as_of)])
    folds = []
    for done, (start, end) in enumerate(months):
        if progress:
            progress(f"own spread: month {start:%Y-%m}", done, len(months))
        folds.append(month_sample(rows, known, history, start, end, config))
    chosen = choose(folds)  # a moment no month held out (no pickup scans) keeps the shipped spread
    return OwnSpread(
        calibration={m: Calibration.from_json(chosen[m]["calibration"]) if m in chosen else config.calibration[m]
                     for m in MOMENTS},
        months=[f"{start:%Y-%m}" for start, _ in months], orders=orders,
        held={m: {k: round(float(c[k]), 4) for k in KEYS} for m, c in chosen.items()},
    )
