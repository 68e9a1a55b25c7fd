"""Prediction at three moments: order placed, handed to the carrier, and after any later scan.

A later scan is treated as a new handoff from the scan's location: the remaining journey is
predicted by the handoff model with the ship-from point moved to where the parcel now is, so a
scan near the destination shortens the lane and narrows the window. A shop with little history is
blended toward the carrier-standard prior; each estimate says which source it used and why it moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from parceltrail.eta.features import (
    HANDOFF,
    PLACED,
    destination_calendar,
    epoch_days,
    feature_matrix,
    from_target,
    index_summaries,
    snapshot_summaries,
)
from parceltrail.eta.history import Place
from parceltrail.eta.model import Model
from parceltrail.eta.prior import CarrierStandards
from parceltrail.eta.stats import HistoryIndex

FULL_TRUST_ROWS = 500  # a model trained on fewer of the shop's deliveries is blended with the prior
SCAN = "scan"


@dataclass(frozen=True, slots=True)
class Scan:
    """The newest carrier scan: canonical status (see DESIGN.md) and where it happened, when known."""

    occurred_at: datetime
    status: str
    place: Place | None = None


@dataclass(frozen=True, slots=True)
class PredictionInput:
    """What is known about an undelivered package; same attribute names as a HistoryRow."""

    purchased_at: datetime
    origin: Place
    destination: Place
    seller_id: str | None = None
    carrier: str | None = None
    service: str | None = None
    weight_g: float | None = None
    volume_cm3: float | None = None
    items: int = 1
    shipping_cost: float | None = None
    handed_over_at: datetime | None = None
    last_scan: Scan | None = None
    previous: Estimate | None = None


@dataclass(frozen=True, slots=True)
class Estimate:
    earliest: date  # earliest..latest: the window meant to hold 80% of deliveries
    likely: date  # P50
    latest: date
    promise: date  # meant to be met 95% of the time
    confidence: str  # high | medium | low
    source: str  # model | blended | carrier_standard | carrier_scan
    revised_at: datetime
    reason: str
    moment: str  # placed | handoff | scan | out_for_delivery | available_for_pickup | delivery_failed | delivered

    def to_dict(self) -> dict[str, str]:
        return {
            "earliest": self.earliest.isoformat(), "likely": self.likely.isoformat(),
            "latest": self.latest.isoformat(), "promise": self.promise.isoformat(),
            "confidence": self.confidence, "source": self.source,
            "revised_at": self.revised_at.isoformat(), "reason": self.reason,
        }


def _moment(item: PredictionInput) -> tuple[str, datetime, Place]:
    scan = item.last_scan
    if scan is not None and _locates(scan.place) and scan.status not in ("pending", "info_received"):
        return SCAN, scan.occurred_at, scan.place  # type: ignore[return-value]
    if item.handed_over_at is not None:
        return HANDOFF, item.handed_over_at, item.origin
    return PLACED, item.purchased_at, item.origin


def _locates(place: Place | None) -> bool:
    """A scan place says where the parcel is only with coordinates, a postal code or a region."""
    return place is not None and (place.has_coordinates or bool(place.postal_code) or bool(place.region))


def _confidence(quantiles: list[float], source: str) -> str:
    width = quantiles[2] - quantiles[0]
    label = "high" if width <= 2 else "medium" if width <= 5 else "low"
    return "medium" if source == "carrier_standard" and label == "high" else label


def booster_days(model: Model, model_moment: str, matrix: Any) -> np.ndarray:
    """The boosters' own P10, P50, P90 and P95 in working days, before calibration."""
    if len(matrix) == 1:  # one package, the live path: skip Booster.predict's per-call setup
        raw = np.asarray([model.single_row(model_moment)(matrix[0])])
    else:
        raw = np.column_stack([booster.predict(matrix, num_threads=1) for booster in model.boosters[model_moment]])
    return from_target(model.target, model_moment, matrix, raw)


def _learned(model: Model, model_moment: str, matrix: Any) -> list[list[float]]:
    days = booster_days(model, model_moment, matrix)
    return model.calibration[model_moment].apply(model_moment, matrix, days).tolist()


def features_for(
    model: Model, model_moment: str, items: list[PredictionInput], clock_at: list[datetime], places: list[Place],
    history: HistoryIndex | None = None, history_lag_days: float = 0.0,
) -> np.ndarray:
    """Model inputs for ``items`` at their moments, history read from ``history`` (each moment less
    ``history_lag_days``) or, without it, from the model's snapshot."""
    moments = [epoch_days(at) for at in clock_at]
    if history is None:
        summaries = snapshot_summaries(items, places, model.snapshot)
        staleness = [max(0.0, t - model.snapshot.as_of) for t in moments]
    else:
        summaries = index_summaries(items, history, np.asarray(moments) - history_lag_days, places)
        staleness = [history_lag_days] * len(items)
    return feature_matrix(
        model_moment, items, clock_at=clock_at, summaries=summaries, staleness_days=staleness,
        vocab=model.vocab, cutoff_hour=model.cutoff_hour, origins=places,
    )


def _monotone(q: list[float]) -> list[float]:
    """earliest <= likely <= latest <= promise, all >= 0: quantile models trained apart can cross."""
    out, floor = [], 0.0
    for value in q:
        floor = max(floor, float(value))
        out.append(floor)
    return out


def _describe(moment: str, at: datetime, place: Place, source: str, n_rows: int) -> str:
    where = place.postal_code or place.region or place.country
    basis = {
        "model": f"learned from {n_rows} deliveries",
        "blended": f"{n_rows} own deliveries blended with carrier standards",
        "carrier_standard": "carrier published standards (no own history yet)",
    }[source]
    head = {
        PLACED: "order placed",
        HANDOFF: f"handed to carrier on {at.date().isoformat()}",
        SCAN: f"scanned at {where} on {at.date().isoformat()}",
    }[moment]
    return f"{head}; {basis}"


def _moved(previous: Estimate | None, likely: date) -> str:
    if previous is None:
        return ""
    delta = (likely - previous.likely).days
    if delta == 0:
        return "; likely date unchanged"
    return f"; likely date {abs(delta)} day{'s' if abs(delta) != 1 else ''} {'later' if delta > 0 else 'earlier'}"


FIXED_BY_CARRIER = ("delivered", "out_for_delivery", "available_for_pickup", "delivery_failed")


def _fixed(item: PredictionInput, scan: Scan) -> Estimate:
    """The last mile: the carrier's own word beats any model (a failed attempt is retried next working day)."""
    cal = destination_calendar(item, 24)
    day, at = scan.occurred_at.date(), scan.occurred_at
    if scan.status == "delivered":
        return Estimate(day, day, day, day, "high", "carrier_scan", at, "delivered", "delivered")
    if scan.status == "delivery_failed":
        retry, latest = cal.add_business_days(day, 1), cal.add_business_days(day, 2)
        reason = "delivery attempt failed; carriers retry the next working day" + _moved(item.previous, retry)
        return Estimate(retry, retry, latest, latest, "medium", "carrier_scan", at, reason, "delivery_failed")
    latest = cal.add_business_days(day, 1)
    reason = scan.status.replace("_", " ") + _moved(item.previous, day)
    return Estimate(day, day, latest, latest, "high", "carrier_scan", at, reason, scan.status)


def predict_many(
    model_or_prior: Model | CarrierStandards,
    items: list[PredictionInput],
    history: HistoryIndex | None = None,
    history_lag_days: float = 0.0,
) -> list[Estimate]:
    """Batch form of :func:`predict` (one booster call per quantile for the whole batch). With
    ``history`` (every delivery known so far), features are read as of each package's own moment
    less ``history_lag_days`` instead of from the model's snapshot: a replay of a store that
    refreshes its history summaries every ``history_lag_days``."""
    model = model_or_prior if isinstance(model_or_prior, Model) else None
    prior = model_or_prior if isinstance(model_or_prior, CarrierStandards) else CarrierStandards()
    results: list[Estimate | None] = [None] * len(items)
    pending: dict[str, list[tuple[int, datetime, Place]]] = {PLACED: [], HANDOFF: []}
    for i, item in enumerate(items):
        scan = item.last_scan
        if scan is not None and scan.status in FIXED_BY_CARRIER:
            results[i] = _fixed(item, scan)
            continue
        moment, at, place = _moment(item)
        pending[PLACED if moment == PLACED else HANDOFF].append((i, at, place))
    for model_moment, group in pending.items():
        if not group:
            continue
        learned: list[list[float]] | None = None
        notes: list[str] = []
        if model is not None and model_moment in model.boosters:
            matrix = features_for(
                model, model_moment, [items[i] for i, _, _ in group], [at for _, at, _ in group],
                [place for _, _, place in group], history, history_lag_days,
            )
            learned = _learned(model, model_moment, matrix)
            notes = model.calibration[model_moment].notes(model_moment, matrix)
        for k, (i, at, place) in enumerate(group):
            results[i] = _finish(model, prior, items[i], at, place, learned[k] if learned else None,
                                 notes[k] if learned else "")
    return [r for r in results if r is not None]


def _finish(
    model: Model | None, prior: CarrierStandards, item: PredictionInput, at: datetime, place: Place,
    learned: list[float] | None, network_note: str = "",
) -> Estimate:
    moment, _, _ = _moment(item)
    weight = 0.0 if model is None or learned is None else min(1.0, model.n_rows / FULL_TRUST_ROWS)
    if learned is not None and weight >= 1.0:
        quantiles, source = learned, "model"
    else:
        standard, _ = prior.quantiles(item.carrier, item.service, place, item.destination, moment != PLACED)
        if learned is None:
            quantiles, source = standard, "carrier_standard"
        else:
            quantiles = [weight * m + (1 - weight) * s for m, s in zip(learned, standard, strict=True)]
            source = "blended"
    quantiles = _monotone(quantiles)
    cal = destination_calendar(item, model.cutoff_hour if model else 14)
    start = cal.clock_start(at)
    earliest, likely, latest, promise = (cal.add_business_days(start, int(q + 0.5)) for q in quantiles)
    reason = _describe(moment, at, place, source, model.n_rows if model else 0) + network_note
    reason += _moved(item.previous, likely)
    return Estimate(earliest, likely, latest, promise, _confidence(quantiles, source), source, at, reason, moment)


def predict(model_or_prior: Model | CarrierStandards, item: PredictionInput) -> Estimate:
    """Estimate delivery for one package. Pass a trained :class:`Model`, or ``CarrierStandards()``
    for a shop that has too few deliveries to train (train() raises ValueError below MIN_ROWS)."""
    return predict_many(model_or_prior, [item])[0]
