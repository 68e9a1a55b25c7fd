"""A shop's carrier account reaches no further than the shop (issue 25 items 2 and 3).

Item 2: the endpoint credentials are sent to is the operator's (``PARCELTRAIL_<CARRIER>_BASE_URL``), not
a shop's: a shop naming one is refused, one stored before the fence is ignored, and the sandbox follows
``PARCELTRAIL_SANDBOX_BASE_URL`` when polling. Item 3: ``env_prefix`` lies in the shop's own namespace.
Every "nothing reached" claim is checked on a real listener on 127.0.0.1.
"""

from __future__ import annotations

import json
import random

import httpx
import pytest
from pydantic import SecretStr

from parceltrail.carriers.transport import CarrierClient, RetryPolicy
from parceltrail.services import create_shop, get_package, register_package
from parceltrail.services.accounts import env_namespace, set_account, shop_credentials
from parceltrail.services.adapters import MissingCredentials
from parceltrail.services.polling import Poller
from parceltrail.services.secrets import seal
from parceltrail.store.accounts import CarrierAccount
from parceltrail.store.ids import new_id
from tests.conftest import HUNG, LiveServer
from tests.integration.carriers import fakes
from tests.integration.carriers.conftest import CLIENT_ID, CLIENT_SECRET, DHL_KEY, CarrierServer

KEY = "test-secret-key-for-encryption"
UPS_DELIVERED = "1Z4F28Y10392746618"  # UPS's published sample; its check digit does not check out, so it is forced
DHL_NUMBER = "00340434161094042557"


@pytest.fixture
def listener():
    """A host a malicious shop would like the poller to talk to: it records whatever reaches it."""
    trap = CarrierServer()
    yield trap
    trap.close()


def poller(uow, engine) -> Poller:
    from parceltrail.settings import Settings
    from parceltrail.worker.runner import shop_credentials_reader

    reader = shop_credentials_reader(Settings(secret_key=KEY), engine)
    return Poller(client=CarrierClient(timeout=HUNG, retry=RetryPolicy(attempts=1, backoff=0.01)),
                  credentials_for=reader, rng=random.Random(1))


def store_as_before_the_fence(uow, shop_id: str, carrier: str, ciphertext: str | None = None,
                              env_ref: str | None = None) -> None:
    """An account saved by an older version, which took any base_url and any env prefix."""
    from parceltrail.services.clock import utcnow

    with uow:
        uow.accounts.put(CarrierAccount(new_id("acct"), shop_id, carrier, ciphertext, env_ref, utcnow(), utcnow()))
        uow.commit()


def test_a_shop_cannot_point_its_credentials_at_a_url(uow, engine, listener, settings):
    from parceltrail.api import create_app

    made = create_shop(uow, "Curious Shop")
    secured = settings.model_copy(update={"secret_key": SecretStr(KEY)})
    with LiveServer(create_app(secured, engine)) as server:
        answer = httpx.put(f"{server.url}/v1/carrier-accounts/ups",
                           headers={"Authorization": f"Bearer {made.api_key}"},
                           json={"credentials": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                                 "base_url": listener.url}})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert "credentials.base_url" in json.dumps(problem) and "PARCELTRAIL_UPS_BASE_URL" in json.dumps(problem)
    register_package(uow, made.shop.id, UPS_DELIVERED, "ups", force=True)
    poller(uow, engine).tick(uow)
    assert listener.seen == [], "nothing may reach a URL a shop chose"


def test_a_base_url_stored_before_the_fence_is_ignored_for_the_operators(uow, engine, listener, monkeypatch):
    operator = CarrierServer()
    try:
        fakes.ups(operator, {UPS_DELIVERED: "delivered"})
        monkeypatch.setenv("PARCELTRAIL_UPS_BASE_URL", operator.url)
        shop = create_shop(uow, "Old Account Shop").shop
        legacy = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "base_url": listener.url}
        store_as_before_the_fence(uow, shop.id, "ups", seal(KEY, "carrier credentials", json.dumps(legacy)))
        assert shop_credentials(uow, shop.id, "ups", KEY).base_url == operator.url
        package = register_package(uow, shop.id, UPS_DELIVERED, "ups", force=True).package
        report = poller(uow, engine).tick(uow)
        assert (report.fetched, report.failed) == (1, 0)
        assert listener.seen == [] and operator.requests_to("/security/v1/oauth/token")
        assert get_package(uow, shop.id, package.id).package.state.status.value == "delivered"
    finally:
        operator.close()


def test_polling_the_sandbox_follows_the_operators_sandbox_url(uow, engine, monkeypatch):
    from parceltrail.carriers.sandbox import SandboxNetwork, create_network_app
    from parceltrail.services.clock import WallClock

    network = SandboxNetwork(WallClock(), seed=7, exception_share=0)
    number = network.ship()
    with LiveServer(create_network_app(network)) as served:
        monkeypatch.setenv("PARCELTRAIL_SANDBOX_BASE_URL", served.url)
        shop = create_shop(uow, "Sandbox Shop").shop
        register_package(uow, shop.id, number, "sandbox")
        report = poller(uow, engine).tick(uow)
    assert (report.claimed, report.fetched, report.failed) == (1, 1, 0), report.errors
    assert [n for n, _, _ in network.fetch_log] == [number]


def test_env_prefix_is_limited_to_the_shops_own_namespace(uow, engine, settings):
    from parceltrail.api import create_app

    a, b = create_shop(uow, "Shop A"), create_shop(uow, "Shop B")
    refused = [
        f"{env_namespace(b.shop.id)}DHL_",   # another shop's variables
        "PARCELTRAIL_DHL_",                   # the server's own account
        "PARCELTRAIL_SHOP_",                  # every shop's
        "AWS_SECRET_",                        # anything else on the server
        env_namespace(a.shop.id).replace("SHOP_SHOP_", "SHOP_"),
    ]
    with LiveServer(create_app(settings, engine)) as server:
        put = lambda prefix: httpx.put(f"{server.url}/v1/carrier-accounts/dhl", json={"env_prefix": prefix},
                                       headers={"Authorization": f"Bearer {a.api_key}"})
        for prefix in refused:
            answer = put(prefix)
            assert answer.status_code == 422, (prefix, answer.text)
            assert env_namespace(a.shop.id) in answer.text
        own = put(f"{env_namespace(a.shop.id)}DHL_")
        assert own.status_code == 200, own.text
    assert own.json()["env_prefix"] == f"PARCELTRAIL_SHOP_{a.shop.id.upper()}_DHL_"


def test_shop_a_never_polls_with_shop_bs_key_even_from_an_old_account(uow, engine, monkeypatch):
    dhl = CarrierServer()
    try:
        fakes.dhl(dhl, {DHL_NUMBER: "delivered"})
        monkeypatch.setenv("PARCELTRAIL_DHL_BASE_URL", dhl.url)
        a, b = create_shop(uow, "Shop A").shop, create_shop(uow, "Shop B").shop
        b_prefix = f"{env_namespace(b.id)}DHL_"
        monkeypatch.setenv(f"{b_prefix}API_KEY", DHL_KEY)
        set_account(uow, b.id, "dhl", None, env_prefix=b_prefix)
        store_as_before_the_fence(uow, a.id, "dhl", env_ref=b_prefix)  # what A could save before
        with pytest.raises(MissingCredentials, match="outside its namespace"):
            shop_credentials(uow, a.id, "dhl", None)
        assert shop_credentials(uow, b.id, "dhl", None).api_key == DHL_KEY
        package = register_package(uow, a.id, DHL_NUMBER, "dhl").package
        report = poller(uow, engine).tick(uow)
        assert report.failed == 1 and dhl.seen == [], "A's package was fetched with B's key"
        assert get_package(uow, a.id, package.id).events == []
    finally:
        dhl.close()
