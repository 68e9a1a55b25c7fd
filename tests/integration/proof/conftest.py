"""Proof, disputes and evidence tests share the orders tests' in-process CLI runner and local TikTok Shop."""

from tests.integration.orders.conftest import app, cli, client, connected, tiktok  # noqa: F401
