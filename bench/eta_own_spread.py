"""A shop's own spread against the shipped one, on a regular network (the sandbox carrier's ground service).

The shipped scales were chosen on Olist's jam-filled months; a shop whose network is regular gets windows
and promises wider than they need be. Sandbox ground parcels (bench/eta_saturday.py's history) over twelve
months: a model trained on the first ten predicts the last two, once with the shipped spread (baseline)
and once with the spread chosen on the shop's own held-out months before the cut (``eta.own_spread``,
what ``parceltrail eta train --own-spread`` does). Scored on the two months neither saw.
Run: .venv/bin/python -P bench/eta_own_spread.py [--parcels 8000] [--months 12]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from parceltrail.eta import TrainConfig, train
from parceltrail.eta.own_spread import own_spread

sys.path.append(str(Path(__file__).resolve().parent))  # appended: bench/numbers.py must not shadow the stdlib's
from eta_saturday import START, TEST_MONTHS, moment_scores, sandbox_history


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=8000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    rows = sandbox_history(args.parcels, args.months)
    cut = START + timedelta(days=30.4 * (args.months - TEST_MONTHS))
    known = [r for r in rows if r.delivered_at < cut]
    test = [r for r in rows if r.purchased_at >= cut]
    config = TrainConfig()
    started = time.perf_counter()
    spread = own_spread(rows, cut, config)
    seconds = round(time.perf_counter() - started, 1)
    arms = {
        name: {moment: scores for moment, (scores, _) in moment_scores(train(known, as_of=cut, config=c), test).items()}
        for name, c in (("shipped_spread", config), ("own_spread", replace(config, calibration=spread.calibration)))
    }
    ratios = {}
    for moment in ("order_placed", "carrier_handoff"):
        own, base = arms["own_spread"][moment], arms["shipped_spread"][moment]
        ratios[f"{moment}_window_width"] = round(own["window"]["mean_width_days"] / base["window"]["mean_width_days"], 3)
        ratios[f"{moment}_promise_slack"] = round(
            own["promise"]["mean_slack_days"] / base["promise"]["mean_slack_days"], 3)
    print(json.dumps({
        "n_train": len(known), "n_test": len(test), **arms,
        "own_spread_chosen_on": {**spread.to_json(), "seconds": seconds},
        "ratios_own_to_shipped": ratios,
    }))


if __name__ == "__main__":
    main()
