"""Issue 26: a TikTok Shop order id is not accepted silently, by `detect` or at registration."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx

from parceltrail.numbers import detect
from parceltrail.services import create_shop

ORDER_ID = "576555979711471049"
"""18 digits beginning 57: passed FedEx Ground's SSCC-18 check when it summed all 17 digits."""


def test_an_order_id_fails_the_published_sscc_18_rule_and_is_named_as_what_it_looks_like():
    detection = detect(ORDER_ID)
    assert not any(c.carrier == "fedex" for c in detection.candidates)
    assert [m.format for m in detection.near_misses] == ["fedex_ground_sscc_18"]
    assert [h.code for h in detection.hints] == ["looks_like_tiktok_order_id"]
    assert detect("00 0123 4500 0000 0027").carrier == "fedex"  # the spec's own SSCC-18 still passes


def test_detect_says_so_in_its_table_and_json():
    table = subprocess.run([sys.executable, "-m", "parceltrail", "detect", ORDER_ID], capture_output=True,
                           text=True, timeout=60, check=False, env={**os.environ, "COLUMNS": "200"})
    assert "looks like a TikTok Shop order ID" in " ".join(table.stdout.split())
    raw = subprocess.run([sys.executable, "-m", "parceltrail", "detect", "--json", ORDER_ID], capture_output=True,
                         text=True, timeout=60, check=False)
    assert json.loads(raw.stdout)["hints"][0]["code"] == "looks_like_tiktok_order_id"


def test_registration_answers_with_the_hint(api, uow):
    made = create_shop(uow, "Hints")
    # refused, saying what the number is (not "mistyped"): nothing could ever track an order id as a parcel
    refused = httpx.post(f"{api.url}/v1/packages", json={"tracking_number": ORDER_ID},
                         headers={"Authorization": f"Bearer {made.api_key}"})
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["field"] == "tracking_number" and "looks like a TikTok Shop order ID" in error["message"]
    assert "mistyped" not in error["message"]
    answer = httpx.post(f"{api.url}/v1/packages", json={"tracking_number": ORDER_ID, "force": True},
                        headers={"Authorization": f"Bearer {made.api_key}"})
    assert answer.status_code == 201, answer.text
    [hint] = answer.json()["hints"]
    assert hint["code"] == "looks_like_tiktok_order_id" and ORDER_ID in hint["message"]
    assert [w["code"] for w in answer.json()["warnings"]] == ["looks_like_tiktok_order_id"]
    fine = httpx.post(f"{api.url}/v1/packages", json={"tracking_number": "1Z999AA10123456784"},
                      headers={"Authorization": f"Bearer {made.api_key}"})
    assert fine.json()["hints"] == []
