"""The TikTok metric guard page over real HTTP on SQLite and PostgreSQL, on the hand-made shop of the guard's
own tests: today's figures as TikTok counts them, the trend's days equal the service asked at those moments,
thresholds from the form, refusals naming the field."""

from __future__ import annotations

import html
import re

import pytest

from parceltrail.services.clock import ManualClock, WallClock, set_clock
from parceltrail.services.metrics import tiktok_metrics
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.integration.exceptions.test_metric_guard import NOW, D, shop  # noqa: F401  (fixture)
from tests.integration.test_dashboard import PASSWORD, signed_in


@pytest.fixture
def guarded(shop, engine):  # noqa: F811
    create_staff(UnitOfWork(engine), shop.shop.id, "owner@guard.example", PASSWORD, "owner")
    set_clock(ManualClock(NOW))
    yield shop
    set_clock(WallClock())


def section(text: str, heading_id: str) -> str:
    return html.unescape(text.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0])


def trend_values(text: str, heading_id: str) -> list[str]:
    return re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td></tr>", section(text, heading_id))


def test_the_guard_page_shows_todays_rates_the_trend_and_the_orders_that_move_them(api, guarded, uow):
    client = signed_in(api, "owner@guard.example")
    page = client.get("/app/metrics")
    assert page.status_code == 200
    ldr = section(page.text, "m-ldr")
    assert "20.0%" in ldr and "1 of 5 orders first scanned in the last 7 days" in ldr
    assert "TikTok: at most 4.0%" in ldr and "Outside TikTok's limit now." in ldr
    assert "ORD-1" in ldr and "ORD-2" in ldr
    otdr = section(page.text, "m-otdr")
    assert "50.0%" in otdr and "2 of 4 orders due in the last 7 days" in otdr
    vtr = section(page.text, "m-vtr")
    assert "5 of 6 tracking numbers" in vtr and "ORD-3" in vtr
    assert "ORD-2" in section(page.text, "cancel-heading")
    # each day of the trend is what the guard service says at that moment
    for key, heading in (("ldr", "m-ldr"), ("vtr", "m-vtr"), ("otdr", "m-otdr")):
        shown = trend_values(page.text, heading)
        assert len(shown) == 15
        for back, value in zip(range(14, -1, -1), shown, strict=True):
            expected = getattr(tiktok_metrics(uow, guarded.shop.id, NOW - back * D), key).value
            assert value == ("—" if expected is None else f"{expected * 100:.1f}%"), (key, back)
    # by hand, three days ago: 4 orders first scanned in (NOW-10d, NOW-3d], one after its deadline
    assert trend_values(page.text, "m-ldr")[-4] == "25.0%"


def test_thresholds_from_the_form_and_refusals_that_name_the_field(api, guarded):
    client = signed_in(api, "owner@guard.example")
    relaxed = client.get("/app/metrics", params={"ldr_max": "30", "otdr_min": "50"}).text
    assert "Within TikTok's limit" in section(relaxed, "m-ldr") and "TikTok: at most 30.0%" in section(relaxed, "m-ldr")
    assert "Outside TikTok's limit now." not in section(relaxed, "m-otdr")
    bad = client.get("/app/metrics", params={"ldr_max": "400", "vtr_days": "soon"})
    text = html.unescape(bad.text)
    assert bad.status_code == 422
    assert "ldr_max: expected a percentage from 0 to 100, got '400'" in text
    assert "vtr_days: expected a whole number from 1 to 90, got 'soon'" in text
