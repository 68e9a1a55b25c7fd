"""Retries, backoff, 429 Retry-After and timeouts, against a real server that misbehaves on cue."""

from __future__ import annotations

import time

import pytest

from parceltrail.carriers import ApiKeyCredentials, CarrierFetchError, OAuthCredentials, dhl, usps
from parceltrail.carriers.transport import CarrierClient, RetryPolicy
from tests.integration.carriers import fakes
from tests.integration.carriers.conftest import CLIENT_ID, CLIENT_SECRET, DHL_KEY

NUMBER = "00340434161094042557"


def creds(server) -> ApiKeyCredentials:
    return ApiKeyCredentials(DHL_KEY, base_url=server.url)


def test_5xx_is_retried_with_doubling_backoff(server, client, sleeps):
    fakes.dhl(server, {NUMBER: "delivered"})
    server.fail("/track", 502, 503)
    assert dhl.parse(dhl.fetch(NUMBER, creds(server), client)).status == "delivered"
    assert sleeps.waits == [0.5, 1.0]
    assert len(server.requests_to("/track")) == 3


def test_5xx_that_outlives_the_retries_names_carrier_and_status(server, client, sleeps):
    fakes.dhl(server, {NUMBER: "delivered"})
    server.fail("/track", 500, 500, 500)
    with pytest.raises(CarrierFetchError) as caught:
        dhl.fetch(NUMBER, creds(server), client)
    assert (caught.value.carrier, caught.value.status) == ("dhl", 500)
    assert (
        str(caught.value)
        == "dhl: 127.0.0.1 answered 500 3 times in a row (Internal Server Error; upstream timeout)"
    )
    assert sleeps.waits == [0.5, 1.0]


def test_429_waits_as_long_as_retry_after_says(server, client, sleeps):
    fakes.dhl(server, {NUMBER: "delivered"})
    server.fail("/track", ("429", 2))
    assert dhl.parse(dhl.fetch(NUMBER, creds(server), client)).status == "delivered"
    assert sleeps.waits == [2.0]


def test_429_with_a_long_retry_after_is_handed_back_instead_of_blocking(server, client, sleeps):
    fakes.dhl(server, {NUMBER: "delivered"})
    server.fail("/track", ("429", 3600))
    with pytest.raises(CarrierFetchError) as caught:
        dhl.fetch(NUMBER, creds(server), client)
    assert (caught.value.status, caught.value.retry_after) == (429, 3600.0)
    assert sleeps.waits == []
    assert len(server.requests_to("/track")) == 1


def test_a_slow_answer_times_out_and_the_retry_gets_through(server, sleeps):
    fakes.dhl(server, {NUMBER: "delivered"})
    server.fail("/track", ("slow", 10))  # far beyond the timeout, so a loaded machine cannot blur the two
    started = time.monotonic()
    with CarrierClient(timeout=0.25, retry=RetryPolicy(attempts=3, backoff=0.5), sleep=sleeps) as client:
        assert dhl.parse(dhl.fetch(NUMBER, creds(server), client)).status == "delivered"
    assert time.monotonic() - started < 10  # gave up on the slow answer after the 0.25 s timeout
    assert sleeps.waits == [0.5]


def test_a_carrier_that_never_answers_in_time_is_a_fetch_error(server, sleeps):
    fakes.dhl(server, {NUMBER: "delivered"})
    server.fail("/track", ("slow", 0.3), ("slow", 0.3))
    with (CarrierClient(timeout=0.1, retry=RetryPolicy(attempts=2, backoff=0.01), sleep=sleeps) as client,
          pytest.raises(CarrierFetchError, match=r"dhl: no answer from 127\.0\.0\.1: timed out 2 times")):
        dhl.fetch(NUMBER, creds(server), client)


def test_token_endpoint_5xx_is_retried_too(server, client, sleeps):
    fakes.usps(server, {"9400111206213859476238": "delivered"})
    server.fail("/oauth2", 503)
    oauth = OAuthCredentials(CLIENT_ID, CLIENT_SECRET, base_url=server.url)
    assert usps.parse(usps.fetch("9400111206213859476238", oauth, client)).status == "delivered"
    assert len(server.requests_to("/oauth2")) == 2


def test_nothing_listening_is_a_fetch_error_after_retries(sleeps):
    with (CarrierClient(timeout=0.2, retry=RetryPolicy(attempts=2, backoff=0.01), sleep=sleeps) as client,
          pytest.raises(CarrierFetchError, match="dhl: cannot reach 127.0.0.1")):
        dhl.fetch(NUMBER, ApiKeyCredentials(DHL_KEY, base_url="http://127.0.0.1:9"), client)
    assert sleeps.waits == [0.01]
