"""``parceltrail serve`` (API + worker in one process), ``parceltrail worker`` and ``parceltrail migrate``."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.main import UserError
from parceltrail.settings import get_settings


def _worker(engine, embedded: bool):
    from parceltrail.worker import build_worker
    from parceltrail.worker.queue import QueueUrlError

    try:
        return build_worker(get_settings(), engine, embedded=embedded)
    except QueueUrlError as error:
        raise UserError(f"PARCELTRAIL_QUEUE_URL: {error}") from None


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    worker: Annotated[bool, typer.Option("--worker/--no-worker", help="Run background jobs in this process")] = True,
) -> None:
    """Serve the HTTP API, with the background worker in the same process."""
    import uvicorn

    from parceltrail.api import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    engine = open_database(settings)
    background = _worker(engine, embedded=True) if worker else None
    if background is not None:
        background.start()
    typer.echo(f"parceltrail serving on http://{host}:{port} (API docs at /docs); database {engine.url!r}")
    try:
        uvicorn.run(create_app(settings, engine), host=host, port=port, log_level="info")
    finally:
        if background is not None:
            background.stop()


def worker() -> None:
    """Run the background worker alone (for a scale-out set-up with separate API processes)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = open_database()
    background = _worker(engine, embedded=False)
    if background.poll_loop is not None:
        background.poll_loop.start()
    try:
        background.consumer.run()
    finally:
        if background.poll_loop is not None:
            background.poll_loop.stop()


def migrate() -> None:
    """Bring the database schema up to date (serve and worker also do this on start)."""
    from parceltrail.store.migrate import head_revision

    engine = open_database()
    typer.echo(f"database at schema revision {head_revision()}: {engine.url!r}")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)
    app.command()(migrate)
