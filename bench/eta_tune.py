"""Choose delivery-date settings on validation slices inside the training period only.

Each fold freezes the boosters at its cut and scores orders purchased in the following two months
that were delivered before the backtest cut-off (2018-06-01), with trees and history frozen at the
cut: the shape of the real backtest (a frozen model facing a network that changes under it), never
touching a test order. One booster per quantile level in
SWEEP is trained per fold and moment; every candidate level set is scored from those boosters.
Run: .venv/bin/python bench/eta_tune.py [--olist DIR] [--config '{"censor_days": 35}']
Prints one JSON line per (fold, level set).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from parceltrail.eta import HistoryRow, Model, predict_many
from parceltrail.eta.backtest import as_input, score_model
from parceltrail.eta.features import MOMENTS
from parceltrail.eta.olist import BRAZIL, FILES, parse_olist
from parceltrail.eta.training import TrainConfig, assemble, build_training_set, fit_boosters, usable

CUTOFF = datetime(2018, 6, 1, tzinfo=BRAZIL)
FOLDS = [  # (model frozen at, validation purchases until): two months each, across regime changes
    (datetime(2017, 11, 1, tzinfo=BRAZIL), datetime(2018, 1, 1, tzinfo=BRAZIL)),
    (datetime(2018, 1, 15, tzinfo=BRAZIL), datetime(2018, 3, 15, tzinfo=BRAZIL)),
    (datetime(2018, 3, 1, tzinfo=BRAZIL), datetime(2018, 5, 1, tzinfo=BRAZIL)),
]
SWEEP = (0.05, 0.1, 0.5, 0.9, 0.95, 0.97, 0.99)
WINDOWS = [(0.1, 0.9), (0.05, 0.95)]  # boosters that may serve as the P10-P90 window
PROMISES = [0.95, 0.97, 0.99]  # boosters that may serve as the 95% promise
DEFAULT_OLIST = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "olist"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--olist", type=Path, default=DEFAULT_OLIST)
    parser.add_argument("--config", default="{}", help="TrainConfig changes as JSON")
    parser.add_argument("--folds", default="0,1,2", help="which folds to run, by position")
    parser.add_argument("--median-only", action="store_true", help="train P50 only: compare point errors fast")
    args = parser.parse_args()
    orders = parse_olist({k: (args.olist / v).read_bytes() for k, v in FILES.items()})
    known = usable(orders.rows, CUTOFF)
    # history frozen at each fold's cut, as in the backtest; training sees history as old as it will be
    sweep = (0.5,) if args.median_only else SWEEP
    config = replace(TrainConfig(), **{"staleness_days": 60.0, **json.loads(args.config)}, levels=sweep)
    for position in map(int, args.folds.split(",")):
        cut, end = FOLDS[position]
        started = time.perf_counter()
        training = build_training_set(usable(known, cut), cut, config)
        swept = fit_boosters(training, cut, config)
        validation = [r for r in known if cut <= r.purchased_at < end]
        candidates = [(0.5,) * 4] if args.median_only else [
            (low, 0.5, high, promise) for (low, high), promise in zip(WINDOWS + WINDOWS[-1:], PROMISES, strict=True)
        ]
        for levels in candidates:
            chosen = {m: [swept[m][sweep.index(level)] for level in levels] for m in MOMENTS}
            model = assemble(training, chosen, cut, replace(config, levels=levels))
            print(json.dumps({
                "fold": cut.date().isoformat(), "n_val": len(validation), "levels": levels,
                "config": json.loads(args.config), "seconds": round(time.perf_counter() - started, 1),
                **proper_scores(model, validation), **score_model(model, validation),
            }), flush=True)


def proper_scores(model: Model, validation: list[HistoryRow]) -> dict[str, dict[str, float]]:
    """Scores that reward honest spread: the 80% interval score (width plus 10x each day outside)
    and the 95% quantile loss of the promise; lower is better, both in days."""
    out = {}
    for moment, at_handoff in (("placed", False), ("handoff", True)):
        rows = [r for r in validation if r.handed_over_at is not None] if at_handoff else validation
        estimates = predict_many(model, [as_input(r, at_handoff) for r in rows])
        interval, promise = 0.0, 0.0
        for e, r in zip(estimates, rows, strict=True):
            y = r.delivered_at.date()
            below, above = max(0, (e.earliest - y).days), max(0, (y - e.latest).days)
            interval += (e.latest - e.earliest).days + 10 * (below + above)
            late = (y - e.promise).days
            promise += 0.95 * late if late >= 0 else 0.05 * -late
        out[moment] = {"interval_score_80": round(interval / len(rows), 3), "promise_loss_95": round(promise / len(rows), 4)}
    return {"proper": out}


if __name__ == "__main__":
    main()
