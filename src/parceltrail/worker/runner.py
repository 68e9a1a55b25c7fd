"""Running the worker: alone (``parceltrail worker``) or inside ``parceltrail serve`` next to the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from huey import Huey
from huey.consumer import Consumer
from sqlalchemy import Engine

from parceltrail.carriers.transport import CarrierClient
from parceltrail.services.accounts import shop_credentials
from parceltrail.services.estimates import warm_up
from parceltrail.services.polling import Poller
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork
from parceltrail.worker.jobs import register_jobs
from parceltrail.worker.notify import NotifyLoop, build_sender
from parceltrail.worker.poller import PollLoop
from parceltrail.worker.queue import make_queue


class EmbeddedConsumer(Consumer):
    """A consumer that leaves signal handling to its host (uvicorn owns SIGINT/SIGTERM in ``serve``)."""

    def _set_signal_handlers(self) -> None:
        return None


@dataclass
class Worker:
    """The queue consumer (periodic and enqueued jobs) and the polling loop, started and stopped together."""

    queue: Huey
    jobs: dict
    consumer: Consumer
    poll_loop: PollLoop | None = None
    notify_loop: NotifyLoop | None = None

    def start(self) -> None:
        self.consumer.start()
        self.start_loops()

    def start_loops(self) -> None:
        """The threads beside the consumer: polling carriers, planning and sending notifications."""
        for loop in (self.poll_loop, self.notify_loop):
            if loop is not None:
                loop.start()

    def stop_loops(self) -> None:
        for loop in (self.poll_loop, self.notify_loop):
            if loop is not None:
                loop.stop()

    def stop(self) -> None:
        self.stop_loops()
        self.consumer.stop(graceful=True)


def shop_credentials_reader(settings: Settings, engine: Engine):
    """Credentials for (shop, carrier): the shop's connected account (its TikTok Shop connection for
    ``tiktok``), else the server's settings."""
    from parceltrail.services.tiktok import TikTokNotSetUp, tiktok_app, tiktok_credentials

    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    try:
        app = tiktok_app(settings)
        client = app.client(CarrierClient(timeout=settings.carrier_timeout_seconds))
    except TikTokNotSetUp:
        app = client = None

    def read(shop_id: str, carrier: str):
        if carrier == "tiktok" and app is not None:
            return tiktok_credentials(UnitOfWork(engine), app, client, shop_id)
        return shop_credentials(UnitOfWork(engine), shop_id, carrier, key)

    return read


def build_worker(settings: Settings, engine: Engine, embedded: bool, workers: int = 1,
                 poller: Poller | None = None) -> Worker:
    warm_up()  # every scan the worker ingests may be estimated: load the tables before the first one
    queue = make_queue(settings.queue_url)
    jobs = register_jobs(queue, settings, engine)
    consumer_class = EmbeddedConsumer if embedded else Consumer
    consumer = consumer_class(queue, workers=workers, periodic=True, worker_type="thread", max_delay=2.0)
    loop = None
    if settings.poll_every_seconds > 0:
        poller = poller or Poller(client=CarrierClient(timeout=settings.carrier_timeout_seconds),
                                  credentials_for=shop_credentials_reader(settings, engine),
                                  batch=settings.poll_batch, lease=timedelta(seconds=settings.poll_lease_seconds),
                                  interval_factor=settings.poll_interval_factor)
        loop = PollLoop(engine, poller, settings.poll_every_seconds)
    notify = None
    if settings.notify_every_seconds > 0:
        notify = NotifyLoop(engine, build_sender(settings), settings.notify_every_seconds,
                            timedelta(seconds=settings.notify_coalesce_seconds))
    return Worker(queue, jobs, consumer, loop, notify)
