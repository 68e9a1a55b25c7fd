"""The scorecards page over real HTTP on SQLite and PostgreSQL: the figures are the service's (the one
``GET /v1/scorecards`` serves), small groups are marked, filters that make no sense are named, and a shop
sees only its own parcels."""

from __future__ import annotations

import html
import re

import pytest

from parceltrail.services import create_shop
from parceltrail.services.scorecards import scorecards
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.integration.test_dashboard import PASSWORD, signed_in
from tests.lanes import PLAN, ship_lanes


@pytest.fixture
def lanes(engine):
    shop_id = create_shop(UnitOfWork(engine), "Lantern & Co").shop.id
    create_staff(UnitOfWork(engine), shop_id, "owner@lantern.example", PASSWORD, "owner")
    ship_lanes(engine, shop_id)
    return shop_id


def rows(text: str) -> dict[str, list[str]]:
    """The scorecard table as {group: [cells]}, with tags stripped."""
    body = text.split('<table class="packages scorecards">', 1)[1].split("</table>", 1)[0]
    out = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", body, re.S):
        out[html.unescape(row[0])] = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row[1], re.S)]
    return out


def test_scorecards_page_shows_the_services_figures_with_small_groups_marked(api, lanes, uow):
    client = signed_in(api, "owner@lantern.example")
    assert len(rows(client.get("/app/scorecards").text)) == 3  # the page opens by carrier
    page = client.get("/app/scorecards", params={"by": "lane"})
    assert page.status_code == 200
    table = rows(page.text)
    cards = {(c.carrier, c.lane): c for c in scorecards(uow, lanes)}
    assert len(table) == len(cards) == 4 and sum(c.parcels for c in cards.values()) == len(PLAN)
    swift = cards[("sandbox_swift", "981 -> OR")]
    cells = table["Swift Parcel (simulated) · ground · 981 → OR"]
    assert cells[0] == str(swift.parcels) == "22" and cells[1] == str(swift.delivered)
    assert cells[2] == f"{100 * swift.on_time_promise:.0f}% of {swift.promise_judged}"
    assert cells[4] == f"{swift.median_days:g}" and cells[6] == f"{swift.exceptions_per_100:g}"
    # the largest group comes first, and only the groups under 20 parcels are drawn pale
    assert list(table)[0] == "Swift Parcel (simulated) · ground · 981 → OR"
    on_time = page.text.split('id="on-time-title"', 1)[1].split("</figure>", 1)[0]
    assert on_time.count("<li>") == 1 and on_time.count('<li class="thin">') == 3
    assert on_time.count("· few parcels") == 3
    assert f"{len(PLAN)} parcels in 4 groups" in page.text
    # coarser groups, one carrier, and filters that make no sense named on the page
    by_carrier = rows(client.get("/app/scorecards", params={"by": "carrier"}).text)
    assert sorted(by_carrier) == [f"{n} (simulated)" for n in ("Pacific Regional", "Swift Parcel", "Thrift Post")]
    assert by_carrier["Pacific Regional (simulated)"][0] == "12"
    west = rows(client.get("/app/scorecards", params={"by": "lane", "carrier": "sandbox_west", "min": "5"}).text)
    assert list(west) == ["Pacific Regional (simulated) · ground · 981 → OR"]
    for params, named in BAD_FILTERS:
        refused = client.get("/app/scorecards", params=params)
        assert refused.status_code == 422 and named in html.unescape(refused.text), params
        assert "<table" not in refused.text


BAD_FILTERS = [
    ({"days": "7"}, "days: expected one of: 30, 90, 180, 365"),
    ({"from": "2026-13-01"}, "from: expected YYYY-MM-DD"),
    ({"min": "none"}, "min: expected a whole number"),
    ({"by": "planet"}, "by: expected one of: lane, service, carrier"),
    ({"from": "2026-12-01", "to": "2026-11-01"}, "since: must be before until"),
]


def test_another_shop_sees_none_of_it_and_strangers_are_sent_to_sign_in(api, engine):
    import httpx

    lanes = create_shop(UnitOfWork(engine), "Lantern & Co").shop.id
    ship_lanes(engine, lanes, PLAN[:2])
    other = create_shop(UnitOfWork(engine), "Other").shop.id
    create_staff(UnitOfWork(engine), other, "them@other.example", PASSWORD)
    page = signed_in(api, "them@other.example").get("/app/scorecards").text
    assert "No parcels were registered in this period." in page and rows(page) == {}
    with httpx.Client(base_url=api.url) as stranger:
        assert stranger.get("/app/scorecards").headers["location"] == "/app/login"
