"""The store on a real database: migrations match the tables, SQLite runs in WAL, keys are hashed."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from parceltrail.services import create_shop
from parceltrail.store import make_engine, migrate
from parceltrail.store.migrate import current_revision, head_revision
from parceltrail.store.tables import api_keys, metadata


def test_migrations_build_exactly_the_declared_schema(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    assert current_revision(engine) == head_revision()


def test_migrate_twice_is_a_no_op(engine):
    assert migrate(engine) is False


def test_sqlite_database_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_api_keys_are_stored_hashed_never_in_clear(uow, engine):
    new = create_shop(uow, "Hash Check")
    with engine.connect() as connection:
        stored = connection.execute(select(api_keys)).one()
    assert new.api_key not in (stored.key_hash, stored.prefix, stored.id)
    assert len(stored.key_hash) == 64


def test_bulk_inserted_times_are_stored_like_core_inserts(uow, engine):
    """The fast insert path must write times in the dialect's own format, or ordering breaks."""
    from datetime import UTC, datetime

    from parceltrail.core import TrackingEvent
    from parceltrail.services import ingest_events, register_package
    from parceltrail.store.tables import events, packages

    shop = create_shop(uow, "Times").shop
    package = register_package(uow, shop.id, "PKG0001").package
    when = datetime(2026, 11, 20, 19, 5, tzinfo=UTC)
    ingest_events(uow, shop.id, package.id, [TrackingEvent.create(when, "in_transit")], now=when)
    with engine.connect() as connection:
        stored_event = connection.execute(select(events.c.occurred_at, events.c.recorded_at)).one()
        stored_package = connection.execute(select(packages.c.updated_at).where(packages.c.id == package.id)).one()
        raw = connection.execute(text("SELECT occurred_at, recorded_at FROM events")).one()
        raw_package = connection.execute(text("SELECT updated_at FROM packages")).one()
    assert stored_event.occurred_at == stored_event.recorded_at == when == stored_package.updated_at
    assert str(raw.occurred_at) == str(raw.recorded_at) == str(raw_package.updated_at)
