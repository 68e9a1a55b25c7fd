"""Issue 26 item 2: every row of every carrier table, and every published wording of every phrase rule,
through the real parser on a body of that carrier's real shape (copied from tests/fixtures/*/wild).

A row that no longer parses as written fails by name (``ups:X/48``, ``usps:55`` ...).
"""

from __future__ import annotations

import copy
import json

import pytest

from parceltrail.carriers import CARRIERS, dhl, fedex, tiktok, ups, usps
from parceltrail.carriers.mapping import CodeTable, PhraseRule, Row
from tests.unit.carriers.conftest import FIXTURES


def _wild(carrier: str, name: str) -> dict:
    return json.loads((FIXTURES / carrier / "wild" / f"{name}.json").read_text(encoding="utf-8"))


UPS_BODY = _wild("ups", "fremont_loaded_on_vehicle")
UPS_STATUS_FOR_SCANS = {"X": "013", "D": "011", "I": "005", "M": "", "U": ""}
"""A vague status code beside each kind of scan code, as real bodies pair them (X/48 comes with 013 ...)."""


def ups_event(status: dict):
    body = copy.deepcopy(UPS_BODY)
    package = body["trackResponse"]["shipment"][0]["package"][0]
    package["activity"] = [{**package["activity"][3], "status": status}]
    [event] = CARRIERS["ups"].parse(body).events
    return event


def ups_row_status(r: Row) -> dict:
    if "/" in r.code:
        kind, code = r.code.split("/")
        return {"type": kind, "description": r.meaning, "code": code, "statusCode": UPS_STATUS_FOR_SCANS[kind]}
    return {"type": "I", "description": r.meaning, "code": "", "statusCode": r.code}


def _rows(carrier: str, tables) -> list:
    return [pytest.param(r, id=f"{carrier}:{r.code}") for t in tables for r in t.rows]


def _examples(carrier: str, rules: PhraseRule | None) -> list:
    if rules is None:
        return []
    return [pytest.param(rule, text, id=f"{carrier}:phrase{i}:{text[:40]}")
            for i, rule in enumerate(rules.rules, 1) for text in rule.examples]


def outcome(event) -> tuple[str, str, bool, bool]:
    return str(event.status), str(event.substatus), event.seller_action, event.unknown_code


@pytest.mark.parametrize("r", _rows("ups", ups.TABLES))
def test_every_ups_row_parses_as_written(r: Row):
    event = ups_event(ups_row_status(r))
    if r.code in ups.VAGUE:  # "On the Way", "Exception": the words decide, else the row, marked unknown
        rule = ups.PHRASES.match(r.meaning)
        expected = (rule.status, rule.substatus, rule.action, False) if rule else (r.status, r.substatus, r.action, True)
        assert outcome(event) == expected
    else:
        assert outcome(event) == (r.status, r.substatus, r.action, False)


@pytest.mark.parametrize(("rule", "text"), _examples("ups", ups.PHRASES))
def test_every_ups_published_wording_reads_as_its_rule(rule: PhraseRule, text: str):
    """Words decide when the code is in no table; whitespace and case do not matter."""
    for variant in (text, f"  {text.upper()} "):
        event = ups_event({"type": "I", "description": variant, "code": "Q0Q", "statusCode": ""})
        assert outcome(event) == (rule.status, rule.substatus, rule.action, False)


@pytest.mark.parametrize("r", list(ups.COARSE.rows), ids=lambda r: f"ups:type:{r.code}")
def test_ups_coarse_type_is_the_reported_fallback(r: Row):
    event = ups_event({"type": r.code, "description": "Zzz", "code": "Q0Q", "statusCode": ""})
    assert outcome(event) == (r.status, r.substatus, r.action, True)


def test_every_code_table_names_its_source():
    """Real carriers' tables say where they were read from (the simulated sandbox carriers are our own)."""
    for carrier in CARRIERS.values():
        if carrier.code.startswith("sandbox"):
            continue
        for table in carrier.classifier.code_tables:
            assert isinstance(table, CodeTable)
            assert table.source, f"{carrier.code}: {table.title} has no source"


FEDEX_BODY = _wild("fedex", "mankato_pickup_no_offset")


def fedex_result(*scans: dict, details: dict | None = None):
    body = copy.deepcopy(FEDEX_BODY)
    result = body["output"]["completeTrackResults"][0]["trackResults"][0]
    base = result["scanEvents"][1]  # the OC scan's place and shape
    result["scanEvents"] = [{**base, "exceptionCode": "", "exceptionDescription": "", **scan} for scan in scans]
    result["deliveryDetails"] = details or {}  # the row's own reading, not the proof-of-delivery refinement
    return CARRIERS["fedex"].parse(body)


def fedex_event(scan: dict):
    [event] = fedex_result({"date": "2024-08-15T10:36:00-05:00", **scan}).events
    return event


def fedex_row_scan(r: Row) -> dict:
    if "/" in r.code:
        kind, code = r.code.split("/")
        return {"eventType": kind, "eventDescription": "Delivery exception", "exceptionCode": code,
                "exceptionDescription": r.meaning, "derivedStatusCode": "DE"}
    return {"eventType": r.code, "eventDescription": r.meaning, "derivedStatusCode": "IT"}


@pytest.mark.parametrize("r", _rows("fedex", fedex.CLASSIFIER.code_tables))
def test_every_fedex_row_parses_as_written(r: Row):
    assert outcome(fedex_event(fedex_row_scan(r))) == (r.status, r.substatus, r.action, False)


@pytest.mark.parametrize(("rule", "text"), _examples("fedex", fedex.PHRASES))
def test_every_fedex_published_wording_reads_as_its_rule(rule: PhraseRule, text: str):
    for variant in (text, f" {text.lower()}  "):
        event = fedex_event({"eventType": "Q9", "eventDescription": variant, "derivedStatusCode": "IT"})
        assert outcome(event) == (rule.status, rule.substatus, rule.action, False)


@pytest.mark.parametrize("r", list(fedex.COARSE.rows), ids=lambda r: f"fedex:derived:{r.code}")
def test_fedex_derived_status_is_the_reported_fallback(r: Row):
    event = fedex_event({"eventType": "Q9", "eventDescription": "Zzz", "derivedStatusCode": r.code})
    assert outcome(event) == (r.status, r.substatus, r.action, True)


USPS_BODY = _wild("usps", "hernando_parcel_locker")
USPS_WORDS_FIRST_TEXT = "Notice Left"


def usps_event(scan: dict):
    body = copy.deepcopy(USPS_BODY)
    body["trackingEvents"] = [{**body["trackingEvents"][2], **scan}]  # Arrived at Post Office, LECANTO, FL
    body["statusCategory"] = scan.pop("_category", "")
    [event] = CARRIERS["usps"].parse(body).events
    return event


@pytest.mark.parametrize("r", _rows("usps", usps.CLASSIFIER.code_tables))
def test_every_usps_row_parses_as_written(r: Row):
    event = usps_event({"eventCode": r.code, "eventType": r.meaning})
    if r.code in usps.WORDS_FIRST:  # notice-left codes: the words name the reason
        rule = usps.PHRASES.match(r.meaning)
        assert outcome(event) == (rule.status, rule.substatus, rule.action, False)
    else:
        assert outcome(event) == (r.status, r.substatus, r.action, False)


@pytest.mark.parametrize(("rule", "text"), _examples("usps", usps.PHRASES))
def test_every_usps_published_wording_reads_as_its_rule(rule: PhraseRule, text: str):
    for variant in (text, f" {text.upper()} "):
        event = usps_event({"eventCode": "Z9", "eventType": variant})
        assert outcome(event) == (rule.status, rule.substatus, rule.action, False)


@pytest.mark.parametrize("r", list(usps.COARSE.rows), ids=lambda r: f"usps:category:{r.code}")
def test_usps_status_category_is_the_reported_fallback(r: Row):
    event = usps_event({"eventCode": "Z9", "eventType": "Zzz", "_category": r.code})
    assert outcome(event) == (r.status, r.substatus, r.action, True)


DHL_BODY = _wild("dhl", "express_tokyo_los_angeles_zone_less")


def dhl_event(raw: dict):
    body = copy.deepcopy(DHL_BODY)
    body["shipments"][0]["events"] = [{**body["shipments"][0]["events"][4], **raw}]  # Processed at LA GATEWAY
    body["shipments"][0].pop("details")  # the row's own reading, not the proof-of-delivery refinement
    [event] = CARRIERS["dhl"].parse(body).events
    return event


@pytest.mark.parametrize(("rule", "text"), _examples("dhl", dhl.PHRASES))
def test_every_dhl_published_wording_reads_as_its_rule(rule: PhraseRule, text: str):
    for variant in (text, f"  {text.upper()}  "):
        event = dhl_event({"description": variant, "statusCode": "transit"})
        assert outcome(event) == (rule.status, rule.substatus, rule.action, False)


@pytest.mark.parametrize("r", list(dhl.COARSE.rows), ids=lambda r: f"dhl:statusCode:{r.code}")
def test_dhl_status_code_is_the_reported_fallback(r: Row):
    event = dhl_event({"description": "Zzz", "statusCode": r.code})
    assert outcome(event) == (r.status, r.substatus, r.action, True)


def test_dhl_wild_bodies_have_no_unknown_wording():
    for name in ("express_tokyo_los_angeles_zone_less", "parcel_de_delivered_zone_less"):
        result = CARRIERS["dhl"].parse(json.dumps(_wild("dhl", name)).encode())
        assert result.unmapped == () and not any(e.unknown_code for e in result.events), name


TIKTOK_BODY = _wild("tiktok", "get_tracking_collected_by_our_carrier")


@pytest.mark.parametrize(("rule", "text"), _examples("tiktok", tiktok.PHRASES))
def test_every_tiktok_published_wording_reads_as_its_rule(rule: PhraseRule, text: str):
    for variant in (text, f" {text.upper()} "):
        body = copy.deepcopy(TIKTOK_BODY)
        body["data"]["tracking"] = [{"description": variant, "update_time_millis": 1723172791988}]
        [event] = CARRIERS["tiktok"].parse(body).events
        assert outcome(event) == (rule.status, rule.substatus, rule.action, False)
