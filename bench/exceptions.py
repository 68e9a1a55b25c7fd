"""The exception detector against labelled journeys, and against the naive baseline in the same run.

Journeys come from ``parceltrail.journeys`` (seeded: every run of one seed replays the same journeys)
and go through ``services.replay`` — the code ``parceltrail exceptions replay`` runs. Reported per flag
type: precision, recall, median lead time (hours from the first flag to the moment the problem became
evident; negative: after it); the share of clean journeys never flagged; TikTok's lost rule hit to the
hour; how many days before deliver-by a late parcel was flagged when the estimate showed it. The
baseline flags any parcel with no news for 72 hours. With ``--history`` the stale norms are first
learned from another seed's delivered journeys (what a shop with history gets), and scored again.
Run: .venv/bin/python bench/exceptions.py [--journeys 2000] [--seed 1] [--history 2000]   (one JSON object)
"""

from __future__ import annotations

import os
import sys

# Run as a script, this folder comes first on sys.path, where bench/numbers.py shadows the standard
# library's ``numbers`` module (which statistics imports): drop the folder.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != _HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402

from parceltrail.core.flags import FlagType  # noqa: E402
from parceltrail.journeys import generate  # noqa: E402
from parceltrail.journeys.score import score  # noqa: E402
from parceltrail.services.replay import Replayed, norms_from, read_journeys, replay  # noqa: E402

TYPES = [t.value for t in FlagType]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def run(lines: list[dict], norms=None) -> tuple[dict, float]:
    started = time.process_time()
    results = {}
    for item in replay((json.dumps(line) for line in lines), norms):
        assert isinstance(item, Replayed), item
        results[item.journey.id] = [f.to_json() for f in item.flags]
    seconds = time.process_time() - started
    figures = score(lines, results, TYPES)
    figures["replay_journeys_per_cpu_second"] = round(len(lines) / seconds, 1)
    figures.update(_rule_checks(lines, results))
    return figures, seconds


def _rule_checks(lines: list[dict], results: dict) -> dict:
    to_the_hour, off = 0, []
    late_days, lost_warned = [], []
    for line in lines:
        truth = line["truth"]
        flags = {f["type"]: f for f in results[line["id"]] if not f["retracted"]}
        if "lost" in truth and "lost" in flags and line["scenario"] != "lost_declared":
            gap = abs((_t(flags["lost"]["first_flagged_at"]) - _t(truth["lost"])).total_seconds()) / 3600
            to_the_hour += gap <= 1.0
            off.append(gap)
        if "lost" in truth and ("stale" in flags or "lost" in flags):
            first = min(_t(flags[k]["first_flagged_at"]) for k in ("stale", "lost") if k in flags)
            lost_warned.append((_t(truth["lost"]) - first).total_seconds() / 3600)
        if "late" in truth and "late" in flags and flags["late"]["first_reason"].startswith("the delivery estimate"):
            late_days.append((_t(truth["late"]) - _t(flags["late"]["first_flagged_at"])) / timedelta(days=1))
    return {
        "lost_at_rule_within_an_hour": f"{to_the_hour}/{len(off)}",
        "lost_at_rule_largest_gap_hours": round(max(off), 3) if off else None,
        "lost_first_warned_median_hours_ahead": round(statistics.median(lost_warned), 1) if lost_warned else None,
        "late_shown_by_estimate": len(late_days),
        "late_shown_by_estimate_median_days_ahead": round(statistics.median(late_days), 1) if late_days else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--journeys", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--history", type=int, default=0, help="delivered journeys to learn stale norms from")
    args = parser.parse_args()
    lines = list(generate(args.journeys, seed=args.seed))
    prior, seconds = run(lines)
    out = {"journeys": len(lines), "seed": args.seed, "prior_norms": prior, "cpu_seconds": round(seconds, 1)}
    if args.history:
        history = [j for j in read_journeys(json.dumps(h) for h in generate(args.history, seed=args.seed + 1000))
                   if not isinstance(j, Exception)]
        norms = norms_from(history)
        out["learned_norms"], _ = run(lines, norms)
        out["learned_from_waits"] = sum(norms.waits.get(k, 0) for k in norms.waits if k[1] is None and k[2] is None)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
