"""A local TikTok Shop on a free 127.0.0.1 port, and a parceltrail shop connected to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parceltrail.carriers.transport import CarrierClient, RetryPolicy
from parceltrail.platforms.tiktok.local.app import create_tiktok_app
from parceltrail.platforms.tiktok.local.shop import LocalTikTok
from parceltrail.services import create_shop
from parceltrail.services.tiktok import TikTokApp
from tests.conftest import LiveServer

APP_KEY, APP_SECRET = "6abc1def2gh", "local-app-secret-for-tests"
SECRET_KEY = "test-secret-key-for-fernet"


@pytest.fixture
def tiktok():
    state = LocalTikTok(APP_KEY, APP_SECRET, seed=7)
    with LiveServer(create_tiktok_app(state, requests_per_second=None)) as server:
        state.url = server.url
        yield state


@pytest.fixture
def app(tiktok) -> TikTokApp:
    return TikTokApp(APP_KEY, APP_SECRET, tiktok.url, tiktok.url, SECRET_KEY)


@pytest.fixture
def client(app):
    transport = CarrierClient(retry=RetryPolicy(attempts=3, backoff=0.01, backoff_max=0.02), sleep=lambda s: None)
    yield app.client(transport)
    transport.close()


@pytest.fixture
def connected(uow, tiktok, app, client):
    """(parceltrail shop id, local TikTok shop) connected through the auth-code exchange."""
    from parceltrail.services.tiktok import connect_shop

    remote = tiktok.add_shop("Sunny Crochet")
    shop = create_shop(uow, "Sunny Crochet").shop
    connect_shop(uow, app, client, shop.id, tiktok.authorise(remote.id))
    return shop.id, remote


def days_ago(n: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=n)
