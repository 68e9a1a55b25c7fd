"""Backtest: train on what was known at a cut-off, score predictions for orders placed after it.

Errors are whole calendar days, predicted date minus actual delivery date. Slack is the signed mean
of (promise - actual): days a buyer is told to wait beyond the real delivery, minus days late.
The lane-median baseline is the median purchase-to-delivery days per (seller region, buyer region)
in the training period, falling back to the overall median for lanes never seen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from parceltrail.eta.features import index_history
from parceltrail.eta.history import LANE_LENGTHS, HistoryRow, distance_km, in_flight_at, lane_length
from parceltrail.eta.model import Model
from parceltrail.eta.predict import Estimate, PredictionInput, predict_many
from parceltrail.eta.stats import HistoryIndex
from parceltrail.eta.training import Progress, TrainConfig, train, usable

FROZEN_HORIZON_DAYS = 90.0  # a frozen model serves the ~3 months after its cut-off


def as_input(row: HistoryRow, at_handoff: bool) -> PredictionInput:
    """What a live system knew about a delivered row before delivery."""
    return PredictionInput(
        purchased_at=row.purchased_at, origin=row.origin, destination=row.destination,
        seller_id=row.seller_id, carrier=row.carrier, service=row.service, weight_g=row.weight_g,
        volume_cm3=row.volume_cm3, items=row.items, shipping_cost=row.shipping_cost,
        handed_over_at=row.handed_over_at if at_handoff else None,
    )


def point_scores(errors: Sequence[int]) -> dict[str, float]:
    n = len(errors) or 1
    return {
        "mae_days": round(sum(abs(e) for e in errors) / n, 3),
        "within_1d": round(sum(abs(e) <= 1 for e in errors) / n, 4),
        "within_2d": round(sum(abs(e) <= 2 for e in errors) / n, 4),
        "within_3d": round(sum(abs(e) <= 3 for e in errors) / n, 4),
    }


def promise_scores(promised: Sequence[date], actual: Sequence[date]) -> dict[str, float]:
    slack = [(p - a).days for p, a in zip(promised, actual, strict=True)]
    n = len(slack) or 1
    return {"on_time": round(sum(s >= 0 for s in slack) / n, 4), "mean_slack_days": round(sum(slack) / n, 3)}


def estimate_scores(estimates: Sequence[Estimate], actual: Sequence[date]) -> dict[str, Any]:
    n = len(actual) or 1
    scores: dict[str, Any] = point_scores([(e.likely - a).days for e, a in zip(estimates, actual, strict=True)])
    scores["window"] = {
        "coverage": round(sum(e.earliest <= a <= e.latest for e, a in zip(estimates, actual, strict=True)) / n, 4),
        "mean_width_days": round(sum((e.latest - e.earliest).days for e in estimates) / n, 3),
    }
    scores["promise"] = promise_scores([e.promise for e in estimates], actual)
    return scores


def lane_length_scores(estimates: Sequence[Estimate], rows: Sequence[HistoryRow]) -> dict[str, Any]:
    """Window coverage and promise met per lane-length class (``eta.history.lane_length``): the claims
    are meant for short and long lanes alike, and an average over all can hide one class paying for another."""
    classes = [lane_length(distance_km(r.origin, r.destination)) for r in rows]
    out = {}
    for name in sorted(set(classes), key=LANE_LENGTHS.index):
        chosen = [(e, r.delivered_at.date()) for e, r, c in zip(estimates, rows, classes, strict=True) if c == name]
        scores = estimate_scores([e for e, _ in chosen], [a for _, a in chosen])
        out[name] = {"n": len(chosen), "coverage": scores["window"]["coverage"], **scores["promise"]}
    return out


def lane_medians(rows: Sequence[HistoryRow]) -> tuple[dict[tuple[str | None, str | None], float], float]:
    days: dict[tuple[str | None, str | None], list[int]] = defaultdict(list)
    for r in rows:
        days[(r.origin.region, r.destination.region)].append((r.delivered_at.date() - r.purchased_at.date()).days)
    overall = median(d for ds in days.values() for d in ds)
    return {lane: median(ds) for lane, ds in days.items()}, overall


def lane_median_errors(train_rows: Sequence[HistoryRow], test_rows: Sequence[HistoryRow]) -> list[int]:
    table, overall = lane_medians(train_rows)
    errors = []
    for r in test_rows:
        typical = table.get((r.origin.region, r.destination.region), overall)
        predicted = r.purchased_at.date() + timedelta(days=round(typical))
        errors.append((predicted - r.delivered_at.date()).days)
    return errors


def split(rows: Sequence[HistoryRow], cutoff: datetime) -> tuple[list[HistoryRow], list[HistoryRow]]:
    """Training: purchased and delivered before the cut-off. Test: purchased on or after it."""
    return usable(list(rows), cutoff), [r for r in rows if r.purchased_at >= cutoff]


REFRESH_DAYS = 1.0  # the worker re-reads each model's history daily: on average a day old


def score_model(
    model: Model, test_rows: Sequence[HistoryRow], history: HistoryIndex | None = None, lag_days: float = REFRESH_DAYS,
    by_lane_length: bool = False,
) -> dict[str, Any]:
    """Scores at order time and at handoff. With ``history``, each prediction reads the deliveries
    known ``lag_days`` before its moment (a daily refresh); without, the model's frozen snapshot.
    ``by_lane_length`` adds window coverage and promises met per lane-length class."""
    actual = [r.delivered_at.date() for r in test_rows]
    handed = [r for r in test_rows if r.handed_over_at is not None]
    placed = predict_many(model, [as_input(r, False) for r in test_rows], history, lag_days)
    at_handoff = predict_many(model, [as_input(r, True) for r in handed], history, lag_days)
    scores = {
        "model": estimate_scores(placed, actual),
        "at_carrier_handoff": estimate_scores(at_handoff, [r.delivered_at.date() for r in handed]),
    }
    if by_lane_length:
        scores["by_lane_length"] = {
            "model": lane_length_scores(placed, test_rows), "at_carrier_handoff": lane_length_scores(at_handoff, handed),
        }
    return scores


def run_backtest(
    rows: Sequence[HistoryRow],
    shop_estimates: dict[str, date],
    cutoff: datetime,
    config: TrainConfig | None = None,
    progress: Progress | None = None,
    frozen_history: bool = False,
    by_lane_length: bool = False,
) -> dict[str, Any]:
    """Trees learn only from orders purchased and delivered before ``cutoff`` and stay frozen. By
    default the lane and seller history is re-read daily as the worker does (a prediction sees the
    deliveries completed up to a day before it, never one after); ``frozen_history`` freezes it at
    the cut-off too, and then training reads history as stale as the test period will."""
    config = config or TrainConfig()
    if frozen_history:
        config = replace(config, staleness_days=FROZEN_HORIZON_DAYS)
    train_rows, test_rows = split(rows, cutoff)
    model = train(train_rows, as_of=cutoff, config=config, progress=progress, in_flight=in_flight_at(rows, cutoff))
    result: dict[str, Any] = {"n_train": len(train_rows), "n_test": len(test_rows)}
    history = None if frozen_history else index_history(list(rows), config.cutoff_hour)
    result.update(score_model(model, test_rows, history, by_lane_length=by_lane_length))
    with_estimate = [r for r in test_rows if r.package_id in shop_estimates]
    shop_errors = [(shop_estimates[r.package_id] - r.delivered_at.date()).days for r in with_estimate]
    result["baselines"] = {
        "olist_estimate": {
            "mae_days": point_scores(shop_errors)["mae_days"],
            **promise_scores([shop_estimates[r.package_id] for r in with_estimate],
                             [r.delivered_at.date() for r in with_estimate]),
        },
        "lane_median": point_scores(lane_median_errors(train_rows, test_rows)),
    }
    return result
