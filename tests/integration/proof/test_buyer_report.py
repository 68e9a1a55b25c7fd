"""The buyer's "report a problem" form over real HTTP: only after proof of being the recipient, CSRF
checked, one open report per parcel, throttled, and the shop sees it as a dispute opened by the buyer."""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from tests.conftest import HUNG
from tests.integration.test_buyer_page import csrf_of
from tests.parcels import DELIVERED, DEST_ZIP, make_parcels


@pytest.fixture
def parcels(engine):
    return make_parcels(engine)


def proven_client(api) -> tuple[httpx.Client, str]:
    """A browser that proved the ZIP (not yet entered as a context: the caller's ``with`` closes it)."""
    http = httpx.Client(base_url=api.url, timeout=HUNG)
    token = csrf_of(http.get(f"/track/{DELIVERED}").text)
    assert http.post(f"/track/{DELIVERED}/verify", data={"postal_code": DEST_ZIP, "csrf_token": token}).status_code == 303
    return http, token


def test_a_proven_buyer_reports_once_and_the_shop_gets_a_buyer_dispute(api, parcels, uow):
    http, token = proven_client(api)
    with closing(http):
        page = http.get(f"/track/{DELIVERED}").text
        assert "Report a problem" in page and 'name="kind" value="not_received"' in page
        sent = http.post(f"/track/{DELIVERED}/report", data={"kind": "not_received", "csrf_token": token,
                                                             "details": "Nothing on the porch"})
        assert sent.status_code == 303 and sent.headers["location"] == f"/track/{DELIVERED}#report"
        again = http.post(f"/track/{DELIVERED}/report", data={"kind": "damaged", "csrf_token": token})
        after = http.get(f"/track/{DELIVERED}").text
    assert again.status_code == 303
    assert "You reported “I didn&#39;t receive it”" in after and "Maple &amp; Moss has your report" in after
    assert 'name="kind"' not in after
    with uow.read():
        found = uow.disputes.for_packages([parcels.ids["delivered"]])[parcels.ids["delivered"]]
        history = uow.disputes.history(found[0].id)
    assert [(d.kind.value, d.source, d.description) for d in found] == [("not_received", "buyer", "Nothing on the porch")]
    assert history[0].actor == "buyer"


def test_without_proof_csrf_or_a_kind_nothing_is_opened(api, parcels, uow):
    with httpx.Client(base_url=api.url, timeout=HUNG) as stranger:
        token = csrf_of(stranger.get(f"/track/{DELIVERED}").text)
        unproven = stranger.post(f"/track/{DELIVERED}/report", data={"kind": "not_received", "csrf_token": token})
    http, token = proven_client(api)
    with closing(http):
        forged = http.post(f"/track/{DELIVERED}/report", data={"kind": "not_received", "csrf_token": "0" * 64})
        other_site = http.post(f"/track/{DELIVERED}/report", data={"kind": "late", "csrf_token": token},
                               headers={"Origin": "https://evil.example"})
        no_kind = http.post(f"/track/{DELIVERED}/report", data={"kind": "", "csrf_token": token})
    assert unproven.status_code == 403 and "Enter the delivery ZIP code first" in unproven.text
    assert forged.status_code == 403 and other_site.status_code == 403
    assert no_kind.status_code == 422 and "Choose what went wrong" in no_kind.text
    with uow.read():
        assert uow.disputes.page(None) == []


def test_reports_are_throttled_per_parcel(api, parcels, uow):
    http, token = proven_client(api)
    with closing(http):
        for _ in range(5):
            http.post(f"/track/{DELIVERED}/report", data={"kind": "late", "csrf_token": token})
        refused = http.post(f"/track/{DELIVERED}/report", data={"kind": "late", "csrf_token": token})
    assert refused.status_code == 429 and "Too many tries" in refused.text


def test_a_proven_buyer_confirms_a_delivered_parcel_once_and_a_moving_one_cannot_be(api, parcels, uow):
    from tests.parcels import LATE

    with httpx.Client(base_url=api.url, timeout=HUNG) as stranger:
        token = csrf_of(stranger.get(f"/track/{DELIVERED}").text)
        assert stranger.post(f"/track/{DELIVERED}/received", data={"csrf_token": token}).status_code == 403
    http, token = proven_client(api)
    with closing(http):
        page = http.get(f"/track/{DELIVERED}").text
        assert "Got your parcel?" in page and "Yes, I have it" in page
        forged = http.post(f"/track/{DELIVERED}/received", data={"csrf_token": "0" * 64})
        sent = http.post(f"/track/{DELIVERED}/received", data={"csrf_token": token})
        assert sent.status_code == 303 and sent.headers["location"] == f"/track/{DELIVERED}#received"
        after = http.get(f"/track/{DELIVERED}").text
        assert http.post(f"/track/{DELIVERED}/received", data={"csrf_token": token}).status_code == 303
        token_late = csrf_of(http.get(f"/track/{LATE}").text)
        http.post(f"/track/{LATE}/verify", data={"postal_code": DEST_ZIP, "csrf_token": token_late})
        moving = http.post(f"/track/{LATE}/received", data={"csrf_token": token_late})
    assert forged.status_code == 403
    assert "You confirmed on" in after and "Yes, I have it" not in after
    assert moving.status_code == 409
    with uow.read():
        first = uow.proofs.confirmation(parcels.ids["delivered"])
        assert first.via == "tracking_page" and uow.proofs.confirmation(parcels.ids["late"]) is None
