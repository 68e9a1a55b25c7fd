"""Running the worker: alone (``parceltrail worker``) or inside ``parceltrail serve`` next to the API."""

from __future__ import annotations

from dataclasses import dataclass

from huey import Huey
from huey.consumer import Consumer
from sqlalchemy import Engine

from parceltrail.settings import Settings
from parceltrail.worker.jobs import register_jobs
from parceltrail.worker.queue import make_queue


class EmbeddedConsumer(Consumer):
    """A consumer that leaves signal handling to its host (uvicorn owns SIGINT/SIGTERM in ``serve``)."""

    def _set_signal_handlers(self) -> None:
        return None


@dataclass
class Worker:
    queue: Huey
    jobs: dict
    consumer: Consumer


def build_worker(settings: Settings, engine: Engine, embedded: bool, workers: int = 1) -> Worker:
    queue = make_queue(settings.queue_url)
    jobs = register_jobs(queue, settings, engine)
    consumer_class = EmbeddedConsumer if embedded else Consumer
    consumer = consumer_class(queue, workers=workers, periodic=True, worker_type="thread", max_delay=2.0)
    return Worker(queue, jobs, consumer)
