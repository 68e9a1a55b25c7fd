"""Scoring flags against labelled journeys: precision and recall per type, clean journeys left alone,
lead time (how long before the evident moment the first flag came), and the naive baseline.

The baseline is what a seller's spreadsheet does: flag any parcel not delivered, returned or cancelled
that has gone 72 hours without news. It has one flag for every problem, so it is scored per type by
recall (did it flag that journey, and how early) and overall by precision.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta

ENDS = ("delivered", "returned", "cancelled")
BASELINE_HOURS = 72.0


def _t(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def baseline_flag(line: dict) -> datetime | None:
    """When a 72-hour no-news rule first fires on what was known, or None."""
    known = sorted(((_t(e.get("recorded_at") or e["occurred_at"]), _t(e["occurred_at"]), e["status"])
                    for e in line["events"]), key=lambda k: k[0])
    as_of = _t(line["as_of"])
    start = _t(line["order"]["created_at"]) if line.get("order") else (known[0][0] if known else as_of)
    gap = timedelta(hours=BASELINE_HOURS)
    newest_at, newest_status = start, None
    for heard, occurred, status in known:
        if heard > as_of:
            break
        if newest_at + gap < heard and newest_status not in ENDS:
            return newest_at + gap
        if occurred >= newest_at:
            newest_at, newest_status = occurred, status
    if newest_status not in ENDS and newest_at + gap <= as_of:
        return newest_at + gap
    return None


def _median_hours(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def score(lines: list[dict], results: dict, types: list[str]) -> dict:
    """``results``: journey id -> list of flag dicts (the replay's output). Returns the figures."""
    per_type = {}
    lead: dict[str, list[float]] = defaultdict(list)
    base_lead: dict[str, list[float]] = defaultdict(list)
    counts = {k: defaultdict(int) for k in types}
    clean = clean_flagged = base_clean_flagged = 0
    flagged_any = flagged_any_true = base_any = base_any_true = retracted = 0
    for line in lines:
        truth = line.get("truth", {})
        flags = [f for f in results.get(line["id"], []) if not f.get("retracted")]
        retracted += sum(1 for f in results.get(line["id"], []) if f.get("retracted"))
        raised = {}
        for f in flags:
            raised.setdefault(f["type"], _t(f["first_flagged_at"]))
        base = baseline_flag(line)
        if not truth:
            clean += 1
            clean_flagged += bool(flags)
            base_clean_flagged += base is not None
        if flags:
            flagged_any += 1
            flagged_any_true += bool(truth)
        if base is not None:
            base_any += 1
            base_any_true += bool(truth)
        for kind in types:
            expected, got = kind in truth, kind in raised
            c = counts[kind]
            c["tp"] += expected and got
            c["fp"] += got and not expected
            c["fn"] += expected and not got
            c["base_hit"] += expected and base is not None
            c["truth"] += expected
            if expected and got:
                lead[kind].append((_t(truth[kind]) - raised[kind]).total_seconds() / 3600)
            if expected and base is not None:
                base_lead[kind].append((_t(truth[kind]) - base).total_seconds() / 3600)
    for kind in types:
        c = counts[kind]
        per_type[kind] = {
            "journeys": c["truth"],
            "precision": round(c["tp"] / (c["tp"] + c["fp"]), 3) if c["tp"] + c["fp"] else None,
            "recall": round(c["tp"] / c["truth"], 3) if c["truth"] else None,
            "false_flags": c["fp"],
            "median_lead_hours": _median_hours(lead[kind]),
            "baseline_recall": round(c["base_hit"] / c["truth"], 3) if c["truth"] else None,
            "baseline_median_lead_hours": _median_hours(base_lead[kind]),
        }
    return {
        "journeys": len(lines), "clean_journeys": clean,
        "clean_left_alone": round(1 - clean_flagged / clean, 4) if clean else None,
        "baseline_clean_left_alone": round(1 - base_clean_flagged / clean, 4) if clean else None,
        "precision_any_flag": round(flagged_any_true / flagged_any, 3) if flagged_any else None,
        "baseline_precision": round(base_any_true / base_any, 3) if base_any else None,
        "retracted_flags": retracted,
        "types": per_type,
    }
