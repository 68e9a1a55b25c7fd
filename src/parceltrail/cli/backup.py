"""``parceltrail backup FILE`` and ``parceltrail restore FILE``: the whole database, portable between engines."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError


def backup(file: Annotated[str, typer.Argument(help="Where to write the backup (.jsonl.gz); - for stdout")]) -> None:
    """Write a consistent snapshot of the whole database (SQLite or PostgreSQL) to one portable file."""
    from parceltrail.store.backup import BackupError, write_backup

    engine = open_database()
    target = Path(file)
    if file != "-" and target.exists():
        raise UserError(f"{file} exists; backups never overwrite a file (choose a new name)")
    partial = target.with_name(target.name + ".partial")
    try:
        with (nullcontext(sys.stdout.buffer) if file == "-" else partial.open("xb")) as out:
            summary = write_backup(engine, out)
    except (BackupError, OSError) as error:
        partial.unlink(missing_ok=True)
        raise UserError(f"backup failed: {error}") from None
    if file != "-":
        partial.rename(target)
    total = sum(summary.rows.values())
    typer.echo(f"backed up {total} rows of {len(summary.rows)} tables at schema revision {summary.revision}"
               f"{'' if file == '-' else ' to ' + file}", err=True)


def restore(file: Annotated[str, typer.Argument(help="A file `parceltrail backup` wrote; - for stdin")]) -> None:
    """Restore a backup into the configured database, which must be empty (any engine: SQLite to PostgreSQL too)."""
    from sqlalchemy.exc import SQLAlchemyError

    from parceltrail.store.backup import BackupError, restore_backup

    if file != "-" and not Path(file).is_file():
        raise UserError(f"no backup file at {file}")
    engine = open_database(migrated=False)  # the backup's own schema revision comes first
    try:
        with (nullcontext(sys.stdin.buffer) if file == "-" else open(file, "rb")) as stream:
            summary = restore_backup(engine, stream)
    except BackupError as error:
        raise UserError(f"restore refused: {error}") from None
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise UserError(f"restore failed, nothing was restored: {reason}") from None
    typer.echo(f"restored {sum(summary.rows.values())} rows of {len(summary.rows)} tables "
               f"(schema revision {summary.revision}, now up to date)")


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
