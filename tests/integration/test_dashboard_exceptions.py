"""The exception queue and cases over real HTTP on SQLite and PostgreSQL: most urgent first, filters, the
case actions (acknowledge, take, move, resolve with an outcome) recorded with the staff member as actor,
refusals a person can act on, and one shop never touching another's cases."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import httpx
import pytest

from parceltrail.services.cases import get_case
from parceltrail.services.exceptions import evaluate_due
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.integration.test_dashboard import PASSWORD, signed_in, token
from tests.parcels import DELIVERED, EXCEPTION, LATE, make_parcels


@pytest.fixture
def flagged(engine):
    parcels = make_parcels(engine)
    create_staff(UnitOfWork(engine), parcels.shop_id, "owner@maple.example", PASSWORD, "owner")
    create_staff(UnitOfWork(engine), parcels.shop_id, "packer@maple.example", PASSWORD, "staff")
    evaluate_due(UnitOfWork(engine), datetime.now(UTC))  # time alone makes the late parcel lost
    return parcels


def queue_numbers(text: str) -> list[str]:
    return re.findall(r'<a class="mono" href="/app/packages/pkg_\w+">(\w+)</a>', text)


def case_ids(text: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/app/cases/(case_\w+)"', text)))


def test_the_queue_lists_open_problems_most_urgent_first_and_filters(api, flagged):
    client = signed_in(api)
    page = client.get("/app/exceptions")
    assert page.status_code == 200
    assert sorted(queue_numbers(page.text)) == sorted([LATE, EXCEPTION]) and DELIVERED not in page.text
    assert "2 parcels with open problems." in page.text
    assert "Package damaged, carrier reviewing" in html.unescape(page.text)
    assert queue_numbers(client.get("/app/exceptions", params={"type": "carrier_exception"}).text) == [EXCEPTION]
    warnings = client.get("/app/exceptions", params={"severity": "warning"}).text
    assert queue_numbers(warnings) == [LATE] and "Late</strong>" in warnings and "Lost</strong>" not in warnings
    assert queue_numbers(client.get("/app/exceptions", params={"carrier": "usps"}).text) == [EXCEPTION]
    # a filter value nobody offered is ignored, not an error
    assert len(queue_numbers(client.get("/app/exceptions", params={"severity": "<script>"}).text)) == 2


def test_acting_on_a_case_from_the_queue_and_the_case_page(api, flagged, uow):
    client = signed_in(api, "packer@maple.example")
    page = client.get("/app/exceptions", params={"severity": "critical"}).text
    case_id = case_ids(page)[0]
    # a quick action returns to the same queue, filters kept, scrolled to the parcel's card
    back = html.unescape(re.search(rf'action="/app/cases/{case_id}">.*?name="back" value="([^"]+)"', page, re.S)[1])
    assert re.fullmatch(r"/app/exceptions\?severity=critical#p-pkg_\w+", back)
    csrf = token(client, "/app/exceptions")
    acked = client.post(f"/app/cases/{case_id}", data={"csrf_token": csrf, "state": "acknowledged", "back": back})
    assert acked.status_code == 303 and acked.headers["location"] == back
    for change, elsewhere in (({"take": "1"}, "https://evil.example/"), ({"note": "Called UPS"}, "//evil.example/x")):
        took = client.post(f"/app/cases/{case_id}", data={"csrf_token": csrf, **change, "back": elsewhere})
        assert took.headers["location"] == f"/app/cases/{case_id}?saved=1"
    mine = client.get("/app/exceptions", params={"mine": "1"}).text
    assert case_id in case_ids(mine) and len(queue_numbers(mine)) == 1
    assert "assigned to packer@maple.example" in mine
    # resolving needs an outcome; the refusal names the field and what is allowed
    refused = client.post(f"/app/cases/{case_id}", data={"csrf_token": csrf, "state": "resolved",
                                                          "assignee": "packer@maple.example"})
    assert refused.status_code == 422 and "state: resolving needs an outcome" in html.unescape(refused.text)
    done = client.post(f"/app/cases/{case_id}", data={"csrf_token": csrf, "state": "resolved", "outcome": "reshipped",
                                                      "assignee": "packer@maple.example",
                                                      "note": "Reshipped as 1Z999AA10123456800"})
    assert done.status_code == 303
    detail = get_case(uow, flagged.shop_id, case_id)
    assert (detail.case.state, detail.case.outcome, detail.case.assignee) == ("resolved", "reshipped",
                                                                             "packer@maple.example")
    acts = [(e.actor, e.action) for e in detail.trail]
    assert acts[0] == ("parceltrail", "opened")
    assert acts[1:] == [("packer@maple.example", a) for a in ("updated", "updated", "note", "resolved")]
    shown = client.get(f"/app/cases/{case_id}").text
    assert "Reshipped as 1Z999AA10123456800" in shown and "state: acknowledged → resolved" in html.unescape(shown)
    # a resolved case offers only reopening
    assert re.findall(r'<option value="(\w+)">', shown.split('id="state"')[1].split("</select>")[0]) == ["open"]


def test_a_forged_form_another_shops_case_and_a_case_opened_by_hand(api, flagged, engine):
    client = signed_in(api)
    case_id = case_ids(client.get("/app/exceptions").text)[0]
    assert client.post(f"/app/cases/{case_id}", data={"csrf_token": "forged", "state": "acknowledged"}).status_code == 403
    other = make_parcels(engine, name="Other shop")
    create_staff(UnitOfWork(engine), other.shop_id, "them@other.example", PASSWORD)
    them = signed_in(api, "them@other.example")
    assert them.get(f"/app/cases/{case_id}").status_code == 404
    assert them.post(f"/app/cases/{case_id}", data={"csrf_token": token(them, "/app/exceptions"),
                                                     "state": "acknowledged"}).status_code == 404
    assert them.post(f"/app/packages/{flagged.ids['delivered']}/cases",
                     data={"csrf_token": token(them, "/app/exceptions"), "note": "x"}).status_code == 404
    package = client.get(f"/app/packages/{flagged.ids['exception']}").text
    assert "Carrier exception</strong>" in package and "Package damaged" in package
    made = client.post(f"/app/packages/{flagged.ids['delivered']}/cases",
                       data={"csrf_token": token(client, "/app/packages"), "note": "Buyer says the box was empty"})
    assert made.status_code == 303 and made.headers["location"].startswith("/app/cases/case_")
    opened = client.get(made.headers["location"]).text
    assert "Case: Other" in opened and "Buyer says the box was empty" in opened
    with httpx.Client(base_url=api.url) as stranger:
        assert stranger.get("/app/exceptions").headers["location"] == "/app/login"


def test_packages_filter_by_open_flag_and_show_their_flags(api, flagged):
    client = signed_in(api)
    csrf = token(client, "/app/packages")
    listed = client.post("/app/packages", data={"csrf_token": csrf}).text
    assert "Carrier exception</span>" in listed and "Lost</span>" in listed
    any_flag = client.post("/app/packages", data={"csrf_token": csrf, "flag": "any"}).text
    assert sorted(queue_numbers(any_flag)) == sorted([LATE, EXCEPTION])
    damaged = client.post("/app/packages", data={"csrf_token": csrf, "flag": "carrier_exception"}).text
    assert queue_numbers(damaged) == [EXCEPTION]
    bad = client.post("/app/packages", data={"csrf_token": csrf, "flag": "haunted"})
    assert bad.status_code == 422 and "flag: expected any or one of the flag types" in bad.text
