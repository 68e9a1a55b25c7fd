"""The sandbox network on a real 127.0.0.1 port: polled through the transport, rate limited, pushing."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from parceltrail.carriers import CarrierFetchError
from parceltrail.carriers.sandbox import (
    MAX_NUMBERS_PER_REQUEST,
    Pusher,
    SandboxCredentials,
    SandboxNetwork,
    create_network_app,
    fetch,
    fetch_many,
    parse,
    parse_many,
)
from parceltrail.carriers.sandbox.webhooks import WebhookVerificationError, new_secret, verify
from parceltrail.carriers.transport import CarrierClient, RetryPolicy
from parceltrail.core import Status
from parceltrail.services.clock import AcceleratedClock
from tests.conftest import HUNG, LiveServer, free_port

START = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)


class SteppedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock(START)


@pytest.fixture
def network(clock) -> SandboxNetwork:
    return SandboxNetwork(clock, seed=21)


@pytest.fixture
def served(network):
    with LiveServer(create_network_app(network, requests_per_second=None)) as server:
        yield server


@pytest.fixture
def client():
    with CarrierClient(retry=RetryPolicy(attempts=3, backoff=0.01)) as c:
        yield c


def test_fetch_and_fetch_many_go_through_the_carrier_transport_and_parse(network, served, clock, client):
    creds = SandboxCredentials(base_url=served.url)
    numbers = [network.ship(scenario="normal") for _ in range(5)]
    clock.at = START + timedelta(days=12)
    one = parse(fetch(numbers[0], creds, client))
    assert one.tracking_number == numbers[0] and one.status is Status.DELIVERED
    many = parse_many(fetch_many(numbers, creds, client))
    assert [r.tracking_number for r in many] == numbers
    assert all(r.status is Status.DELIVERED for r in many)
    assert [n for n, _, _ in network.fetch_log] == numbers[:1] + numbers
    assert {at for _, at, _ in network.fetch_log} == {clock.at}


def test_an_unknown_number_is_answered_with_no_record_not_an_error(served, client):
    result = parse(fetch("PT00000000000000001", SandboxCredentials(served.url), client))
    assert result.status is Status.PENDING and result.events == ()


def test_more_numbers_than_the_batch_limit_are_refused(network, served, client):
    numbers = [network.ship() for _ in range(MAX_NUMBERS_PER_REQUEST + 1)]
    answer = httpx.get(f"{served.url}/track", params={"number": numbers})
    assert answer.status_code == 400 and "at most 25" in answer.json()["detail"]
    assert answer.headers["content-type"].startswith("application/problem+json")
    with pytest.raises(ValueError, match="1 to 25"):
        fetch_many(numbers, SandboxCredentials(served.url), client)
    assert network.fetch_log == []


def test_a_short_retry_after_is_waited_out_by_the_transport(network):
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    number = network.ship()
    app = create_network_app(network, requests_per_second=2, burst=1)
    with LiveServer(app) as server, CarrierClient(retry=RetryPolicy(attempts=3), sleep=sleep) as client:
        creds = SandboxCredentials(server.url)
        fetch(number, creds, client)
        second = parse(fetch(number, creds, client))
    assert second.tracking_number == number
    assert slept == [1.0]
    assert len(network.fetch_log) == 2


def test_a_long_retry_after_comes_back_as_a_fetch_error_carrying_it(network):
    number = network.ship()
    app = create_network_app(network, requests_per_second=0.01, burst=1)
    with (
        LiveServer(app) as server,
        CarrierClient(retry=RetryPolicy(attempts=3), sleep=lambda s: None) as client,
    ):
        creds = SandboxCredentials(server.url)
        fetch(number, creds, client)
        with pytest.raises(CarrierFetchError) as caught:
            fetch(number, creds, client)
    assert (caught.value.status, caught.value.retry_after) == (429, 100.0)
    assert len(network.fetch_log) == 1


def test_the_app_mounts_under_a_prefix_and_mints_labels_over_http(network):
    from fastapi import FastAPI

    main = FastAPI()
    main.mount("/sandbox", create_network_app(network))
    with LiveServer(main) as server:
        made = httpx.post(f"{server.url}/sandbox/shipments", json={"service": "express", "scenario": "stale"})
        assert made.status_code == 201 and made.json()["scenario"] == "stale"
        number = made.json()["tracking_number"]
        bad = httpx.post(f"{server.url}/sandbox/shipments", json={"scenario": "hurricane"})
        assert bad.status_code == 400 and "hurricane" in bad.json()["detail"]
        not_json = httpx.post(f"{server.url}/sandbox/shipments", content=b"[1, 2")
        assert not_json.status_code == 400 and "JSON object" in not_json.json()["detail"]
        with CarrierClient() as client:
            result = parse(fetch(number, SandboxCredentials(f"{server.url}/sandbox/"), client))
        single = httpx.get(f"{server.url}/sandbox/track/{number}").json()
    assert result.tracking_number == number and single["tracking_number"] == number
    assert network.shipments == (number,)


def test_an_accelerated_clock_moves_parcels_between_two_polls():
    # the simulated day starts on a Monday afternoon: a label made late on a Friday would honestly
    # wait out the weekend, and whether the test passed would depend on the hour CI ran it
    real = time.time()
    now = datetime.fromtimestamp(real, UTC)
    monday = (now - timedelta(days=14 + now.weekday())).replace(hour=15, minute=0, second=0, microsecond=0)
    clock = AcceleratedClock(speed=200_000, lag=now - monday, real_start=real)
    network = SandboxNetwork(clock, seed=4, exception_share=0)
    number = network.ship("ground")
    first = len(network.tracking(number)["events"])
    time.sleep(0.9)  # about 50 simulated hours: into Wednesday
    assert len(network.tracking(number)["events"]) > first


class Receiver:
    """A webhook endpoint on a real port that verifies every push and can be told to fail."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.accepted: list[tuple[str, bytes]] = []
        self.attempts: list[str] = []
        self.fail_next = 0
        self.lock = threading.Lock()

    async def hook(self, request: Request) -> JSONResponse:
        body = await request.body()
        with self.lock:
            self.attempts.append(request.headers.get("webhook-id", ""))
            if self.fail_next:
                self.fail_next -= 1
                return JSONResponse({"error": "busy"}, status_code=503)
        try:
            verify(request.headers, body, self.secret, datetime.now(UTC))
        except WebhookVerificationError as error:
            return JSONResponse({"error": error.reason}, status_code=401)
        with self.lock:
            self.accepted.append((request.headers["webhook-id"], body))
        return JSONResponse({"ok": True}, status_code=202)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hooks/sandbox", self.hook, methods=["POST"])])


def test_the_pusher_sends_each_change_once_signed_and_parse_reads_the_push(network, clock):
    secret = new_secret()
    receiver = Receiver(secret)
    numbers = [network.ship(scenario=s) for s in ("normal", "weather_delay", "lost")]
    with LiveServer(receiver.app()) as server, httpx.Client() as http:
        pusher = Pusher(network, f"{server.url}/hooks/sandbox", secret, http)
        assert pusher.push_due() == 3
        assert pusher.push_due() == 0
        clock.at = START + timedelta(days=30)
        assert pusher.push_due() == 3
        assert pusher.finished == set(numbers)  # every journey is over: they are not looked at again
        assert pusher.push_due(clock.at + timedelta(days=1)) == 0
    ids = [i for i, _ in receiver.accepted]
    assert len(ids) == len(set(ids)) == 6
    for number in numbers:
        pushed = [body for i, body in receiver.accepted if number in i]
        final = parse(pushed[-1])
        assert final.tracking_number == number
        assert json.loads(pushed[-1]) == network.tracking(number)
    lost = parse([b for i, b in receiver.accepted if numbers[2] in i][-1])
    assert lost.status is Status.EXCEPTION and lost.substatus == "lost"


def test_a_5xx_is_retried_with_the_same_id_and_a_wrong_secret_is_refused(network):
    secret = new_secret()
    receiver = Receiver(secret)
    network.ship()
    with LiveServer(receiver.app()) as server, httpx.Client() as http:
        url = f"{server.url}/hooks/sandbox"
        receiver.fail_next = 2
        pusher = Pusher(network, url, secret, http, attempts=3, sleep=lambda s: None)
        assert pusher.push_due() == 1
        assert len(receiver.attempts) == 3 and len(set(receiver.attempts)) == 1
        forger = Pusher(network, url, new_secret(), http, sleep=lambda s: None)
        assert forger.push_due() == 0 and forger.failures == 1
    assert len(receiver.accepted) == 1 and len(receiver.attempts) == 4


def test_a_receiver_that_is_down_is_tried_again_on_the_next_call(network):
    secret = new_secret()
    receiver = Receiver(secret)
    network.ship()
    with httpx.Client(timeout=HUNG) as http:
        pusher = Pusher(
            network, f"http://127.0.0.1:{free_port()}/hooks/sandbox", secret, http, sleep=lambda s: None
        )
        assert pusher.push_due() == 0 and pusher.failures == 1
        with LiveServer(receiver.app()) as server:
            pusher.url = f"{server.url}/hooks/sandbox"  # the endpoint is back (here: on another port)
            assert pusher.push_due() == 1
    assert len(receiver.accepted) == 1
