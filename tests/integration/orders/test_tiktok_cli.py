"""``parceltrail tiktok connect / status / sync`` against the local TikTok Shop, as a seller runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.integration.orders.conftest import APP_KEY, APP_SECRET, SECRET_KEY, days_ago


def run(database_url: str, tiktok_url: str | None, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url, "PARCELTRAIL_SECRET_KEY": SECRET_KEY,
           "PARCELTRAIL_TIKTOK_APP_KEY": APP_KEY, "PARCELTRAIL_TIKTOK_APP_SECRET": APP_SECRET}
    if tiktok_url:
        env |= {"PARCELTRAIL_TIKTOK_API_URL": tiktok_url, "PARCELTRAIL_TIKTOK_AUTH_URL": tiktok_url}
    return subprocess.run([sys.executable, "-m", "parceltrail", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=120)


def test_connect_status_and_sync_from_the_command_line(database_url, engine, tiktok):
    remote = tiktok.add_shop("Sunny Crochet")
    tiktok.seed(remote, 30, days_ago(5), span=days_ago(5) - days_ago(6))
    shop = json.loads(run(database_url, None, "shop", "create", "Sunny", "--json").stdout)["shop_id"]
    connected = run(database_url, tiktok.url, "tiktok", "connect", "--shop", shop, "--auth-code",
                    tiktok.authorise(remote.id), "--json")
    assert connected.returncode == 0, connected.stderr
    assert json.loads(connected.stdout)["tiktok_shop_id"] == remote.id
    synced = run(database_url, tiktok.url, "tiktok", "sync", "--shop", shop, "--json")
    counts = json.loads(synced.stdout)
    assert synced.returncode == 0 and counts["orders_created"] == 30 and counts["errors"] == []
    assert {"orders_created", "orders_updated", "packages_created", "packages_updated", "errors"} <= set(counts)
    again = json.loads(run(database_url, tiktok.url, "tiktok", "sync", "--shop", shop, "--since",
                           days_ago(7).isoformat(), "--json").stdout)
    assert (again["orders_created"], again["orders_updated"]) == (0, 0)
    status = run(database_url, tiktok.url, "tiktok", "status", "--shop", shop)
    assert "connected" in status.stdout and "last sync at" in status.stdout
    assert "TTP_" not in status.stdout + synced.stdout + synced.stderr


def test_mistakes_are_one_line_errors(database_url, engine, tiktok):
    cases = [
        run(database_url, tiktok.url, "tiktok", "status", "--shop", "shop_nope"),
        run(database_url, tiktok.url, "tiktok", "sync", "--shop", "shop_nope", "--since", "yesterday"),
        run(database_url, tiktok.url, "tiktok", "connect", "--shop", "shop_nope", "--auth-code", "x"),
    ]
    for result in cases:
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    unset = subprocess.run([sys.executable, "-m", "parceltrail", "tiktok", "sync", "--shop", "s"],
                           env={k: v for k, v in os.environ.items() if not k.startswith("PARCELTRAIL_TIKTOK")}
                           | {"PARCELTRAIL_DATABASE_URL": database_url},
                           capture_output=True, text=True, check=False, timeout=60)
    assert unset.returncode == 1 and "PARCELTRAIL_TIKTOK_APP_KEY" in unset.stderr
