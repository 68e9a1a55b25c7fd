"""``parceltrail backup`` / ``restore`` round trips (issue 25 item 10), through the CLI a person would use.

On the SQLite pass: SQLite to SQLite. On the PostgreSQL pass: PostgreSQL to PostgreSQL, SQLite to
PostgreSQL and PostgreSQL to SQLite (the format is the same whatever the engine). Every table's rows
must come back equal, and the restored database must keep working (new ids after the restored ones).
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from parceltrail.core import Address, Location, TrackingEvent
from tests.parcels import valid_number

pytestmark = pytest.mark.slow  # scheduled first in make test's parallel run (docs/testing.md)

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def cli(database_url: str, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "parceltrail", *args], env=env, capture_output=True, check=False,
                          timeout=300, input=stdin)


def fill(engine) -> dict:
    """A shop with parcels, scans, estimates, a carrier account and a pushed delivery (bytes)."""
    from parceltrail.services import create_shop, ingest_many, register_package
    from parceltrail.services.accounts import set_account
    from parceltrail.services.hook_signatures import STANDARD_WEBHOOKS
    from parceltrail.services.hooks import receive_push
    from parceltrail.services.scans import record_scans
    from parceltrail.store import UnitOfWork

    uow = UnitOfWork(engine)
    shop = create_shop(uow, "Backed-up Shop Ünïcode")
    ids = []
    for n in range(5):
        package = register_package(uow, shop.shop.id, valid_number("ups", n), "ups", order_ref=f"ORDER-{n}",
                                   destination=Address(postal_code="40213", country="US")).package
        scans = [TrackingEvent.create(T0 + timedelta(hours=6 * i), "in_transit", "arrived_at_facility",
                                      f"Arrived, Hub {i} — ☃", "AR", Location(city="Memphis", country="US"))
                 for i in range(4)]
        record_scans(uow, shop.shop.id, {package.id: scans}, source="api")
        ids.append(package.id)
    ingest_many(uow, shop.shop.id, {ids[0]: [TrackingEvent.create(T0 + timedelta(days=3), "delivered")]})
    set_account(uow, shop.shop.id, "ups", "backup-test-key", credentials={"client_id": "a", "client_secret": "b"})
    body = b'{"tracking_number": "PT0000", "found": false, "\\u00e9": "\\x00bytes"}'
    secret = "whsec_" + "YmFja3VwLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODk="
    headers = STANDARD_WEBHOOKS.headers(secret, "msg_backup_1", datetime.now(UTC), body)
    receive_push(uow, "sandbox", headers, body, {"sandbox": SecretStr(secret)})
    return {"shop": shop, "packages": ids}


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, ordered by primary key, read back through the declared types."""
    from parceltrail.store import make_engine
    from parceltrail.store.backup import _tables

    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return {t.name: [tuple(r) for r in c.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in _tables(engine)}
    finally:
        engine.dispose()


def new_postgres_database(url: str, suffix: str) -> str:
    """An empty database named after the test's own (``parceltrail_test_gw0_restore``): parallel test
    processes each have their own."""
    name = f"{make_url(url).database}_{suffix}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def round_trip(source_url: str, target_url: str, tmp_path) -> None:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "parceltrail-backup.jsonl.gz"
    written = cli(source_url, "backup", str(path))
    assert written.returncode == 0, written.stderr
    assert b"backed up" in written.stderr
    restored = cli(target_url, "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert snapshot(target_url) == snapshot(source_url)
    assert sum(len(rows) for rows in snapshot(target_url).values()) > 30


def keeps_working(url: str, shop_key: str, package_id: str) -> None:
    """After a restore, new rows get new ids (sequences moved past the restored ones)."""
    from parceltrail.services import authenticate, ingest_many
    from parceltrail.store import UnitOfWork, make_engine

    engine = make_engine(url)
    uow = UnitOfWork(engine)
    shop_id = authenticate(uow, shop_key)
    assert shop_id is not None, "the restored key hash still authenticates"
    result = ingest_many(uow, shop_id, {package_id: [TrackingEvent.create(T0 + timedelta(days=9), "delivered",
                                                                          carrier_code="DL")]})
    assert result[package_id].accepted == 1
    engine.dispose()


def test_backup_restores_into_an_empty_database_of_the_same_engine(engine, database_url, tmp_path):
    made = fill(engine)
    if engine.dialect.name == "postgresql":
        target = new_postgres_database(database_url, "restore")
    else:
        target = f"sqlite:///{tmp_path / 'restored.db'}"
    round_trip(database_url, target, tmp_path)
    keeps_working(target, made["shop"].api_key, made["packages"][1])


def test_backups_move_between_sqlite_and_postgresql(engine, database_url, tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL beside SQLite (the second pass of make test)")
    from parceltrail.store import make_engine, migrate

    sqlite_url = f"sqlite:///{tmp_path / 'source.db'}"
    lite = make_engine(sqlite_url)
    migrate(lite)
    made = fill(lite)
    lite.dispose()
    into_postgres = new_postgres_database(database_url, "from_sqlite")
    round_trip(sqlite_url, into_postgres, tmp_path / "to-pg")
    keeps_working(into_postgres, made["shop"].api_key, made["packages"][2])
    back_to_sqlite = f"sqlite:///{tmp_path / 'back.db'}"
    round_trip(into_postgres, back_to_sqlite, tmp_path / "to-sqlite")


def test_restore_refuses_a_database_with_data_and_a_cut_short_file(engine, database_url, tmp_path):
    fill(engine)
    piped = cli(database_url, "backup", "-")
    assert piped.returncode == 0 and piped.stdout[:2] == b"\x1f\x8b", "a backup streams gzip through stdout"
    path = tmp_path / "whole.jsonl.gz"
    path.write_bytes(piped.stdout)
    again = cli(database_url, "backup", str(path))
    assert again.returncode == 1 and b"exists" in again.stderr and b"Traceback" not in again.stderr
    before = snapshot(database_url)
    into_itself = cli(database_url, "restore", str(path))
    assert into_itself.returncode == 1 and b"already holds data" in into_itself.stderr
    assert snapshot(database_url) == before
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(b"".join(lines[:-3])))
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    refused = cli(empty, "restore", str(cut))
    assert refused.returncode == 1 and b"incomplete" in refused.stderr and b"Traceback" not in refused.stderr
    assert all(rows == [] for rows in snapshot(empty).values()), "nothing of a cut-short backup is restored"
    whole = cli(empty, "restore", "-", stdin=piped.stdout)
    assert whole.returncode == 0, "the same empty database takes the whole backup, here from stdin"
    assert snapshot(empty) == before
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a backup")
    assert b"not a readable parceltrail backup" in cli(f"sqlite:///{tmp_path / 'other.db'}", "restore",
                                                       str(garbage)).stderr
