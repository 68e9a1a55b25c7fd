"""The gate every request passes before route code runs: a size cap, JSON as the only language, and no
control characters in text.

Pure ASGI middleware: it reads the body up to the limit (also when no Content-Length is sent, as with
chunked uploads), answers 413 past it, and otherwise replays the body to the app unchanged. The API
(``/v1/``) speaks only JSON, so a body sent without a JSON content type (``curl -d`` sends form encoding) is read
as JSON rather than refused with a puzzling "expected an object".

Control characters (NUL, the ESC that starts ANSI escape sequences, the rest of C0 but tab and line
breaks, DEL, C1) are refused with a 422 naming the field wherever text enters: the path, the query and
JSON bodies. They would paint a terminal that prints a scan, and PostgreSQL refuses NUL in text outright.
Carrier pushes and platform webhooks (``RAW_BODY_PREFIXES``) are exempt: their bytes are signed and stored
as sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parceltrail.api.problems import MEDIA_TYPE, field_errors, problem_body

_JSON = b"application/json"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 controls but tab, line feed and carriage return; DEL; C1."""
_MAYBE_CONTROL = re.compile(rb"\\u00|\x7f|\xc2[\x80-\x9f]")
"""Cheap test on raw JSON bytes: controls can only be there escaped, as DEL, or as UTF-8 C1."""
RAW_BODY_PREFIXES = ("/v1/hooks/", "/v1/webhooks/")


def control_message(text: str) -> str:
    found = CONTROL.search(text)
    code = f"U+{ord(found.group()):04X}" if found else "a control character"
    return f"control character {code} is not allowed (NUL, escape sequences and other control characters are refused)"


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if CONTROL.search(value):
            yield path or "body", control_message(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if CONTROL.search(key):
                yield child.encode("unicode_escape").decode(), control_message(key)
            yield from _walk(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def body_controls(body: bytes) -> list[tuple[str, str]]:
    """(field, message) for every text value of a JSON body that holds a control character."""
    if not _MAYBE_CONTROL.search(body):
        return []
    try:
        parsed = json.loads(body)
    except ValueError:
        return []  # not JSON: the route's validation says so, with its own wording
    return list(_walk(parsed, ""))


def request_controls(scope: Scope) -> list[tuple[str, str]]:
    """(field, message) for control characters in the path or the query string."""
    found = []
    if CONTROL.search(scope.get("path", "")):
        found.append(("path", control_message(scope["path"])))
    query = scope.get("query_string", b"")
    if query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                                     errors="replace"):
            if CONTROL.search(name) or CONTROL.search(value):
                shown = name.encode("unicode_escape").decode()
                found.append((shown, control_message(name + value)))
    return found


async def _send_problem(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(payload)).encode())],
    })
    await send({"type": "http.response.body", "body": payload})


async def refuse_controls(send: Send, fields: list[tuple[str, str]]) -> None:
    summary, errors = field_errors(fields)
    await _send_problem(send, 422, problem_body(422, "Invalid input", f"{summary}; nothing was stored", errors))


def _as_json(scope: Scope) -> Scope:
    if not scope["path"].startswith("/v1/"):
        return scope  # web pages post forms (parceltrail.web); only the API reads every body as JSON
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
    declared = dict(scope["headers"]).get(b"content-type", b"")
    if b"json" in declared:
        return scope
    return {**scope, "headers": [*headers, (b"content-type", _JSON)]}


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        controls = request_controls(scope)
        if controls:
            await refuse_controls(send, controls)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if not scope["path"].startswith(RAW_BODY_PREFIXES):
            controls = body_controls(body)
            if controls:
                await refuse_controls(send, controls)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(_as_json(scope), replay, send)

    async def _refuse(self, send: Send) -> None:
        await _send_problem(send, 413, problem_body(
            413, "Body too large",
            f"request body is larger than {self.max_bytes} bytes; send fewer events per request"))
