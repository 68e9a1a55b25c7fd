"""Schema migrations, run automatically on start (``serve``, ``worker``) and by ``parceltrail migrate``.

Alembic is driven programmatically so the package carries its migrations and needs no alembic.ini.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


MIGRATION_LOCK = 0x70617263  # "parc": the PostgreSQL advisory lock every migrating process takes


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Bring the database to ``revision`` (the newest schema). Returns True when anything was applied.

    Several processes start at once in a scale-out layout (API processes and workers, all migrating on
    start): the migration runs under a lock (PostgreSQL's advisory lock, SQLite's write lock), and
    Alembic reads the current revision again under it, so the first applies and the others find
    nothing left to do.
    """
    if revision == "head" and current_revision(engine) == head_revision():
        return False
    config = _config()
    with engine.connect().execution_options(sqlite_immediate=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        return MigrationContext.configure(connection).get_current_revision() != before
