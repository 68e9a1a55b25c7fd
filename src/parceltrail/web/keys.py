"""The pages' signing key and cookie settings, read once per app (the key lives in settings or the database)."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from parceltrail.services.site_keys import signing_key
from parceltrail.store import UnitOfWork


def page_key(request: Request) -> bytes:
    state = request.app.state
    key = getattr(state, "web_signing_key", None)
    if key is None:
        secret = state.settings.secret_key.get_secret_value() if state.settings.secret_key else None
        key = state.web_signing_key = signing_key(UnitOfWork(state.engine), secret)
    return key


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None, path: str = "/",
               same_site: str = "lax") -> None:
    """HttpOnly always; Secure whenever the page was served over HTTPS (directly or behind a TLS proxy)."""
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite=same_site,
                        secure=request.url.scheme == "https")
