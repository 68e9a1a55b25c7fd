"""The pure order model: statuses and their aliases, deadlines from TikTok's fields, masking."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parceltrail.core import Address
from parceltrail.core.orders import Buyer, Order, OrderStatus, deadlines_from, from_unix, order_status

T = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.mark.parametrize("raw,expected", [
    ("CANCEL", OrderStatus.CANCELLED), ("cancelled", OrderStatus.CANCELLED), ("On Hold", OrderStatus.ON_HOLD),
    ("AWAITING_COLLECTION", OrderStatus.AWAITING_COLLECTION),
])
def test_order_status_reads_tiktok_spellings_and_the_webhook_alias(raw, expected):
    assert order_status(raw) is expected


def test_unknown_order_status_names_what_is_accepted():
    with pytest.raises(ValueError, match="expected one of: UNPAID, ON_HOLD"):
        order_status("SHIPPED_MAYBE")


def test_unix_zero_is_not_a_deadline_and_garbage_is_refused():
    assert from_unix(0, "rts_sla_time") is None
    assert from_unix("1619611688", "rts_sla_time") == datetime(2021, 4, 28, 12, 8, 8, tzinfo=UTC)
    with pytest.raises(ValueError, match="rts_sla_time is 'soon'"):
        from_unix("soon", "rts_sla_time")


def test_ship_by_is_the_earlier_dispatch_deadline_and_fallbacks_apply():
    a, b, c = (datetime(2026, 11, d, tzinfo=UTC) for d in (20, 21, 25))
    d = deadlines_from({"rts_sla_time": b, "shipping_due_time": a, "tts_sla_time": b, "delivery_sla_time": c,
                        "cancel_order_sla_time": b})
    assert (d.ship_by, d.collect_by, d.deliver_by, d.auto_cancel_at) == (a, b, c, b)
    assert deadlines_from({"collection_due_time": c, "tts_sla_time": a}).collect_by == c
    assert all(v.endswith("+00:00") for v in d.to_dict().values())


def test_on_hold_status_marks_the_order_on_hold():
    order = Order("shop_1", "5764", OrderStatus.ON_HOLD, T, T)
    assert order.on_hold


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="created_at has no UTC offset"):
        Order("shop_1", "5764", OrderStatus.UNPAID, datetime(2026, 1, 1), T)


def test_masked_buyer_shows_first_name_city_and_zip_only():
    buyer = Buyer("Zay Smith", Address(postal_code="95110", country="US", line1="1199 Coleman Ave", city="San Jose"))
    assert buyer.masked() == {"first_name": "Zay", "city": "San Jose", "postal_code": "95110", "country": "US"}
    assert "Coleman" not in str(buyer.masked())
