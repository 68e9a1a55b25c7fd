"""Response headers every page gets: a content security policy, no framing, no sniffing, HSTS over HTTPS.

Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer every response). Each request gets a fresh
nonce; templates put it on the few ``<style>`` elements they need (a shop's brand colour), so pages run
with ``script-src 'self'`` and ``style-src 'self' 'nonce-…'``: no inline script can ever execute.
Swagger UI and ReDoc inject their own style elements at run time, so their two pages alone allow inline
*styles* (never inline scripts) and ``blob:`` workers (ReDoc searches in a worker). The pages behind the
links in messages (``/opt-in/…``, ``/unsubscribe/…``) are drawn by ``notify.render`` with the inline styles
mail needs, so they too allow inline styles, and nothing else: no script, no request at all. So does the
dashboard's e-mail preview (``MAIL_FRAME_PATH``), which alone may be framed, by this site's own pages.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_DOCS = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_MESSAGE_PAGE = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_MAIL_FRAME = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'; sandbox"
)
DOCS_PATHS = ("/docs", "/redoc")
MESSAGE_PAGE_PATHS = ("/opt-in/", "/unsubscribe/")
MAIL_FRAME_PATH = "/app/settings/notifications/email.html"


def nonce_of(scope: Scope) -> str:
    return scope.get("state", {}).get("csp_nonce", "")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        path: str = scope["path"]
        framed = path == MAIL_FRAME_PATH
        if framed:
            policy = _MAIL_FRAME
        elif path.startswith(MESSAGE_PAGE_PATHS):
            policy = _MESSAGE_PAGE
        else:
            policy = _DOCS if path.startswith(DOCS_PATHS) else _STRICT.format(nonce=nonce)
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["content-security-policy"] = policy
                headers["x-frame-options"] = "SAMEORIGIN" if framed else "DENY"
                headers["x-content-type-options"] = "nosniff"
                headers["referrer-policy"] = "same-origin"
                headers["permissions-policy"] = "geolocation=(), camera=(), microphone=(), payment=()"
                headers["cross-origin-opener-policy"] = "same-origin"
                if https:
                    headers["strict-transport-security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, send_with_headers)
