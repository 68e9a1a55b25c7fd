"""Proof, disputes and evidence tests share the orders tests' in-process CLI runner and local TikTok Shop,
the carrier tests' local carrier server and the push tests' signed-push server."""

from tests.integration.carriers.conftest import server  # noqa: F401
from tests.integration.orders.conftest import app, cli, client, connected, tiktok  # noqa: F401
from tests.integration.push.conftest import push_api, push_settings  # noqa: F401
