"""The CLI items of issue 17 item 13 a newcomer trips over: detect's exit code and typo hint in JSON, and
eta show saying in words what the handoff lines mean (track --carrier tiktok: test_track_cli; shop list,
key list/revoke/roll: test_keys_and_limits)."""

from __future__ import annotations

import json

from tests.integration.api_client import cli


def test_detect_exits_1_when_no_number_is_valid_and_gives_the_typo_hint_in_json(database_url):
    typo = cli(database_url, "detect", "1Z999AA10123456785", "--json")
    assert typo.returncode == 1, typo.stderr
    body = json.loads(typo.stdout)
    assert body["valid"] is False and body["near_misses"][0]["carrier"] == "ups"
    assert body["near_misses"][0]["reason"] == "check digit is 5, the format needs 4"
    assert "probably mistyped" in body["hint"]
    assert cli(database_url, "detect", "not-a-number").returncode == 1
    mixed = cli(database_url, "detect", "1Z999AA10123456785", "1Z999AA10123456784", "--json")
    assert mixed.returncode == 0
    assert [json.loads(line)["valid"] for line in mixed.stdout.splitlines()] == [False, True]


def test_eta_show_says_what_the_handoff_lines_mean(database_url, engine):
    shop = json.loads(cli(database_url, "shop", "create", "ETA words", "--json").stdout)
    shown = cli(database_url, "eta", "show", "--shop", shop["shop_id"])
    assert shown.returncode == 0, shown.stderr
    assert "at carrier handoff (the carrier's first scan" in shown.stdout
    assert "track record, carrier handoff, last 30 days" in shown.stdout
