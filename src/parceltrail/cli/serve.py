"""``parceltrail serve`` (API + worker in one process), ``parceltrail worker`` and ``parceltrail migrate``."""

from __future__ import annotations

import inspect
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.logs import configure_logging
from parceltrail.settings import Settings, get_settings


def _worker(settings: Settings, engine, embedded: bool, poller=None):
    from parceltrail.worker import build_worker
    from parceltrail.worker.queue import QueueUrlError

    try:
        return build_worker(settings, engine, embedded=embedded, poller=poller)
    except QueueUrlError as error:
        raise UserError(f"PARCELTRAIL_QUEUE_URL: {error}") from None


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    worker: Annotated[bool, typer.Option("--worker/--no-worker", help="Run background jobs in this process")] = True,
    demo: Annotated[bool, typer.Option(
        "--demo/--no-demo", help="Run a demo shop on the sandbox carrier network at an accelerated clock")] = False,
    workers: Annotated[int, typer.Option(
        min=1, help="API processes sharing the port; the background worker (unless --no-worker) runs once, "
        "in the process that supervises them")] = 1,
) -> None:
    """Serve the HTTP API, with the background worker in the same process."""
    import uvicorn

    from parceltrail.api import create_app

    settings = get_settings()
    configure_logging(settings)
    engine = open_database(settings)
    if demo and not worker:
        raise UserError("--demo needs the worker in this process; drop --no-worker")
    if workers > 1:
        if demo:
            raise UserError("--demo runs in one process; drop --workers")
        _serve_processes(settings, engine, host, port, workers, worker)
        return
    running_demo = None
    poller = None
    if demo:
        from parceltrail.carriers.transport import CarrierClient
        from parceltrail.demo import start_demo
        from parceltrail.services.polling import Poller
        from parceltrail.worker.runner import shop_credentials_reader

        running_demo, settings = start_demo(settings, engine, host, port)
        fallback = shop_credentials_reader(settings, engine)
        poller = Poller(client=CarrierClient(timeout=settings.carrier_timeout_seconds),
                        credentials_for=lambda shop, carrier: running_demo.credentials_for(shop, carrier, fallback))
    background = _worker(settings, engine, embedded=True, poller=poller) if worker else None
    app = create_app(settings, engine)
    if running_demo is not None:
        from parceltrail.carriers.sandbox import create_network_app
        from parceltrail.demo import attach_pusher, attach_tiktok, banner
        from parceltrail.demo_mail import create_mail_app

        app.mount("/sandbox", create_network_app(running_demo.network))
        app.mount("/demo/mail", create_mail_app(running_demo.mail))
        attach_pusher(running_demo, poller.client)
        attach_tiktok(running_demo, app)
        background.poll_loop.after_tick.append(running_demo.after_tick)
    if background is not None:
        background.start()
    typer.echo(f"parceltrail serving on http://{host}:{port} (API docs at /docs); database {engine.url!r}")
    if running_demo is not None:
        typer.echo(banner(running_demo))
    try:
        # log_config=None: uvicorn's loggers go through our handler (format, level, masking) like every other
        uvicorn.run(app, host=host, port=port, log_level="warning" if demo else settings.log_level, log_config=None)
    finally:
        if background is not None:
            background.stop()
        if running_demo is not None and running_demo.mail is not None:
            running_demo.mail.stop()


def _serve_processes(settings: Settings, engine, host: str, port: int, workers: int, with_worker: bool) -> None:
    """``workers`` API processes on one port (uvicorn's supervisor restarts one that dies), and the
    background worker in this supervising process. The schema is migrated here first, once."""
    import uvicorn

    background = _worker(settings, engine, embedded=True) if with_worker else None
    if background is not None:
        background.start()
    typer.echo(f"parceltrail serving on http://{host}:{port} with {workers} API processes"
               f"{' and the worker in this one' if background else ''}; database {engine.url!r}")
    # A process that starts slowly (a busy machine, the first read of the ZIP cache) is not a dead one:
    # uvicorn's default five seconds to answer its supervisor made it kill and respawn healthy ones.
    patience = {"timeout_worker_healthcheck": 60} \
        if "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters else {}
    try:
        uvicorn.run("parceltrail.api.asgi:app_from_environment", factory=True, host=host, port=port,
                    workers=workers, log_level=settings.log_level, log_config=None, **patience)
    finally:
        if background is not None:
            background.stop()


def worker() -> None:
    """Run the background worker alone (for a scale-out set-up with separate API processes)."""
    settings = get_settings()
    configure_logging(settings)
    engine = open_database(settings)
    background = _worker(settings, engine, embedded=False)
    background.start_loops()
    try:
        background.consumer.run()
    finally:
        background.stop_loops()


def migrate() -> None:
    """Bring the database schema up to date (serve and worker also do this on start)."""
    from parceltrail.store.migrate import head_revision

    engine = open_database()
    typer.echo(f"database at schema revision {head_revision()}: {engine.url!r}")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)
    app.command()(migrate)
