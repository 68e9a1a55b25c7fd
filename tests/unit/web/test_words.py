"""Every locale says everything the pages can ask for, and dates read as a person writes them."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from parceltrail.core import Status, Substatus
from parceltrail.services.buyer_page import STEPS
from parceltrail.web.dates import Formatter
from parceltrail.web.locales import CATALOGUES
from parceltrail.web.route_map import draw

ADVICE = ("pre_transit", "pre_transit_long", "quiet", "late", "overdue", "moving", "out_for_delivery", "pickup",
          "attempt_failed", "delivered", "damaged", "address", "delayed", "lost", "exception", "returning",
          "expired", "cancelled")


def test_every_locale_has_exactly_the_english_keys_with_the_same_placeholders():
    english = CATALOGUES["en"]
    for lang, words in CATALOGUES.items():
        assert set(words) == set(english), lang
        for key, text in words.items():
            assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", english[key])), (lang, key)


def test_every_status_substatus_step_and_advice_has_words():
    words = CATALOGUES["en"]
    assert all(f"status.{s.value}" in words for s in Status)
    assert all(f"sub.{s.value}" in words for s in Substatus)
    assert all(f"step.{s}" in words for s in STEPS)
    assert all(f"advice.{a}" in words and f"advice.heading.{a}" in words for a in ADVICE)


def test_dates_in_english_and_spanish():
    day = date(2026, 12, 8)
    assert Formatter("en").window(day, date(2026, 12, 10)) == "Tue Dec 8 – Thu Dec 10"
    assert Formatter("es").window(day, date(2026, 12, 10)) == "mar 8 dic – jue 10 dic"
    at = datetime(2026, 12, 8, 14, 5, tzinfo=ZoneInfo("America/Denver"))
    assert Formatter("en").moment(at) == "Tue Dec 8, 2:05 PM MST"
    assert Formatter("es").moment(at) == "mar 8 dic, 14:05 MST"


def test_route_map_merges_repeated_places_and_draws_the_leg_ahead():
    places = [(40.75, -73.99, "New York, NY"), (40.75, -73.99, "New York, NY"), (39.96, -83.0, "Columbus, OH")]
    drawn = draw(places, (39.75, -104.99, "Denver, CO"), delivered=False)
    assert [s.label for s in drawn.stops] == ["New York, NY", "Columbus, OH", "Denver, CO"]
    assert [s.kind for s in drawn.stops] == ["origin", "current", "destination"]
    west, east = drawn.stops[2], drawn.stops[0]
    assert west.x < east.x and west.anchor == "start" and east.anchor == "end"
    assert all(0 <= s.x <= drawn.width and 0 <= s.y <= drawn.height for s in drawn.stops)
    assert drawn.ahead and draw([], None, delivered=False) is None


def test_route_map_labels_only_stops_whose_labels_do_not_collide():
    places = [(40.75, -73.99, "New York, NY"), (39.96, -83.0, "Columbus, OH"), (41.87, -87.66, "Chicago, IL"),
              (39.75, -104.99, "Denver, CO")]
    drawn = draw(places, None, delivered=True)
    labelled = {s.label for s in drawn.stops if s.labelled}
    assert {"Denver, CO", "New York, NY"} <= labelled and len(labelled) < 4
