"""The web pages served by the same app as the API: API docs and the buyer tracking page (``/track``).
Everything a page needs is served from here; no CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from parceltrail.web import docs, track
from parceltrail.web.security import SecurityHeaders

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Add the pages, their assets and the security headers to an app made with docs_url=None."""
    app.add_middleware(SecurityHeaders)
    app.include_router(docs.router)  # before the mounts: it serves one rewritten asset under them
    app.include_router(track.router)
    app.mount(docs.ASSETS_URL, docs.assets(), name="docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


__all__ = ["install"]
