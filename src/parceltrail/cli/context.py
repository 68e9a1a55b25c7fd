"""What commands share: the settings and a migrated database, with connection problems as one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from parceltrail.cli.errors import UserError
from parceltrail.settings import Settings, get_settings
from parceltrail.store import make_engine, migrate


def open_database(settings: Settings | None = None, migrated: bool = True) -> Engine:
    """An engine on the configured database with the schema brought up to date (``migrated=False``: as it is)."""
    settings = settings or get_settings()
    try:
        engine = make_engine(settings.database_url)
        if migrated:
            migrate(engine)
        else:
            engine.connect().close()  # the same one-line errors for a database that cannot be reached
    except ArgumentError as error:
        raise UserError(f"PARCELTRAIL_DATABASE_URL is not a database URL ({error})") from None
    except OperationalError as error:
        reason = str(error.orig).splitlines()[0] if error.orig else str(error)
        raise UserError(f"cannot open the database: {reason}") from None
    except ModuleNotFoundError as error:
        raise UserError(
            f"the database driver {error.name!r} is not installed; for PostgreSQL: pip install 'parceltrail[postgres]'"
        ) from None
    return engine


def every_page(fetch: Callable[[str | None, int], Any], limit: int, page_size: int = 200) -> list:
    """Up to ``limit`` items from a paged service call ``fetch(cursor, size)`` whose result has ``items`` and
    ``next_cursor``; a service's ``InvalidInput`` becomes a one-line ``UserError``."""
    from parceltrail.services import InvalidInput

    items: list = []
    cursor = None
    try:
        while len(items) < limit:
            page = fetch(cursor, min(page_size, limit - len(items)))
            items += page.items
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    except InvalidInput as error:
        raise UserError(str(error)) from None
    return items
