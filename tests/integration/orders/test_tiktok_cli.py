"""``parceltrail tiktok connect / status / sync`` against the local TikTok Shop, as a seller runs them."""

from __future__ import annotations

import json

from tests.integration.orders.conftest import APP_KEY, APP_SECRET, SECRET_KEY, days_ago


def _env(database_url: str, tiktok_url: str | None) -> dict[str, str | None]:
    return {"PARCELTRAIL_DATABASE_URL": database_url, "PARCELTRAIL_SECRET_KEY": SECRET_KEY,
            "PARCELTRAIL_TIKTOK_APP_KEY": APP_KEY, "PARCELTRAIL_TIKTOK_APP_SECRET": APP_SECRET,
            "PARCELTRAIL_TIKTOK_API_URL": tiktok_url, "PARCELTRAIL_TIKTOK_AUTH_URL": tiktok_url}


def test_connect_status_and_sync_from_the_command_line(database_url, engine, tiktok, cli):
    env = _env(database_url, tiktok.url)
    remote = tiktok.add_shop("Sunny Crochet")
    tiktok.seed(remote, 30, days_ago(5), span=days_ago(5) - days_ago(6))
    shop = json.loads(cli(env, "shop", "create", "Sunny", "--json")[1])["shop_id"]
    code, out, err = cli(env, "tiktok", "connect", "--shop", shop, "--auth-code", tiktok.authorise(remote.id), "--json")
    assert code == 0, err
    assert json.loads(out)["tiktok_shop_id"] == remote.id
    code, out, err = cli(env, "tiktok", "sync", "--shop", shop, "--json")
    counts = json.loads(out)
    assert code == 0 and counts["orders_created"] == 30 and counts["errors"] == []
    assert {"orders_created", "orders_updated", "packages_created", "packages_updated", "errors"} <= set(counts)
    code, out, _ = cli(env, "tiktok", "sync", "--shop", shop, "--since", days_ago(7).isoformat(), "--json")
    assert (json.loads(out)["orders_created"], json.loads(out)["orders_updated"]) == (0, 0)
    code, status, _ = cli(env, "tiktok", "status", "--shop", shop)
    assert "connected" in status and "last sync at" in status
    code, listed, _ = cli(env, "orders", "list", "--shop", shop, "--json")
    assert code == 0 and len(json.loads(listed)) == 30
    one = json.loads(listed)[0]["order_id"]
    code, shown, _ = cli(env, "orders", "show", one, "--shop", shop)
    assert code == 0 and f"order {one}" in shown and "ship_by" in shown
    held = next(o["order_id"] for o in json.loads(listed) if o["on_hold"])
    code, out, err = cli(env, "orders", "ship", held, "--shop", shop, "--tracking", "1Z5R89390357567127", "--json")
    assert code == 1 and json.loads(out)["checks"][0]["code"] == "on_hold" and "on_hold" in err
    waiting = next(o for o in json.loads(listed) if o["status"] == "AWAITING_SHIPMENT")
    code, out, err = cli(env, "orders", "ship", waiting["order_id"], "--shop", shop, "--tracking",
                         "1Z5R89390357567127", "--carrier", "ups")
    assert code == 0 and "uploaded 1Z5R89390357567127" in out, err
    assert "TTP_" not in status + out + err + listed


def test_mistakes_are_one_line_errors(database_url, engine, tiktok, cli):
    env = _env(database_url, tiktok.url)
    cases = [
        cli(env, "tiktok", "status", "--shop", "shop_nope"),
        cli(env, "tiktok", "sync", "--shop", "shop_nope", "--since", "yesterday"),
        cli(env, "tiktok", "connect", "--shop", "shop_nope", "--auth-code", "x"),
        cli(env, "orders", "show", "5764", "--shop", "shop_nope"),
    ]
    for code, _, err in cases:
        assert code == 1 and "Traceback" not in err
        assert err.startswith("error: ") and err.count("\n") == 1, err
    code, _, err = cli({**env, "PARCELTRAIL_TIKTOK_APP_KEY": None}, "tiktok", "sync", "--shop", "s")
    assert code == 1 and "PARCELTRAIL_TIKTOK_APP_KEY" in err
