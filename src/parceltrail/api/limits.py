"""The gate every request body passes before route code runs: a size cap, and JSON as the only language.

Pure ASGI middleware: it reads the body up to the limit (also when no Content-Length is sent, as with
chunked uploads), answers 413 past it, and otherwise replays the body to the app unchanged. The API
(``/v1/``) speaks only JSON, so a body sent without a JSON content type (``curl -d`` sends form encoding) is read
as JSON rather than refused with a puzzling "expected an object".
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_JSON = b"application/json"


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
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
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
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(_as_json(scope), replay, send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({
            "type": "/problems/body-too-large",
            "title": "Body too large",
            "status": 413,
            "detail": f"request body is larger than {self.max_bytes} bytes; send fewer events per request",
            "errors": [],
        }).encode()
        await send({
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())],
        })
        await send({"type": "http.response.body", "body": body})
