"""Carrier push against a running server: signed deliveries are stored, drained and ingested once;
replayed, reordered and forged ones change nothing they should not."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.core import Status, Substatus
from parceltrail.services import create_shop, get_package, register_package
from parceltrail.services.hooks import drain_inbox
from tests.integration.push.helpers import SECRET, UPS_NUMBER, push, signed_headers, ups_body


@pytest.fixture
def tracked(uow):
    """A shop following the UPS parcel the fixtures describe."""
    shop = create_shop(uow, "Push shop").shop
    package = register_package(uow, shop.id, UPS_NUMBER, "ups", force=True).package
    return shop.id, package.id


def inbox(uow) -> dict[str, int]:
    with uow:
        return uow.hooks.counts()


def test_signed_push_is_stored_pending_then_drained_into_the_timeline(push_api, uow, tracked):
    shop_id, package_id = tracked
    response = push(push_api.url, "ups", ups_body("delivered"), "msg_delivered_1")

    assert response.status_code == 202
    assert response.json() == {"accepted": True, "id": response.json()["id"], "duplicate": False}
    assert inbox(uow) == {"pending": 1}
    assert get_package(uow, shop_id, package_id).events == []  # answered before any processing

    report = drain_inbox(uow)

    assert (report.done, report.failed, report.events) == (1, 0, 8)
    detail = get_package(uow, shop_id, package_id)
    assert (detail.package.state.status, detail.package.state.substatus) == (
        Status.DELIVERED,
        Substatus.LEFT_AT_DOOR,
    )
    assert len(detail.events) == 8
    assert inbox(uow) == {"done": 1}


def test_pushed_scans_revise_the_delivery_estimate_as_polled_ones_do(push_api, uow, tracked):
    _, package_id = tracked
    push(push_api.url, "ups", ups_body("out_for_delivery"), "msg_estimate")

    drain_inbox(uow)

    with uow:
        history = uow.estimates.history(package_id)
    assert [e.moment for e in history][-1:] == ["out_for_delivery"], history


def test_redelivery_with_the_same_webhook_id_is_stored_once_and_adds_no_events(push_api, uow, tracked):
    shop_id, package_id = tracked
    body = ups_body("delivered")
    first = push(push_api.url, "ups", body, "msg_again")
    drain_inbox(uow)
    again = push(push_api.url, "ups", body, "msg_again")  # freshly signed: a carrier retrying its delivery

    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json() == {"accepted": True, "id": first.json()["id"], "duplicate": True}
    assert inbox(uow) == {"done": 1}
    assert drain_inbox(uow).done == 0
    assert get_package(uow, shop_id, package_id).package.state.event_count == 8


def test_same_scans_under_a_new_webhook_id_add_no_events(push_api, uow, tracked):
    shop_id, package_id = tracked
    push(push_api.url, "ups", ups_body("delivered"), "msg_a")
    push(push_api.url, "ups", ups_body("delivered"), "msg_b")

    report = drain_inbox(uow)

    assert (report.done, report.events) == (2, 8)
    assert get_package(uow, shop_id, package_id).package.state.event_count == 8


@pytest.mark.parametrize("age", [timedelta(minutes=6), timedelta(hours=3), -timedelta(minutes=6)])
def test_delivery_signed_outside_the_five_minute_window_is_refused(push_api, uow, tracked, age):
    sent_at = datetime.now(UTC) - age
    response = push(push_api.url, "ups", ups_body("delivered"), "msg_old", sent_at=sent_at)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "window" in response.json()["detail"]
    assert inbox(uow) == {}


def test_captured_delivery_replayed_later_is_refused_and_stores_nothing_new(push_api, uow, tracked):
    body = ups_body("delivered")
    captured = signed_headers(
        body, "msg_captured", sent_at=datetime.now(UTC) - timedelta(minutes=4, seconds=50)
    )
    assert push(push_api.url, "ups", body, "", headers=captured).status_code == 202

    later = dict(captured, **{"webhook-timestamp": str(int(captured["webhook-timestamp"]) - 600)})
    fresh_id = dict(captured, **{"webhook-id": "msg_other"})

    assert push(push_api.url, "ups", body, "", headers=later).status_code == 401  # old time, or re-dated
    assert push(push_api.url, "ups", body, "", headers=fresh_id).status_code == 401  # id is signed too
    assert inbox(uow) == {"pending": 1}


def test_reordered_deliveries_end_in_the_state_of_the_newest_scan(push_api, uow, tracked):
    shop_id, package_id = tracked
    assert push(push_api.url, "ups", ups_body("delivered"), "msg_newer").status_code == 202
    assert push(push_api.url, "ups", ups_body("out_for_delivery"), "msg_older").status_code == 202

    drain_inbox(uow)

    state = get_package(uow, shop_id, package_id).package.state
    assert (state.status, state.substatus) == (Status.DELIVERED, Substatus.LEFT_AT_DOOR)
    assert state.event_count == 8  # the older body's scans are all among the newer one's


def _forgeries(body: bytes) -> dict[str, tuple[bytes, dict]]:
    good = signed_headers(body, "msg_forged")
    wrong_secret = signed_headers(body, "msg_forged", secret="whsec_" + "QUJD" * 8)
    return {
        "wrong secret": (body, wrong_secret),
        "tampered body": (body.replace(b"DELIVERED", b"RETURNED "), good),
        "no signature": (body, {k: v for k, v in good.items() if k != "webhook-signature"}),
        "no timestamp": (body, {k: v for k, v in good.items() if k != "webhook-timestamp"}),
        "no id": (body, {k: v for k, v in good.items() if k != "webhook-id"}),
        "no headers": (body, {}),
        "unknown version": (
            body,
            dict(good, **{"webhook-signature": good["webhook-signature"].replace("v1,", "v9,")}),
        ),
        "garbage signature": (body, dict(good, **{"webhook-signature": "v1,AAAA v1,not-base64"})),
        "timestamp not a number": (body, dict(good, **{"webhook-timestamp": "yesterday"})),
    }


@pytest.mark.parametrize("forgery", list(_forgeries(b"{}")))
def test_forged_push_is_refused_logged_without_body_or_secret_and_stores_nothing(
    push_api, uow, tracked, caplog, forgery
):
    body, headers = _forgeries(ups_body("delivered"))[forgery]
    with caplog.at_level(logging.WARNING, logger="parceltrail.push"):
        response = push(push_api.url, "ups", body, "", headers=headers)

    assert response.status_code == 401
    assert response.json()["title"] == "Push refused"
    assert "nothing was stored" in response.json()["detail"]
    assert inbox(uow) == {}
    refusals = [r.getMessage() for r in caplog.records if r.name == "parceltrail.push"]
    assert len(refusals) == 1 and "carrier='ups'" in refusals[0]
    for text in (refusals[0], response.text):
        assert SECRET not in text and SECRET.removeprefix("whsec_") not in text
        assert UPS_NUMBER not in text and "DELIVERED" not in text


def test_unknown_carrier_is_not_found(push_api, uow):
    response = push(push_api.url, "acme", b"{}", "msg_1")

    assert response.status_code == 404
    assert "unknown carrier 'acme'" in response.json()["detail"]
    assert inbox(uow) == {}


def test_carrier_without_a_push_secret_says_push_is_not_set_up(push_api, uow):
    response = push(push_api.url, "fedex", b"{}", "msg_1")

    assert response.status_code == 404
    assert response.json()["title"] == "Push not set up"
    assert "PARCELTRAIL_HOOK_SECRETS" in response.json()["detail"]
    assert inbox(uow) == {}


def test_push_reaches_every_shop_following_the_number_and_no_other(push_api, uow, tracked):
    shop_id, package_id = tracked
    other_shop = create_shop(uow, "Second shop").shop
    same_number = register_package(uow, other_shop.id, UPS_NUMBER, "ups", force=True).package
    other_carrier = register_package(uow, other_shop.id, UPS_NUMBER, "fedex", force=True).package
    push(push_api.url, "ups", ups_body("delivered"), "msg_both")

    assert drain_inbox(uow).events == 16

    assert get_package(uow, shop_id, package_id).package.state.status is Status.DELIVERED
    assert get_package(uow, other_shop.id, same_number.id).package.state.status is Status.DELIVERED
    assert get_package(uow, other_shop.id, other_carrier.id).package.state.event_count == 0


def test_body_over_the_size_limit_is_refused_before_verification(push_api, push_settings, uow):
    body = b"{" + b" " * push_settings.max_body_bytes + b"}"
    response = push(push_api.url, "ups", body, "msg_big")

    assert response.status_code == 413
    assert inbox(uow) == {}
