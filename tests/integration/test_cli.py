"""The console script: commands work, and user mistakes print one line and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def run(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "parceltrail", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=60)


def test_shop_then_key_create(database_url, engine):
    shop = json.loads(run(database_url, "shop", "create", "CLI Shop", "--json").stdout)
    key = run(database_url, "key", "create", "--shop", shop["shop_id"], "--json")
    assert key.returncode == 0
    assert json.loads(key.stdout)["api_key"].startswith("pt_") and json.loads(key.stdout)["api_key"] != shop["api_key"]


def test_user_mistakes_are_one_line_without_traceback(database_url, engine, tmp_path):
    cases = [
        run(database_url, "key", "create", "--shop", "shop_nope"),
        run(database_url, "shop", "create", "   "),
        run("postgresql+psycopg://nobody@127.0.0.1:9/none", "migrate"),
        run("not a url", "migrate"),
    ]
    for result in cases:
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_migrate_reports_the_schema_revision(tmp_path):
    from parceltrail.store.migrate import head_revision

    result = run(f"sqlite:///{tmp_path / 'fresh.db'}", "migrate")
    assert result.returncode == 0 and f"revision {head_revision()}" in result.stdout
    assert (tmp_path / "fresh.db").exists()
