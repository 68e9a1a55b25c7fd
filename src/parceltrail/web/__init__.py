"""The web pages served by the same app as the API: API docs, the buyer tracking page (``/track``) and
the seller dashboard (``/app``). Everything a page needs is served from here; no CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from parceltrail.web import (
    api_keys,
    carrier_accounts,
    dashboard,
    docs,
    endpoints,
    exceptions,
    imports,
    metrics,
    notifications,
    proof,
    report,
    scorecards,
    session,
    track,
)
from parceltrail.web.render import page
from parceltrail.web.security import SecurityHeaders

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Add the pages, their assets and the security headers to an app made with docs_url=None."""
    app.add_middleware(SecurityHeaders)
    app.include_router(docs.router)  # before the mounts: it serves one rewritten asset under them
    app.include_router(track.router)
    app.include_router(report.router)
    app.include_router(dashboard.router)
    app.include_router(imports.router)
    app.include_router(scorecards.router)
    app.include_router(exceptions.router)
    app.include_router(metrics.router)
    app.include_router(endpoints.router)
    app.include_router(carrier_accounts.router)
    app.include_router(proof.router)
    app.include_router(api_keys.router)
    app.include_router(notifications.router)
    app.add_exception_handler(session.SignInNeeded, _sign_in)
    app.add_exception_handler(session.OwnerOnly, _owner_only)
    app.mount(docs.ASSETS_URL, docs.assets(), name="docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


async def _sign_in(request, _exc):
    return RedirectResponse("/app/login", status_code=303)


async def _owner_only(request, _exc):
    return page(request, "error.html", status=403, title_key="app.owner_only", detail="")


__all__ = ["install"]
