"""Polling against a real local UPS-like server: the shop's own account, ingest, schedule, backoff."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from parceltrail.carriers.transport import CarrierClient, RetryPolicy
from parceltrail.core import Status
from parceltrail.services import create_shop, get_package, register_package
from parceltrail.services.accounts import set_account, shop_credentials
from parceltrail.services.adapters import MissingCredentials
from parceltrail.services.polling import Poller
from parceltrail.store.tables import carrier_accounts, packages
from tests.conftest import HUNG
from tests.integration.carriers import fakes
from tests.integration.carriers.conftest import CLIENT_ID, CLIENT_SECRET

KEY = "test-secret-key-for-encryption"
DELIVERED = "1Z4F28Y10392746618"


@pytest.fixture
def shop_with_ups(uow, server, monkeypatch):
    shop = create_shop(uow, "Poll Shop").shop
    fakes.ups(server, {DELIVERED: "delivered"})
    monkeypatch.setenv("PARCELTRAIL_UPS_BASE_URL", server.url)  # the operator points UPS at the local server
    set_account(uow, shop.id, "ups", KEY, credentials={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    return shop


def poller(uow) -> Poller:
    return Poller(client=CarrierClient(timeout=HUNG, retry=RetryPolicy(attempts=2, backoff=0.01)),
                  credentials_for=lambda shop_id, carrier: shop_credentials(uow, shop_id, carrier, KEY),
                  rng=random.Random(1))


def schedule_of(engine, package_id):
    with engine.connect() as c:
        return c.execute(select(packages).where(packages.c.id == package_id)).one()


def test_a_due_package_is_fetched_ingested_estimated_and_scheduled(uow, engine, shop_with_ups, server):
    package = register_package(uow, shop_with_ups.id, DELIVERED, "ups", force=True).package
    report = poller(uow).tick(uow)
    assert (report.claimed, report.fetched, report.failed) == (1, 1, 0)
    detail = get_package(uow, shop_with_ups.id, package.id)
    assert detail.package.state.status is Status.DELIVERED and len(detail.events) == 8
    assert detail.estimate.source == "carrier_scan" and detail.estimate.moment == "delivered"
    row = schedule_of(engine, package.id)
    assert row.claim_token is None and row.check_failures == 0 and row.last_check_error is None
    # the fixture's delivery is days old: the one last look is already past, so polling stops
    assert detail.package.state.delivered_at < datetime.now(UTC) - timedelta(hours=12)
    assert row.next_check_at is None
    assert poller(uow).tick(uow).claimed == 0, "a package is not fetched again before it is due"


def test_carrier_errors_are_recorded_and_backed_off_not_raised(uow, engine, shop_with_ups, server):
    package = register_package(uow, shop_with_ups.id, DELIVERED, "ups", force=True).package
    server.fail("/api/track", 500, 500)
    before = datetime.now(UTC)
    report = poller(uow).tick(uow)
    assert report.failed == 1
    row = schedule_of(engine, package.id)
    assert row.check_failures == 1 and "500" in row.last_check_error
    assert before + timedelta(minutes=12) < row.next_check_at < before + timedelta(minutes=20)
    assert get_package(uow, shop_with_ups.id, package.id).events == []


def test_credentials_are_stored_encrypted_and_never_in_clear(uow, engine, shop_with_ups):
    with engine.connect() as c:
        stored = c.execute(select(carrier_accounts)).one()
    assert CLIENT_SECRET not in stored.ciphertext and stored.env_ref is None
    credentials = shop_credentials(uow, shop_with_ups.id, "ups", KEY)
    assert credentials.client_secret == CLIENT_SECRET and CLIENT_SECRET not in repr(credentials)
    with pytest.raises(MissingCredentials, match="cannot be decrypted"):
        shop_credentials(uow, shop_with_ups.id, "ups", "another-key")


def test_env_referenced_account_reads_the_shops_variables(uow, monkeypatch):
    shop = create_shop(uow, "Env Shop").shop
    prefix = f"PARCELTRAIL_SHOP_{shop.id.upper()}_DHL_"
    set_account(uow, shop.id, "dhl", None, env_prefix=prefix)
    with pytest.raises(MissingCredentials, match=f"{prefix}API_KEY"):
        shop_credentials(uow, shop.id, "dhl", None)
    monkeypatch.setenv(f"{prefix}API_KEY", "k-123")
    assert shop_credentials(uow, shop.id, "dhl", None).api_key == "k-123"


def test_a_carrier_without_account_is_a_recorded_failure(uow, engine):
    shop = create_shop(uow, "No Account").shop
    package = register_package(uow, shop.id, "1Z4F28Y10392811540", "ups", force=True).package
    report = Poller(client=CarrierClient(timeout=1), rng=random.Random(1)).tick(uow)
    assert report.failed == 1
    assert "PARCELTRAIL_UPS_CLIENT_ID" in schedule_of(engine, package.id).last_check_error
