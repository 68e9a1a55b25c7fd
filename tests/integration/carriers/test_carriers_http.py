"""Each carrier's ``fetch`` against a local server that checks the request the way the carrier does."""

from __future__ import annotations

import pytest

from parceltrail.carriers import (
    ApiKeyCredentials,
    CarrierFetchError,
    OAuthCredentials,
    TikTokCredentials,
    dhl,
    fedex,
    tiktok,
    ups,
    usps,
)
from tests.conftest import HUNG
from tests.integration.carriers import fakes
from tests.integration.carriers.conftest import (
    APP_KEY,
    APP_SECRET,
    CLIENT_ID,
    CLIENT_SECRET,
    DHL_KEY,
    SHOP_CIPHER,
    SHOP_TOKEN,
)


def oauth(server, secret: str = CLIENT_SECRET) -> OAuthCredentials:
    return OAuthCredentials(CLIENT_ID, secret, base_url=server.url)


def test_ups_gets_a_token_with_basic_auth_then_tracks_with_it(server, client):
    fakes.ups(server, {"1Z4F28Y10392746618": "delivered"})
    body = ups.fetch("1Z4F28Y10392746618", oauth(server), client)
    result = ups.parse(body)
    assert (result.status, result.substatus) == ("delivered", "left_at_door")
    [token_call] = server.requests_to("/security/v1/oauth/token")
    [track_call] = server.requests_to("/api/track")
    assert track_call.headers["authorization"] == "Bearer tok-1"
    assert track_call.query == {"locale": "en_US", "returnSignature": "false"}
    assert CLIENT_SECRET not in token_call.body.decode()


def test_ups_unknown_number_is_pending_not_an_error(server, client):
    fakes.ups(server, {})
    result = ups.parse(ups.fetch("1Z4F28Y10399999990", oauth(server), client))
    assert (result.status, result.events) == ("pending", ())


def test_token_is_cached_across_fetches(server, client):
    fakes.ups(server, {"1Z4F28Y10392746618": "delivered", "1Z4F28Y10394120075": "pre_transit"})
    ups.fetch("1Z4F28Y10392746618", oauth(server), client)
    ups.fetch("1Z4F28Y10394120075", oauth(server), client)
    assert len(server.requests_to("/security")) == 1
    assert len(server.requests_to("/api/track")) == 2


def test_token_is_fetched_again_before_it_expires(server, sleeps):
    from parceltrail.carriers.transport import CarrierClient

    now = [1000.0]
    fakes.ups(server, {"1Z4F28Y10392746618": "delivered"})
    server.token_lifetime = 600
    with CarrierClient(timeout=HUNG, sleep=sleeps, monotonic=lambda: now[0]) as client:
        ups.fetch("1Z4F28Y10392746618", oauth(server), client)
        now[0] += 545  # inside the last minute of a 600 s token: refresh rather than risk a 401
        ups.fetch("1Z4F28Y10392746618", oauth(server), client)
    assert len(server.requests_to("/security")) == 2


def test_revoked_token_is_replaced_once_on_401(server, client):
    fakes.ups(server, {"1Z4F28Y10392746618": "delivered"})
    ups.fetch("1Z4F28Y10392746618", oauth(server), client)
    server.revoke_tokens()
    ups.parse(ups.fetch("1Z4F28Y10392746618", oauth(server), client))
    tracks = server.requests_to("/api/track")
    assert [t.headers["authorization"] for t in tracks] == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


def test_refused_credentials_say_so_without_the_secret(server, client):
    fakes.ups(server, {})
    with pytest.raises(CarrierFetchError) as caught:
        ups.fetch("1Z4F28Y10392746618", oauth(server, secret="wrong-secret-123"), client)
    error = caught.value
    assert (error.carrier, error.status) == ("ups", 401)
    assert "token request refused (401): Client authentication failed" in str(error)
    assert "wrong-secret-123" not in str(error) + repr(error)


def test_fedex_posts_the_number_with_form_credentials(server, client):
    fakes.fedex(server, {"794627189203": "delivered"})
    result = fedex.parse(fedex.fetch("794627189203", oauth(server), client))
    assert (result.tracking_number, result.signed_by) == ("794627189203", "M.ALVAREZ")
    [track_call] = server.requests_to("/track/v1")
    assert track_call.headers["x-locale"] == "en_US"
    assert track_call.headers["content-type"] == "application/json"


def test_fedex_unknown_number_is_pending(server, client):
    fakes.fedex(server, {})
    assert fedex.parse(fedex.fetch("794627199998", oauth(server), client)).status == "pending"


def test_usps_asks_for_detail_and_reads_404_as_pending(server, client):
    fakes.usps(server, {"9400111206213859476238": "delivered"})
    assert usps.parse(usps.fetch("9400111206213859476238", oauth(server), client)).substatus == "mailbox"
    assert usps.parse(usps.fetch("9400111206213859479999", oauth(server), client)).status == "pending"
    assert all(s.query["expand"] == "DETAIL" for s in server.requests_to("/tracking/v3"))


def test_dhl_sends_the_api_key_and_reads_404_as_pending(server, client):
    fakes.dhl(server, {"00340434161094042557": "delivered"})
    creds = ApiKeyCredentials(DHL_KEY, base_url=server.url)
    assert dhl.parse(dhl.fetch("00340434161094042557", creds, client)).signed_by == "K. Brandt"
    assert dhl.parse(dhl.fetch("00340434161094049999", creds, client)).status == "pending"
    assert server.requests_to("/track")[0].query == {"trackingNumber": "00340434161094042557"}


def test_dhl_wrong_key_is_a_credentials_error(server, client):
    fakes.dhl(server, {})
    with pytest.raises(CarrierFetchError, match=r"dhl: credentials refused \(401\): .*Invalid API key"):
        dhl.fetch("00340434161094042557", ApiKeyCredentials("nope", base_url=server.url), client)


def tiktok_creds(server, secret: str = APP_SECRET) -> TikTokCredentials:
    return TikTokCredentials(APP_KEY, secret, SHOP_TOKEN, shop_cipher=SHOP_CIPHER, base_url=server.url)


def test_tiktok_signed_request_is_accepted_by_a_server_that_recomputes_the_signature(server, client):
    fakes.tiktok(server, {"578201993015338971": "delivered"})
    result = tiktok.parse(tiktok.fetch("578201993015338971", tiktok_creds(server), client))
    assert (result.status, len(result.events)) == ("delivered", 8)
    [call] = server.seen
    assert call.path == "/fulfillment/202309/orders/578201993015338971/tracking"
    assert set(call.query) == {"app_key", "timestamp", "shop_cipher", "sign"}
    assert SHOP_TOKEN not in call.path + str(call.query)


def test_tiktok_signature_with_the_wrong_secret_is_refused(server, client):
    fakes.tiktok(server, {})
    with pytest.raises(CarrierFetchError, match=r"code 106001\): Invalid sign"):
        tiktok.fetch("578201993015338971", tiktok_creds(server, secret="not-the-secret"), client)


def test_a_wrong_base_url_is_a_fetch_error_not_a_parse_error(server, client):
    with pytest.raises(CarrierFetchError, match="unexpected answer 404"):
        dhl.fetch("00340434161094042557", ApiKeyCredentials(DHL_KEY, base_url=server.url + "/v0"), client)
