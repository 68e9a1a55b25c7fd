"""Real HTTP servers on 127.0.0.1 that play the carriers.

Each fake checks a request the way the carrier would (OAuth client-credentials flow, Bearer tokens it
issued, API key header, TikTok's signature recomputed from the query) and answers with the project's
fixtures. Faults are scripted per path prefix: ``server.fail("/api/track", 500, 500)`` makes the next
two matching requests answer 500; ``("429", 2)`` adds Retry-After: 2; ``("slow", 0.3)`` waits first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from parceltrail.carriers.transport import CarrierClient, RetryPolicy
from tests.conftest import HUNG

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers"

CLIENT_ID, CLIENT_SECRET = "pt-test-client", "s3cret-value-never-logged"
DHL_KEY = "dhl-key-for-tests"
APP_KEY, APP_SECRET, SHOP_TOKEN, SHOP_CIPHER = "6abc1def", "tiktok-app-secret", "TTP_shop_token", "ROW_cipher"


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int
    body: bytes | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Seen], Reply]


class CarrierServer:
    """One fake carrier API: routes by (method, path prefix), records every request, injects faults."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, str, Handler]] = []
        self.faults: dict[str, list[tuple[str, float]]] = {}
        self.seen: list[Seen] = []
        self.tokens: dict[str, float] = {}
        self.issued = 0
        self.token_lifetime = 3600
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._handle(self, "GET")

            def do_POST(self) -> None:
                server._handle(self, "POST")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def route(self, method: str, prefix: str, handler: Handler) -> None:
        self.routes.append((method, prefix, handler))

    def fail(self, prefix: str, *faults: int | tuple[str, float]) -> None:
        """Queue faults for the next requests whose path starts with ``prefix``."""
        queue = self.faults.setdefault(prefix, [])
        queue.extend(("status", float(f)) if isinstance(f, int) else f for f in faults)

    def requests_to(self, prefix: str) -> list[Seen]:
        return [s for s in self.seen if s.path.startswith(prefix)]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- OAuth as the carriers do it ------------------------------------------------------------

    def issue_token(self) -> dict:
        self.issued += 1
        token = f"tok-{self.issued}"
        self.tokens[token] = time.monotonic() + self.token_lifetime
        return {"access_token": token, "token_type": "Bearer", "expires_in": str(self.token_lifetime)}

    def bearer_ok(self, seen: Seen) -> bool:
        auth = seen.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        return auth.startswith("Bearer ") and self.tokens.get(token, 0) > time.monotonic()

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    # -- plumbing --------------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        seen = Seen(
            method,
            parts.path,
            {k: v[0] for k, v in parse_qs(parts.query).items()},
            {k.lower(): v for k, v in request.headers.items()},
            request.rfile.read(length) if length else b"",
        )
        self.seen.append(seen)
        reply = self._fault(seen) or self._route(seen)
        payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        try:
            request.send_response(reply.status)
            headers = {"Content-Type": "application/json", **reply.headers}
            for key, value in headers.items():
                request.send_header(key, value)
            request.send_header("Content-Length", str(len(payload)))
            request.end_headers()
            request.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on a slow answer, as it should

    def _fault(self, seen: Seen) -> Reply | None:
        for prefix, queue in self.faults.items():
            if seen.path.startswith(prefix) and queue:
                kind, value = queue.pop(0)
                if kind == "slow":
                    time.sleep(value)
                    return None
                if kind == "429":
                    return Reply(429, {"message": "Too Many Requests"}, {"Retry-After": str(int(value))})
                return Reply(int(value), {"message": "Internal Server Error", "detail": "upstream timeout"})
        return None

    def _route(self, seen: Seen) -> Reply:
        for method, prefix, handler in self.routes:
            if seen.method == method and seen.path.startswith(prefix):
                return handler(seen)
        return Reply(404, b"<html>no such page</html>", {"Content-Type": "text/html"})


def fixture_body(carrier: str, scenario: str) -> bytes:
    return (FIXTURES / carrier / f"{scenario}.json").read_bytes()


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def form(seen: Seen) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(seen.body.decode()).items()}


def tiktok_signature(path: str, query: dict[str, str], body: bytes, secret: str) -> str:
    """The server side of TikTok's algorithm, written from TikTok's description, not from our client."""
    keys = sorted(k for k in query if k not in ("sign", "access_token"))
    message = secret + path + "".join(k + query[k] for k in keys) + body.decode() + secret
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def server():
    fake = CarrierServer()
    yield fake
    fake.close()


@dataclass
class Sleeps:
    """Stands in for time.sleep: records each wait instead of waiting."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(sleeps):
    """Retries as the poller's, recorded instead of slept; a timeout that means hung (tests of timeouts
    make their own client with a short one)."""
    with CarrierClient(timeout=HUNG, retry=RetryPolicy(attempts=3, backoff=0.5), sleep=sleeps) as c:
        yield c
