"""Delivery-date engine speed: training on the whole Olist history, and prediction per package.

Baseline in the same run: predicting from the carrier-standard prior (no booster), so the ratio says
what the learned model costs over the table look-up the live-tracking path would otherwise do.
Run: .venv/bin/python bench/eta_speed.py [--olist DIR] [--predictions 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from parceltrail.eta import CarrierStandards, Model, predict, train
from parceltrail.eta.backtest import as_input
from parceltrail.eta.olist import FILES, parse_olist

DEFAULT_OLIST = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "olist"


def per_call_ms(source: object, inputs: list) -> float:
    timings = []
    for item in inputs:
        started = time.perf_counter()
        predict(source, item)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--olist", type=Path, default=DEFAULT_OLIST)
    parser.add_argument("--predictions", type=int, default=2000)
    args = parser.parse_args()
    rows = parse_olist({k: (args.olist / v).read_bytes() for k, v in FILES.items()}).rows
    wall, cpu = time.perf_counter(), time.process_time()
    model = train(rows)
    train_wall, train_cpu = time.perf_counter() - wall, time.process_time() - cpu
    sample = rows[-args.predictions:]
    placed = [as_input(r, False) for r in sample]
    handed = [as_input(r, True) for r in sample]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "olist.eta.json"
        model.save(path)
        size = path.stat().st_size
        started = time.perf_counter()
        Model.load(path)
        load_s = time.perf_counter() - started
    model_ms = statistics.median([per_call_ms(model, placed), per_call_ms(model, handed)])
    prior_ms = per_call_ms(CarrierStandards(), [replace(i, carrier="ups", service="ground") for i in placed])
    print(json.dumps({
        "train_rows": len(rows),
        "train_wall_s": round(train_wall, 1),
        "train_cpu_s": round(train_cpu, 1),
        "predict_ms_median": round(model_ms, 3),
        "baseline_prior_predict_ms_median": round(prior_ms, 3),
        "ratio_model_to_prior": round(model_ms / prior_ms, 1),
        "model_file_bytes": size,
        "load_s": round(load_s, 2),
    }))


if __name__ == "__main__":
    main()
