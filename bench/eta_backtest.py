"""The delivery-date benchmark on the public Olist orders (what docs/delivery-dates.md quotes).

Runs the same code as `parceltrail eta backtest --json` and adds the ratios against the two
baselines of the same run: the shop's own estimate and the per-lane median, and how often windows
and promises held per lane-length class (``by_lane_length``), and the share of all delivered Olist
orders that arrived on a Saturday. With ``--own-spread`` the windows and promises are as wide as Olist's
own last months before the cut-off call for (``eta.own_spread``, what ``eta train --own-spread`` does for
a shop) instead of the shipped scales; the months and how the spread held on them are under ``own_spread``.
Run: .venv/bin/python -P bench/eta_backtest.py [--olist DIR] [--cutoff 2018-06-01] [--own-spread]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from parceltrail.eta.backtest import run_backtest
from parceltrail.eta.olist import BRAZIL, FILES, parse_olist
from parceltrail.eta.own_spread import own_spread
from parceltrail.eta.training import TrainConfig

DEFAULT_OLIST = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "olist"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--olist", type=Path, default=DEFAULT_OLIST)
    parser.add_argument("--cutoff", default="2018-06-01")
    parser.add_argument("--frozen-history", action="store_true", help="no daily history refresh")
    parser.add_argument("--own-spread", action="store_true", help="spread chosen on Olist's own last months")
    args = parser.parse_args()
    started = time.perf_counter()
    orders = parse_olist({k: (args.olist / v).read_bytes() for k, v in FILES.items()})
    cutoff = datetime.fromisoformat(args.cutoff).replace(tzinfo=BRAZIL)
    config, spread = TrainConfig(), None
    if args.own_spread:
        spread = own_spread(orders.rows, cutoff, config)
        config = replace(config, calibration=spread.calibration)
    result = run_backtest(orders.rows, orders.shop_estimates, cutoff, config, frozen_history=args.frozen_history,
                          by_lane_length=True)
    if spread is not None:
        result["own_spread"] = spread.to_json()
    model, lane, shop = result["model"], result["baselines"]["lane_median"], result["baselines"]["olist_estimate"]
    result["ratios"] = {
        "mae_model_to_lane_median": round(model["mae_days"] / lane["mae_days"], 3),
        "mae_model_to_shop_estimate": round(model["mae_days"] / shop["mae_days"], 3),
        "promise_slack_model_to_shop": round(model["promise"]["mean_slack_days"] / shop["mean_slack_days"], 3),
    }
    # Saturdays count only for carriers that deliver then (eta.prior.delivers_saturday); Olist names none
    result["olist_delivered_on_a_saturday"] = round(
        sum(r.delivered_at.weekday() == 5 for r in orders.rows) / len(orders.rows), 4)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
