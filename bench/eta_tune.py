"""Choose how wide delivery windows and promises are, on validation months inside the training period.

Each fold trains the boosters (P10, P50, P90, P95) on orders known at the first day of a month and
predicts that month's orders (all delivered before the backtest cut-off, 2018-06-01), with lane and
seller history re-read daily as the worker does: the shape of the backtest, never touching a test
order. The ten months (July 2017 to April 2018; May's orders were not all delivered by the cut-off)
span a steady network (Jul-Oct 2017), slowdowns (Nov 2017 to Mar 2018) and a speed-up (Apr 2018).

Then eta.tuning.choose picks, per moment, the regime threshold, scales and powers (the rule is in
its docstring). The last line is the choice, as eta.training.CHOSEN holds it, with how its windows
and promises held over the pooled months per lane length (by_lane_length) and per third of the
boosters' own spread (by_booster_spread), width plus slack per month, and the promise in hindsight
(promise_in_hindsight: each month's own smallest scales, the most that recalibrating monthly can save).
Run: .venv/bin/python -P bench/eta_tune.py [--olist DIR] [--config '{"censor_days": 14}']
With --judge '{"placed": {...}, "handoff": {...}}' (calibrations as a model file holds them) the last
line scores those on the same months instead of choosing.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np

from parceltrail.eta.calibration import Calibration
from parceltrail.eta.features import index_history
from parceltrail.eta.history import in_flight_at
from parceltrail.eta.olist import BRAZIL, FILES, parse_olist
from parceltrail.eta.own_spread import month_sample
from parceltrail.eta.training import TrainConfig, usable
from parceltrail.eta.tuning import Sample, choose, judged, scores

CUTOFF = datetime(2018, 6, 1, tzinfo=BRAZIL)
MONTHS = [(2017, m) for m in range(7, 13)] + [(2018, m) for m in range(1, 5)]
DEFAULT_OLIST = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "olist"


def fold_samples(orders, known, history, month, config) -> dict[str, Sample]:
    start = datetime(month[0], month[1], 1, tzinfo=BRAZIL)
    end = datetime(month[0] + month[1] // 12, month[1] % 12 + 1, 1, tzinfo=BRAZIL)
    return month_sample(orders, known, history, start, end, config)


def month_line(month: tuple[int, int], samples: dict[str, Sample]) -> dict:
    out: dict = {"fold": f"{month[0]}-{month[1]:02d}"}
    for moment, sample in samples.items():
        error = sample.dates(1, 1.0) - sample.actual
        raw = scores(sample, Calibration())
        out[moment] = {"n": len(error), "mae_days": round(float(np.abs(error).mean()), 3),
                       "within_2d": round(float((np.abs(error) <= 2).mean()), 4),
                       "boosters_p10_p90_cover": round(raw["coverage"], 4), "boosters_p95_met": round(raw["on_time"], 4),
                       "regime_share_median": round(float(np.nanmedian(sample.share)), 3)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--olist", type=Path, default=DEFAULT_OLIST)
    parser.add_argument("--config", default="{}", help="TrainConfig changes as JSON")
    parser.add_argument("--months", default=",".join(f"{y}-{m:02d}" for y, m in MONTHS))
    parser.add_argument("--judge", default="", help="calibrations per moment as JSON (as in a model file) to "
                        "score on the same months instead of choosing one")
    args = parser.parse_args()
    given = {m: Calibration.from_json(c) for m, c in json.loads(args.judge).items()} if args.judge else {}
    orders = parse_olist({k: (args.olist / v).read_bytes() for k, v in FILES.items()})
    known = usable(orders.rows, CUTOFF)
    config = replace(TrainConfig(), **json.loads(args.config))
    # orders delivered after the cut-off were still in flight at every moment validated
    history = index_history(known, config.cutoff_hour, in_flight_at(orders.rows, CUTOFF))
    folds = []
    for text in args.months.split(","):
        started = time.perf_counter()
        month = tuple(map(int, text.split("-")))
        folds.append(fold_samples(orders.rows, known, history, month, config))
        print(json.dumps({**month_line(month, folds[-1]), "config": json.loads(args.config),
                          "seconds": round(time.perf_counter() - started, 1)}), flush=True)
    result = {"judged": judged(folds, given)} if given else {"chosen": choose(folds)}
    print(json.dumps({"config": json.loads(args.config), **result}), flush=True)


if __name__ == "__main__":
    main()
