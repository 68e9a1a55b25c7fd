"""CSRF protection for every form: a signed double-submit token, plus an Origin check.

Each browser gets a random ``pt_csrf`` cookie (HttpOnly, SameSite=Lax); forms carry an HMAC of it under
the pages' key. Another site can neither read the cookie nor compute the HMAC, and a POST whose Origin
names another host is refused before the token is even looked at.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from starlette.responses import Response

from parceltrail.web.keys import page_key, set_cookie

COOKIE = "pt_csrf"
FIELD = "csrf_token"


class CsrfRefused(Exception):
    """The form did not come from our own page (or the page is too old to know its token)."""


def _sign(request: Request, value: str) -> str:
    return hmac.new(page_key(request), b"csrf\0" + value.encode(), hashlib.sha256).hexdigest()


class CsrfToken:
    """The token for this request's forms, computed only when a template asks for it."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self._cookie = request.cookies.get(COOKIE)
        self._new = False
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            if not self._cookie or len(self._cookie) < 32:
                self._cookie, self._new = secrets.token_urlsafe(32), True
            self._value = _sign(self._request, self._cookie)
        return self._value

    def set_cookie(self, response: Response) -> None:
        if self._new and self._cookie:
            set_cookie(self._request, response, COOKIE, self._cookie, max_age=None)


def check(request: Request, token: str | None) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise CsrfRefused(f"the form was sent from {origin}, not from this site")
    cookie = request.cookies.get(COOKIE)
    if not cookie or not token or not hmac.compare_digest(_sign(request, cookie).encode(), token.encode()):
        raise CsrfRefused("the form's security token is missing or does not match this browser")
