"""The first estimate of a fresh process: memory, and how long it keeps every other writer waiting.

A fresh `parceltrail serve --no-worker` process on a fresh SQLite file. RSS (from /proc) once it answers
`/healthz` (cold) and after its first `POST /v1/packages` (the first delivery estimate). Meanwhile a
prober outside the server takes SQLite's write lock (`BEGIN IMMEDIATE`) over and over, so its longest
wait is how long the server held the lock. Baseline, in the same run: the same probe during the next
registrations, once everything is loaded. Before issue 25 item 9 the first estimate listed the ZIP
table (+150 MB, 1-11 s) and loaded the holiday calendars inside the write transaction.

Prints JSON; medians of --repeat fresh processes.

    .venv/bin/python bench/first_estimate.py [--repeat 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py (named by issue 3) would shadow the standard library's numbers module: drop this folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time

import httpx

NUMBERS = ["1Z999AA10123456784", "1Z999AA10123456790", "1Z999AA10123456800", "1Z999AA10123456811"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class LockProbe(threading.Thread):
    """Takes and releases the database's write lock in a loop; remembers the longest wait."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.db = sqlite3.connect(path, isolation_level=None, timeout=120, check_same_thread=False)
        self.longest = 0.0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.perf_counter()
            self.db.execute("BEGIN IMMEDIATE")
            self.longest = max(self.longest, time.perf_counter() - started)
            self.db.execute("ROLLBACK")
            time.sleep(0.001)

    def stop(self) -> float:
        self.stopping.set()
        self.join()
        self.db.close()
        return self.longest


def probed(path: Path, call) -> tuple[float, float]:
    """(seconds the call took, longest wait for the write lock meanwhile)."""
    probe = LockProbe(path)
    probe.start()
    started = time.perf_counter()
    call()
    took = time.perf_counter() - started
    return took, probe.stop()


def one_run(root: Path) -> dict:
    db = root / "first.db"
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": f"sqlite:///{db}",
           "PARCELTRAIL_QUEUE_URL": f"sqlite:///{root / 'queue.db'}"}
    made = subprocess.run([sys.executable, "-m", "parceltrail", "shop", "create", "Bench", "--json"], env=env,
                          capture_output=True, text=True, check=True)
    key = json.loads(made.stdout)["api_key"]
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "parceltrail", "serve", "--no-worker", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120,
                              headers={"Authorization": f"Bearer {key}"})
        while True:
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        ready = time.perf_counter() - started
        cold = rss_mb(server.pid)

        def register(number: str):
            return lambda: client.post("/v1/packages", json={
                "tracking_number": number, "carrier": "ups",
                "destination": {"postal_code": "40213", "country": "US"}}).raise_for_status()

        first, first_wait = probed(db, register(NUMBERS[0]))
        after = rss_mb(server.pid)
        warm = [probed(db, register(n)) for n in NUMBERS[1:]]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"ready_s": ready, "rss_cold_mb": cold, "rss_after_first_mb": after, "first_ms": first * 1000,
            "first_lock_wait_ms": first_wait * 1000, "warm_ms": statistics.median(w[0] for w in warm) * 1000,
            "warm_lock_wait_ms": statistics.median(w[1] for w in warm) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(one_run(Path(tmp)))
    out = {k: round(statistics.median(r[k] for r in runs), 1) for k in runs[0]}
    out["lock_wait_ratio"] = round(statistics.median(
        r["first_lock_wait_ms"] / max(r["warm_lock_wait_ms"], 0.01) for r in runs), 1)
    print(json.dumps({"repeat": args.repeat, **out}))


if __name__ == "__main__":
    main()
