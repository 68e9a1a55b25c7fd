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


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run the console script in this process (a subprocess costs seconds of imports per call): returns
    (exit code, stdout, stderr). ``env`` sets PARCELTRAIL_* variables for the call."""
    import sys

    from parceltrail.cli.main import main
    from parceltrail.settings import get_settings

    def run(env: dict[str, str | None], *args: str) -> tuple[int, str, str]:
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "argv", ["parceltrail", *args])
        get_settings.cache_clear()
        code = 0
        try:
            main()
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        finally:
            get_settings.cache_clear()
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
