"""Choose delivery-date settings on validation months inside the training period only.

Each fold trains the boosters on orders known at the first day of a month and scores that month's
orders (all delivered before the backtest cut-off, 2018-06-01), with lane and seller history
re-read daily as the worker does: the shape of the backtest, never touching a test order. The six
months span a steady network (Aug, Oct 2017), slowdowns (Dec 2017, Feb and Mar 2018) and a speed-up
(Apr 2018); each counts the same, since any of them could be what the next month brings.
One booster per level in SWEEP is trained per fold and moment, and every candidate window and
promise is scored from them; the last line applies the rule of docs/delivery-dates.md.
Run: .venv/bin/python -P bench/eta_tune.py [--olist DIR] [--config '{"censor_days": 14}']
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from statistics import fmean

from parceltrail.eta import predict_many
from parceltrail.eta.backtest import REFRESH_DAYS, as_input, estimate_scores
from parceltrail.eta.features import MOMENTS, index_history
from parceltrail.eta.history import in_flight_at
from parceltrail.eta.olist import BRAZIL, FILES, parse_olist
from parceltrail.eta.training import TrainConfig, assemble, build_training_set, fit_boosters, usable

CUTOFF = datetime(2018, 6, 1, tzinfo=BRAZIL)
MONTHS = [(2017, 8), (2017, 10), (2017, 12), (2018, 2), (2018, 3), (2018, 4)]
SWEEP = (0.05, 0.1, 0.5, 0.9, 0.95, 0.97, 0.98, 0.99)
WINDOWS = [(0.1, 0.9), (0.1, 0.95), (0.05, 0.9), (0.05, 0.95)]  # narrowest first, by construction
PROMISES = [0.95, 0.97, 0.98, 0.99]
DEFAULT_OLIST = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "olist"


def fold_scores(orders, known, history, month, config) -> dict:
    cut = datetime(month[0], month[1], 1, tzinfo=BRAZIL)
    end = datetime(month[0] + month[1] // 12, month[1] % 12 + 1, 1, tzinfo=BRAZIL)
    training = build_training_set(usable(known, cut), cut, config, in_flight=in_flight_at(orders, cut))
    boosters = fit_boosters(training, cut, config)
    validation = [r for r in known if cut <= r.purchased_at < end]
    out: dict = {"fold": cut.date().isoformat(), "n": len(validation)}
    for moment, at_handoff in (("placed", False), ("handoff", True)):
        rows = [r for r in validation if r.handed_over_at is not None or not at_handoff]
        actual = [r.delivered_at.date() for r in rows]
        inputs = [as_input(r, at_handoff) for r in rows]

        def scores(levels):
            chosen = {m: [boosters[m][SWEEP.index(level)] for level in levels] for m in MOMENTS}
            model = assemble(training, chosen, cut, replace(config, levels=levels, handoff_levels=None))
            return estimate_scores(predict_many(model, inputs, history, REFRESH_DAYS), actual)

        windows = {f"{lo}-{hi}": scores((lo, 0.5, hi, 0.99))["window"] for lo, hi in WINDOWS}
        promises = {str(p): scores((0.05, 0.5, 0.95, p)) for p in PROMISES}
        point = promises["0.99"]
        out[moment] = {
            "mae_days": point["mae_days"], "within_2d": point["within_2d"], "windows": windows,
            "promises": {k: v["promise"] for k, v in promises.items()},
        }
    return out


def choose(folds: list[dict]) -> dict:
    """Narrowest window whose mean coverage reaches 80%, narrowest promise met 95% of the time
    (the most cautious tried when none is), per moment; equal weight per month."""
    chosen = {}
    for moment in ("placed", "handoff"):
        cover = {w: fmean(f[moment]["windows"][w]["coverage"] for f in folds) for w in folds[0][moment]["windows"]}
        width = {w: fmean(f[moment]["windows"][w]["mean_width_days"] for f in folds) for w in cover}
        met = {p: fmean(f[moment]["promises"][p]["on_time"] for f in folds) for p in folds[0][moment]["promises"]}
        window = min((w for w in cover if cover[w] >= 0.8), key=width.get, default=max(cover, key=cover.get))
        promise = next((p for p in sorted(met, key=float) if met[p] >= 0.95), max(met, key=float))
        chosen[moment] = {
            "window": window, "coverage": round(cover[window], 4), "width": round(width[window], 2),
            "promise": promise, "on_time": round(met[promise], 4),
            "mae_days": round(fmean(f[moment]["mae_days"] for f in folds), 3),
            "within_2d": round(fmean(f[moment]["within_2d"] for f in folds), 4),
        }
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--olist", type=Path, default=DEFAULT_OLIST)
    parser.add_argument("--config", default="{}", help="TrainConfig changes as JSON")
    parser.add_argument("--months", default=",".join(f"{y}-{m:02d}" for y, m in MONTHS))
    args = parser.parse_args()
    orders = parse_olist({k: (args.olist / v).read_bytes() for k, v in FILES.items()})
    known = usable(orders.rows, CUTOFF)
    config = replace(TrainConfig(), **json.loads(args.config), levels=SWEEP, handoff_levels=None)
    # orders delivered after the cut-off were still in flight at every moment validated
    history = index_history(known, config.cutoff_hour, in_flight_at(orders.rows, CUTOFF))
    folds = []
    for text in args.months.split(","):
        started = time.perf_counter()
        year, month = map(int, text.split("-"))
        folds.append(fold_scores(orders.rows, known, history, (year, month), config))
        print(json.dumps({**folds[-1], "config": json.loads(args.config),
                          "seconds": round(time.perf_counter() - started, 1)}), flush=True)
    print(json.dumps({"config": json.loads(args.config), "chosen": choose(folds)}), flush=True)


if __name__ == "__main__":
    main()
