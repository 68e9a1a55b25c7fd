"""Choose delivery-date settings on validation slices inside the training period only.

Each fold freezes a model at its cut and scores orders purchased in the following two months that
were delivered before the backtest cut-off (2018-06-01): the shape of the real backtest (a frozen model
facing a network that changed since), never touching a test order. One booster per quantile level in
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

from parceltrail.eta.backtest import score_model
from parceltrail.eta.features import MOMENTS
from parceltrail.eta.olist import BRAZIL, FILES, parse_olist
from parceltrail.eta.training import TrainConfig, assemble, build_training_set, fit_boosters, usable

CUTOFF = datetime(2018, 6, 1, tzinfo=BRAZIL)
FOLDS = [  # (model frozen at, validation purchases until): two months each, across regime changes
    (datetime(2017, 11, 1, tzinfo=BRAZIL), datetime(2018, 1, 1, tzinfo=BRAZIL)),
    (datetime(2018, 1, 15, tzinfo=BRAZIL), datetime(2018, 3, 15, tzinfo=BRAZIL)),
    (datetime(2018, 3, 1, tzinfo=BRAZIL), datetime(2018, 5, 1, tzinfo=BRAZIL)),
]
SWEEP = (0.03, 0.05, 0.1, 0.5, 0.9, 0.95, 0.97, 0.98, 0.99)
LEVEL_SETS = [
    (0.1, 0.5, 0.9, 0.95), (0.05, 0.5, 0.9, 0.97), (0.05, 0.5, 0.95, 0.98),
    (0.03, 0.5, 0.95, 0.98), (0.05, 0.5, 0.95, 0.99), (0.03, 0.5, 0.97, 0.99),
]
DEFAULT_OLIST = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "olist"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--olist", type=Path, default=DEFAULT_OLIST)
    parser.add_argument("--config", default="{}", help="TrainConfig changes as JSON")
    parser.add_argument("--folds", default="0,1,2", help="which folds to run, by position")
    args = parser.parse_args()
    orders = parse_olist({k: (args.olist / v).read_bytes() for k, v in FILES.items()})
    known = usable(orders.rows, CUTOFF)
    config = replace(TrainConfig(), **json.loads(args.config), levels=SWEEP)
    for position in map(int, args.folds.split(",")):
        cut, end = FOLDS[position]
        started = time.perf_counter()
        training = build_training_set(usable(known, cut), cut, config)
        swept = fit_boosters(training, cut, config)
        validation = [r for r in known if cut <= r.purchased_at < end]
        for levels in LEVEL_SETS:
            chosen = {m: [swept[m][SWEEP.index(level)] for level in levels] for m in MOMENTS}
            model = assemble(training, chosen, cut, replace(config, levels=levels))
            print(json.dumps({
                "fold": cut.date().isoformat(), "n_val": len(validation), "levels": levels,
                "config": json.loads(args.config), "seconds": round(time.perf_counter() - started, 1),
                **score_model(model, validation),
            }), flush=True)


if __name__ == "__main__":
    main()
