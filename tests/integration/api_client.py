"""What the API and CLI tests share: the console script run as a user would, and a shop's HTTP client."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx


def cli(database_url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``python -m parceltrail ARGS`` on this database, as a separate process, output captured."""
    environment = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url, **env}
    return subprocess.run([sys.executable, "-m", "parceltrail", *args], env=environment, capture_output=True,
                          text=True, check=False, timeout=60)


def shop_client(uow, base_url: str, name: str = "API shop") -> httpx.Client:
    """An HTTP client that sends the key of a new shop; ``client.shop`` is the shop (``NewShop``)."""
    from parceltrail.services import create_shop

    made = create_shop(uow, name)
    client = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {made.api_key}"}, timeout=30)
    client.shop = made
    return client
