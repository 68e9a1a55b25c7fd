"""Real HTTP receivers on 127.0.0.1 for outgoing calls (webhooks, chat and SMS gateways, the SSRF guard).

A ``Receiver`` records every request (path, headers, body) and answers from a script: a list of status
codes to give first (then 200), or a delay to make the sender time out. It runs in a thread on a free port.

A request whose body stops short of its Content-Length (the sender died or hung up between writing the
headers and the body: httpx writes them separately, so a worker SIGKILLed mid-send leaves exactly that) is
not a delivery. Like any HTTP framework, the receiver drops it unanswered and only counts it in
``incomplete``; the sender never saw a 2xx, so the message is sent again under the same ``webhook-id``.
Recording it would hand the test a request with the sender's headers and an empty body.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class Receiver:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: list[int] = []
        self.delay = 0.0
        self.incomplete = 0
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if len(body) < length:
                    with owner.lock:
                        owner.incomplete += 1
                    self.close_connection = True
                    return
                with owner.lock:
                    owner.requests.append(Received(self.command, self.path, {k.lower(): v for k, v in
                                                   self.headers.items()}, body, time.time()))
                    status = owner.script.pop(0) if owner.script else 200
                    delay = owner.delay
                    owner.arrived.notify_all()
                if delay:
                    time.sleep(delay)
                payload = b'{"ok":true}' if status < 400 else b'{"error":"scripted failure"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_GET = do_PUT = _answer

            def log_message(self, *args) -> None:
                return None

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                return None  # a sender that hangs up (a killed worker, a timeout) is part of the tests

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until ``count`` requests have arrived (or fail the test after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} requests, got {len(self.requests)} in {timeout} s")
                self.arrived.wait(left)
            return list(self.requests)
