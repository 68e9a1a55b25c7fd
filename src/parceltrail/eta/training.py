"""Training quantile models from a shop's delivery history.

Each training row sees history as of its purchase time minus a random lag of up to
``staleness_days``: at prediction the lane and seller numbers are as old as the model's last
:func:`refresh` (a store refreshes daily), and training must see equally stale history or it learns
to trust "recent" numbers more than it can.
Recent rows weigh more (half-life) so the model follows a network that speeds up or slows down.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parceltrail.eta.calibration import Calibration, Spread
from parceltrail.eta.features import (
    CATEGORICAL,
    FEATURE_NAMES,
    HANDOFF,
    MOMENTS,
    PLACED,
    RELATIVE,
    carrier_key,
    destination_calendar,
    epoch_days,
    feature_matrix,
    index_history,
    index_summaries,
    region_key,
    to_target,
)
from parceltrail.eta.history import HistoryRow, InFlight, in_flight_at
from parceltrail.eta.model import QUANTILES, Model, check_header
from parceltrail.eta.stats import HistoryIndex, StatsSnapshot

MIN_ROWS = 50  # below this a shop's predictions come from the carrier-standard prior alone

# chosen by bench/eta_tune.py on ten validation months (docs/delivery-dates.md)
CHOSEN = {
    PLACED: Calibration(0.7, steady=Spread(1.4, 0.65, 1.3), strained=Spread(1.45, 1.1, 1.75),
                        window_power=0.5, promise_power=0.25),
    HANDOFF: Calibration(0.7, steady=Spread(1.35, 0.6, 1.2), strained=Spread(1.55, 1.1, 1.7),
                         window_power=0.5, promise_power=0.5),
}

Progress = Callable[[str, int, int], None]
"""progress(step, done, total): called while features are built and boosters are trained."""


@dataclass(frozen=True)
class TrainConfig:
    """Defaults chosen on a validation slice of the training period (docs/delivery-dates.md)."""

    half_life_days: float = 60.0  # recency weight halves every this many days before the cut-off
    min_weight: float = 0.01  # rows weighing less (older than ~6.6 half-lives) are left out: cheaper, same trees
    staleness_days: float = 2.0  # history seen in training is up to this old, as at prediction time
    censor_days: float = 35.0  # targets purchased this close to the cut-off are missing their slow tail
    reweight_censored: bool = False  # instead of leaving them out, up-weight slow parcels (IPCW)
    # how far window and promise sit from the likely day, per moment and regime (eta.calibration)
    calibration: Mapping[str, Calibration] = field(default_factory=lambda: dict(CHOSEN))
    target: str = RELATIVE  # what the boosters learn (features.to_target)
    cutoff_hour: int = 14
    num_trees: int = 120
    num_leaves: int = 31
    learning_rate: float = 0.1
    min_data_in_leaf: int = 40
    num_threads: int = 2
    seed: int = 7


@dataclass(frozen=True)
class TrainingSet:
    """Feature matrices and targets per moment; kept separate so tuning can reuse one build. A history
    with fewer than MIN_ROWS sane handoffs (a carrier without pickup scans) has no handoff moment."""

    features: dict[str, Any]  # moment -> numpy matrix, columns in FEATURE_NAMES order
    targets: dict[str, Any]  # moment -> numpy vector of business days
    purchased: dict[str, Any]  # epoch days, for recency weights and the censoring correction
    delivered: dict[str, Any]  # epoch days
    index: HistoryIndex
    vocab: dict[str, dict[str, int]]


def usable(rows: list[HistoryRow], as_of: datetime) -> list[HistoryRow]:
    """Rows that were fully known at ``as_of`` and make sense (delivered after purchase)."""
    return [r for r in rows if r.delivered_at < as_of and r.purchased_at <= r.delivered_at]


def build_training_set(
    rows: list[HistoryRow], as_of: datetime, config: TrainConfig, progress: Progress | None = None,
    in_flight: Sequence[InFlight] = (),
) -> TrainingSet:
    import numpy as np

    index = index_history(rows, config.cutoff_hour, in_flight)
    vocab = build_vocab(rows)
    rng = random.Random(config.seed)
    lags = [rng.uniform(0.0, config.staleness_days) for _ in rows]
    features: dict[str, Any] = {}
    targets: dict[str, Any] = {}
    purchased: dict[str, Any] = {}
    delivered: dict[str, Any] = {}
    for moment in MOMENTS:
        if progress:
            progress("features", MOMENTS.index(moment), len(MOMENTS))
        chosen = [(row, lag) for row, lag in zip(rows, lags, strict=True) if moment == PLACED or _sane_handoff(row)]
        if moment == HANDOFF and len(chosen) < MIN_ROWS:  # no pickup scans to learn from: carrier standards then
            continue
        items = [row for row, _ in chosen]
        clock_at = [row.purchased_at if moment == PLACED else row.handed_over_at for row in items]
        as_of_each = np.asarray([epoch_days(at) - lag for at, (_, lag) in zip(clock_at, chosen)])  # type: ignore[arg-type]
        features[moment] = feature_matrix(
            moment, items, clock_at=clock_at, summaries=index_summaries(items, index, as_of_each),  # type: ignore[arg-type]
            staleness_days=[lag for _, lag in chosen], vocab=vocab, cutoff_hour=config.cutoff_hour,
        )
        targets[moment] = np.asarray([_target(row, at, config.cutoff_hour) for row, at in zip(items, clock_at)])
        purchased[moment] = np.asarray([epoch_days(row.purchased_at) for row in items])
        delivered[moment] = np.asarray([epoch_days(row.delivered_at) for row in items])
    if progress:
        progress("features", len(MOMENTS), len(MOMENTS))
    return TrainingSet(features, targets, purchased, delivered, index, vocab)


def _target(row: HistoryRow, clock_at: datetime, cutoff_hour: int) -> float:
    """Business days of the destination calendar from the moment's clock start to delivery."""
    cal = destination_calendar(row, cutoff_hour)
    return float(max(0, cal.business_days_between(cal.clock_start(clock_at), row.delivered_at.date())))


def _sane_handoff(row: HistoryRow) -> bool:
    return row.handed_over_at is not None and row.purchased_at <= row.handed_over_at <= row.delivered_at


def build_vocab(rows: list[HistoryRow]) -> dict[str, dict[str, int]]:
    origins = sorted({region_key(r.origin) for r in rows})
    dests = sorted({region_key(r.destination) for r in rows})
    carriers = sorted({carrier_key(r) for r in rows})
    return {
        "origin_region": {k: i for i, k in enumerate(origins)},
        "dest_region": {k: i for i, k in enumerate(dests)},
        "carrier_service": {k: i for i, k in enumerate(carriers)},
    }


def fit_boosters(
    training: TrainingSet, as_of: datetime, config: TrainConfig, progress: Progress | None = None
) -> dict[str, list]:
    """One LightGBM quantile booster per output level and moment, on recency-weighted rows."""
    import lightgbm
    import numpy as np

    boosters: dict[str, list] = {}
    total, done, now = len(QUANTILES) * len(training.features), 0, epoch_days(as_of)
    for moment in training.features:
        names = FEATURE_NAMES[moment]
        purchased = training.purchased[moment]
        recency = 0.5 ** ((now - purchased) / config.half_life_days)
        if config.reweight_censored:
            keep = np.ones(len(purchased), dtype=bool)
            weight = recency * censoring_weights(now - purchased, training.delivered[moment] - purchased, recency)
        else:
            keep = purchased <= now - config.censor_days
            if keep.sum() < MIN_ROWS:  # a young shop: better a slightly fast-biased model than none
                keep[:] = True
            weight = recency
        if (keep & (weight >= config.min_weight)).sum() >= MIN_ROWS:
            keep &= weight >= config.min_weight
        data = lightgbm.Dataset(
            training.features[moment][keep],
            label=to_target(config.target, moment, training.features[moment], training.targets[moment])[keep],
            weight=weight[keep],
            feature_name=names,
            categorical_feature=[n for n in CATEGORICAL if n in names],
            params={"verbose": -1, "max_bin": 63},
            free_raw_data=False,
        )
        boosters[moment] = []
        # a second OpenMP thread only pays on large sets; on small ones its spin-waits cost more than it
        # saves, badly so on a machine shared with other jobs
        threads = config.num_threads if int(keep.sum()) >= 20_000 else 1
        for alpha in QUANTILES:
            params = {
                "objective": "quantile", "alpha": alpha, "learning_rate": config.learning_rate,
                "num_leaves": config.num_leaves, "min_data_in_leaf": config.min_data_in_leaf,
                "feature_fraction": 0.8, "bagging_fraction": 0.6, "bagging_freq": 1,
                "seed": config.seed, "num_threads": threads, "verbose": -1,
                "deterministic": True, "force_row_wise": True, "cat_smooth": 10,
            }
            boosters[moment].append(lightgbm.train(params, data, num_boost_round=config.num_trees))
            done += 1
            if progress:
                progress("boosters", done, total)
    return boosters


def censoring_weights(follow_up: Any, duration: Any, weight: Any) -> Any:
    """Inverse probability of censoring weights: a parcel that took d days could only be seen if its
    order was placed more than d days before the cut-off, so it stands for 1 / P(follow-up > d) of
    its kind. Keeps the newest orders (the network's trend) without their fast-only bias."""
    import numpy as np

    order = np.argsort(follow_up)
    sorted_follow, cum = follow_up[order], np.cumsum(weight[order])
    total = cum[-1]
    # weighted share of orders whose follow-up is longer than each parcel's duration
    at_or_below = np.searchsorted(sorted_follow, duration, side="right")
    below_weight = np.where(at_or_below > 0, cum[np.maximum(at_or_below - 1, 0)], 0.0)
    survival = (total - below_weight) / total
    return 1.0 / np.maximum(survival, 0.05)


def assemble(training: TrainingSet, boosters: dict[str, list], as_of: datetime, config: TrainConfig) -> Model:
    return Model(
        boosters=boosters,
        vocab=training.vocab,
        snapshot=training.index.snapshot(epoch_days(as_of)),
        cutoff_hour=config.cutoff_hour,
        target=config.target,
        n_rows=len(training.targets[PLACED]),
        trained_as_of=as_of.isoformat(),
        calibration=dict(config.calibration),
        facts={"config": {k: v for k, v in config.__dict__.items() if k != "calibration"}},
    )


def train(
    rows: list[HistoryRow],
    *,
    as_of: datetime | None = None,
    config: TrainConfig = TrainConfig(),
    progress: Progress | None = None,
    in_flight: Sequence[InFlight] = (),
) -> Model:
    """Learn from deliveries known at ``as_of`` (default: the last delivery); ``in_flight`` are the
    packages not delivered yet, and rows delivered after ``as_of`` count as in flight too. Raises
    ValueError with fewer than MIN_ROWS usable rows: such a shop predicts from the carrier-standard prior."""
    if as_of is None:
        if not rows:
            raise ValueError(f"need at least {MIN_ROWS} delivered packages to train, got 0")
        as_of = max(r.delivered_at for r in rows)
        rows = [r for r in rows if r.purchased_at <= r.delivered_at]
    else:
        in_flight = [*in_flight, *in_flight_at(rows, as_of)]
        rows = usable(rows, as_of)
    if len(rows) < MIN_ROWS:
        raise ValueError(f"need at least {MIN_ROWS} delivered packages to train, got {len(rows)}")
    training = build_training_set(rows, as_of, config, progress, in_flight)
    return assemble(training, fit_boosters(training, as_of, config, progress), as_of, config)


def history_snapshot(
    rows: list[HistoryRow], as_of: datetime, cutoff_hour: int, in_flight: Sequence[InFlight] = ()
) -> StatsSnapshot:
    known = index_history(usable(rows, as_of), cutoff_hour, [*in_flight, *in_flight_at(rows, as_of)])
    return known.snapshot(epoch_days(as_of))


def refresh(model: Model, rows: list[HistoryRow], as_of: datetime, in_flight: Sequence[InFlight] = ()) -> Model:
    """The same boosters with history re-read at ``as_of``: cheap (no boosting), so a store can keep
    a model's lane and seller numbers a day old while retraining the trees only now and then."""
    from dataclasses import replace

    return replace(model, snapshot=history_snapshot(rows, as_of, model.cutoff_hour, in_flight))


def refresh_file(
    data: dict[str, Any], rows: list[HistoryRow], as_of: datetime, in_flight: Sequence[InFlight] = ()
) -> dict[str, Any]:
    """:func:`refresh` on a saved model's JSON: the booster texts are carried over untouched, never
    parsed, which is what a daily job over many shops' multi-megabyte models can afford."""
    check_header(data)
    return {**data, "snapshot": history_snapshot(rows, as_of, int(data["cutoff_hour"]), in_flight).to_json()}
