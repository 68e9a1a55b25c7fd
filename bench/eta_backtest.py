"""The delivery-date benchmark on the public Olist orders (what docs/delivery-dates.md quotes).

Runs the same code as `parceltrail eta backtest --json` and adds the ratios against the two
baselines of the same run: the shop's own estimate and the per-lane median, and how often windows
and promises held per lane-length class (``by_lane_length``), and the share of all delivered Olist
orders that arrived on a Saturday.
Run: .venv/bin/python bench/eta_backtest.py [--olist DIR] [--cutoff 2018-06-01]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from pathlib import Path

from parceltrail.eta.backtest import run_backtest
from parceltrail.eta.olist import BRAZIL, FILES, parse_olist

DEFAULT_OLIST = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "olist"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--olist", type=Path, default=DEFAULT_OLIST)
    parser.add_argument("--cutoff", default="2018-06-01")
    parser.add_argument("--frozen-history", action="store_true", help="no daily history refresh")
    args = parser.parse_args()
    started = time.perf_counter()
    orders = parse_olist({k: (args.olist / v).read_bytes() for k, v in FILES.items()})
    cutoff = datetime.fromisoformat(args.cutoff).replace(tzinfo=BRAZIL)
    result = run_backtest(orders.rows, orders.shop_estimates, cutoff, frozen_history=args.frozen_history,
                          by_lane_length=True)
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
