"""Issue 26 item 3: an unknown code keeps the carrier's words, is counted per carrier (once per stored
scan, per shop), shows in `parceltrail carriers unknown-codes` and the API, and is marked in the timeline."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import httpx

from parceltrail.carriers import CARRIERS
from parceltrail.services import create_shop, register_package
from parceltrail.services.scans import record_scans
from tests.unit.carriers.conftest import FIXTURES

BODY = json.loads((FIXTURES / "ups" / "wild" / "fremont_loaded_on_vehicle.json").read_text(encoding="utf-8"))


def with_unknown_scan(words: str) -> list:
    body = copy.deepcopy(BODY)
    activity = body["trackResponse"]["shipment"][0]["package"][0]["activity"]
    activity[0] = {**activity[0], "status": {"type": "X", "code": "QQ", "statusCode": "013", "description": words}}
    return list(CARRIERS["ups"].parse(body).events)


def test_unknown_codes_are_counted_once_per_stored_scan_per_shop_and_listed(api, uow, database_url):
    mine, theirs = create_shop(uow, "Mine"), create_shop(uow, "Theirs")
    events = with_unknown_scan("Parcel held by the Zzyzx authority")
    for made in (mine, theirs):
        package = register_package(uow, made.shop.id, "1Z81WV380316886897", "ups").package
        record_scans(uow, made.shop.id, {package.id: events}, source="poll")
        record_scans(uow, made.shop.id, {package.id: events}, source="poll")  # polled again: nothing new
    extra = register_package(uow, mine.shop.id, "1Z81WV380316886898", "ups", force=True).package
    record_scans(uow, mine.shop.id, {extra.id: events}, source="poll")

    answer = httpx.get(f"{api.url}/v1/carriers/unknown-codes", headers={"Authorization": f"Bearer {mine.api_key}"})
    assert answer.status_code == 200, answer.text
    [item] = answer.json()["items"]
    assert (item["carrier"], item["code"], item["description"], item["count"]) == (
        "ups", "QQ", "Parcel held by the Zzyzx authority", 2)
    assert answer.json()["by_carrier"] == {"ups": 2}

    timeline = httpx.get(f"{api.url}/v1/packages/{extra.id}", headers={"Authorization": f"Bearer {mine.api_key}"})
    newest = timeline.json()["events"][-1]
    assert (newest["status"], newest["unknown_code"], newest["description"]) == (
        "exception", True, "Parcel held by the Zzyzx authority")

    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    run = subprocess.run([sys.executable, "-m", "parceltrail", "carriers", "unknown-codes", "--json"],
                         env=env, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    [line] = [json.loads(x) for x in run.stdout.splitlines()]
    assert (line["carrier"], line["code"], line["count"]) == ("ups", "QQ", 3)  # every shop, summed
    table = subprocess.run([sys.executable, "-m", "parceltrail", "carriers", "unknown-codes", "--carrier", "ups"],
                           env=env, capture_output=True, text=True, timeout=60, check=False)
    assert "Zzyzx" in table.stdout and "per carrier: ups 3" in table.stdout
