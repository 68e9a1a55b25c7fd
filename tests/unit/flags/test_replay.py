"""``parceltrail exceptions replay FILE [--json]``: the contract's input and output, bad lines, accuracy."""

from __future__ import annotations

import json
import subprocess
import sys

from parceltrail.core.flags import FlagType
from parceltrail.journeys import generate
from parceltrail.journeys.score import score
from parceltrail.services.replay import replay

GOOD = {
    "id": "lost-1", "carrier": "ups", "tracking_number": "1Z999AA10123456784", "service": "ground",
    "origin": {"country": "US", "postal_code": "07102"}, "destination": {"country": "US", "postal_code": "94103"},
    "order": {"created_at": "2025-11-30T14:00:00-05:00", "ship_by": "2025-12-02T23:59:00-08:00",
              "deliver_by": "2025-12-08"},
    "events": [
        {"occurred_at": "2025-12-01T10:00:00-05:00", "status": "in_transit", "substatus": "picked_up",
         "location": {"city": "Newark", "region": "NJ", "postal_code": "07102", "country": "US"}},
        {"occurred_at": "2025-12-01T18:00:00-05:00", "recorded_at": "2025-12-01T23:10:00Z", "status": "in_transit",
         "location": {"city": "Louisville", "region": "KY", "country": "US"}, "description": "Arrival Scan"},
    ],
    "as_of": "2025-12-14T00:00:00-05:00",
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "parceltrail", "exceptions", "replay", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def test_replay_prints_one_line_per_journey_and_names_bad_lines(tmp_path):
    bad_time = dict(GOOD, id="b", events=[dict(GOOD["events"][0], occurred_at="2025-12-01T10:00:00")])
    bad_status = dict(GOOD, id="c", events=[dict(GOOD["events"][0], status="lost_in_space")])
    no_destination = {k: v for k, v in GOOD.items() if k != "destination"}
    path = tmp_path / "journeys.jsonl"
    path.write_text("\n".join([json.dumps(GOOD), json.dumps(bad_time), "{not json", json.dumps(bad_status),
                               json.dumps(no_destination), "",
                               json.dumps(dict(GOOD, id=7, tracking_number="1Z999AA10123456790"))]) + "\n")
    result = run(str(path), "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["lost-1", 7]
    assert set(out[0]) == {"id", "flags"}
    flag_keys = {"type", "first_flagged_at", "closed_at", "severity", "reason"}
    assert all(flag_keys <= set(f) for f in out[0]["flags"])
    flags = {f["type"]: f for f in out[0]["flags"]}
    assert set(flags) == {"stale", "late", "lost"}
    assert [f["first_flagged_at"] for f in out[0]["flags"]] == sorted(f["first_flagged_at"] for f in out[0]["flags"])
    lost = flags["lost"]
    # 7 business days after Mon Dec 1 18:00 EST (23:00Z): Wed Dec 10 18:00 EST
    assert lost["first_flagged_at"] == "2025-12-10T23:00:00Z" and lost["closed_at"] is None
    errors = [json.loads(line)["error"] for line in result.stderr.splitlines()]
    assert errors[0].startswith("line 2: events[0].occurred_at: expected an ISO 8601 time with a UTC offset")
    assert errors[1].startswith("line 3: not JSON")
    assert errors[2].startswith("line 4: events[0].status:") and "in_transit" in errors[2]
    assert errors[3] == "line 5: destination: required"
    plain = run(str(path))
    assert plain.stdout == result.stdout, "without --json the journeys print the same"
    assert "2 journeys replayed: late 2, lost 2, stale 2; 4 lines could not be read" in plain.stderr
    assert "error: line 3: not JSON" in plain.stderr
    absent = run(str(tmp_path / "absent.jsonl"))
    assert absent.returncode == 1 and absent.stderr == f"error: {tmp_path / 'absent.jsonl'}: no such file\n"


def test_one_number_on_two_orders_flags_both_from_when_the_second_exists():
    second = dict(GOOD, id="again", order=dict(GOOD["order"], created_at="2025-12-01T12:00:00-05:00"))
    found = {r.journey.id: r for r in replay([json.dumps(GOOD), json.dumps(second)])}
    for name in ("lost-1", "again"):
        suspicious = [f for f in found[name].flags if f.type is FlagType.SUSPICIOUS_TRACKING]
        assert len(suspicious) == 1 and suspicious[0].since.isoformat() == "2025-12-01T17:00:00+00:00"


def test_generated_journeys_are_flagged_precisely():
    """A floor under the benchmark (bench/exceptions.py measures the full set): every type caught with few
    false flags, and clean journeys left alone."""
    lines = list(generate(140, seed=777))
    results = {r.journey.id: [f.to_json() for f in r.flags] for r in replay(json.dumps(line) for line in lines)}
    figures = score(lines, results, [t.value for t in FlagType])
    assert figures["clean_left_alone"] >= 0.95
    for kind, row in figures["types"].items():
        if row["journeys"] >= 4:
            assert row["recall"] >= 0.9, (kind, row)
            assert row["precision"] >= 0.85, (kind, row)


def test_a_scan_heard_after_the_flag_closed_can_still_show_it_was_never_true():
    """Out for delivery at 8:30, heard only after the delivery (13:00, heard 13:10): the 11:00 "not out for
    delivery" warning closed on the delivery, and the out-for-delivery scan, heard at 13:20, retracts it.
    Heard in order, there is no warning at all."""
    boston = {"city": "Boston", "region": "MA", "postal_code": "02108", "country": "US"}
    events = [
        GOOD["events"][0],
        {"occurred_at": "2025-12-02T20:00:00-05:00", "status": "in_transit", "substatus": "arrived_at_facility",
         "location": boston},
        {"occurred_at": "2025-12-03T08:30:00-05:00", "recorded_at": "2025-12-03T13:20:00-05:00",
         "status": "out_for_delivery", "location": boston},
        {"occurred_at": "2025-12-03T13:00:00-05:00", "recorded_at": "2025-12-03T13:10:00-05:00",
         "status": "delivered", "location": boston},
    ]
    journey = dict(GOOD, id="heard-late", destination={"country": "US", "postal_code": "02108"}, events=events,
                   order=dict(GOOD["order"], deliver_by="2025-12-03T23:59:00-05:00"))
    in_order = dict(journey, id="in-order", tracking_number="1Z999AA10123456790",
                    events=[{k: v for k, v in e.items() if k != "recorded_at"} for e in events])
    found = {r.journey.id: r.flags for r in replay([json.dumps(journey), json.dumps(in_order)])}
    assert [f.type for f in found["in-order"]] == []
    (late,) = found["heard-late"]
    assert late.type is FlagType.LATE and "not out for delivery" in late.reason
    shown = late.to_json()
    assert shown["first_flagged_at"] == "2025-12-03T16:00:00Z"  # 11:00 EST
    assert shown["closed_at"] == "2025-12-03T18:10:00Z" and shown["retracted"] is True
