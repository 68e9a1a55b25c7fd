"""Pushes through real processes: a running worker takes a delivery up as soon as the API stores it, and a
server killed before processing loses nothing, because a worker starting later drains the inbox."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from parceltrail.core import Status
from parceltrail.services import create_shop, get_package, register_package
from parceltrail.worker.jobs import register_jobs
from parceltrail.worker.queue import make_queue
from parceltrail.worker.runner import EmbeddedConsumer
from tests.conftest import HUNG, free_port
from tests.integration.push.helpers import SECRET, UPS_NUMBER, push, ups_body

pytestmark = pytest.mark.slow  # scheduled first in make test's parallel run (docs/testing.md)


def wait_for(condition, what: str, seconds: float = HUNG, process: subprocess.Popen | None = None) -> None:
    """Poll ``condition``; fail with the process's output if it dies first."""
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None and process.poll() is not None:
            output = Path(process.log_path).read_text(errors="replace")[-3000:]  # type: ignore[attr-defined]
            raise AssertionError(f"{process.args[3]} exited ({process.returncode}) before {what}:\n{output}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def inbox(uow) -> dict[str, int]:
    with uow:
        return uow.hooks.counts()


def test_running_worker_ingests_a_push_right_after_the_api_stores_it(push_api, push_settings, engine, uow):
    shop = create_shop(uow, "Live").shop
    package = register_package(uow, shop.id, UPS_NUMBER, "ups", force=True).package
    # The worker's jobs without their schedules: only the API's request can start this drain.
    queue = make_queue(push_settings.queue_url)
    register_jobs(queue, push_settings, engine)
    consumer = EmbeddedConsumer(queue, workers=1, periodic=False, worker_type="thread", max_delay=0.5)
    consumer.start()
    try:
        wait_for(lambda: queue.pending_count() == 0, "the start-up drain to be taken")
        assert push(push_api.url, "ups", ups_body("delivered"), "msg_live").status_code == 202
        wait_for(lambda: inbox(uow) == {"done": 1}, "the worker to drain the inbox")
    finally:
        consumer.stop(graceful=True)
    detail = get_package(uow, shop.id, package.id)
    assert detail.package.state.status is Status.DELIVERED
    assert len(detail.events) == 8


def _start(tmp_path: Path, database_url: str, queue: str, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "PARCELTRAIL_DATABASE_URL": database_url,
        "PARCELTRAIL_QUEUE_URL": f"sqlite:///{tmp_path / queue}",
        "PARCELTRAIL_HOOK_SECRETS": json.dumps({"ups": SECRET}),
    }
    log_path = tmp_path / f"{args[0]}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "parceltrail", *args],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    process.log_path = log_path  # type: ignore[attr-defined]
    return process


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=10).status_code == 200
    except httpx.TransportError:
        return False


def test_deliveries_accepted_by_a_killed_server_are_drained_by_the_next_worker(tmp_path, database_url, uow):
    shop = create_shop(uow, "Crash").shop
    package = register_package(uow, shop.id, UPS_NUMBER, "ups", force=True).package
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = _start(tmp_path, database_url, "queue-before.db", "serve", "--no-worker", "--port", str(port))
    try:
        wait_for(lambda: _up(url), "the server started", process=server)
        assert push(url, "ups", ups_body("delivered"), "msg_crash_1").status_code == 202
        assert push(url, "ups", ups_body("out_for_delivery"), "msg_crash_2").status_code == 202
        assert inbox(uow) == {"pending": 2}
    finally:
        server.send_signal(signal.SIGKILL)  # no shutdown code runs: as close to a power cut as a test gets
        server.wait(timeout=10)
    assert get_package(uow, shop.id, package.id).package.state.event_count == 0

    # A new worker on a fresh queue: the drain requests the dead server enqueued are gone too, so only
    # the drain every worker runs when it starts can find these deliveries.
    worker = _start(tmp_path, database_url, "queue-after.db", "worker")
    try:
        wait_for(lambda: "Huey consumer started" in worker.log_path.read_text(errors="replace"),
                 "the restarted worker started", process=worker)
        # Within seconds, not at some later schedule: a starting worker drains at once.
        wait_for(lambda: inbox(uow) == {"done": 2}, "the restarted worker drained the inbox", seconds=15,
                 process=worker)
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    state = get_package(uow, shop.id, package.id).package.state
    assert (state.status, state.event_count) == (Status.DELIVERED, 8)


def test_a_burst_of_pushes_queues_one_drain_that_takes_them_all(push_api, push_settings, engine, uow):
    shop = create_shop(uow, "Burst").shop
    register_package(uow, shop.id, UPS_NUMBER, "ups", force=True)
    queue = make_queue(push_settings.queue_url)
    register_jobs(queue, push_settings, engine)
    queue.flush()
    for i in range(5):
        assert push(push_api.url, "ups", ups_body("delivered"), f"msg_burst_{i}").status_code == 202
    wait_for(lambda: queue.pending_count() >= 1, "the API to ask for a drain")
    time.sleep(0.5)  # the last response's background task has had its turn
    assert queue.pending_count() == 1
    consumer = EmbeddedConsumer(queue, workers=1, periodic=False, worker_type="thread", max_delay=0.5)
    consumer.start()
    try:
        wait_for(lambda: inbox(uow) == {"done": 5}, "the one drain to take all five", seconds=15)
        wait_for(lambda: queue.pending_count() == 0, "the queue to empty")
        # the drain cleared the flag as it started: the next push asks for a drain of its own
        assert push(push_api.url, "ups", ups_body("delivered"), "msg_burst_after").status_code == 202
        wait_for(lambda: inbox(uow) == {"done": 6}, "a new drain for the later push", seconds=15)
    finally:
        consumer.stop(graceful=True)
