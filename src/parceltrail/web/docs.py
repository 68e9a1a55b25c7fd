"""Swagger UI at ``/docs`` and ReDoc at ``/redoc``, with every asset served by this app.

FastAPI's own pages load Swagger UI from a CDN and start it with an inline script, so ``/docs`` is blank
offline and cannot run under a CSP without ``unsafe-inline``. The assets come from the ``fastapi-offline``
wheel (Swagger UI, Apache-2.0; ReDoc, MIT; their licence headers are kept in the files), a PyPI package,
so nothing is copied into this repository and an upgrade is a version bump; the pages and the small
start-up script that passes Swagger UI its settings are ours. ReDoc's sidebar draws Redocly's logo from
their CDN whatever its options say, so its bundle is served with that one URL pointed at a local image.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from parceltrail.web.render import page

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/static/docs"

router = APIRouter(include_in_schema=False)


def assets() -> StaticFiles:
    return StaticFiles(directory=ASSETS)


_REDOC = "redoc.standalone.js"
_REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


@cache
def _redoc_bundle() -> bytes:
    return (ASSETS / _REDOC).read_bytes().replace(_REDOC_LOGO, f"{ASSETS_URL}/favicon.png".encode())


@router.get(f"{ASSETS_URL}/{_REDOC}")
def redoc_bundle() -> Response:
    return Response(_redoc_bundle(), media_type="text/javascript",
                    headers={"cache-control": "public, max-age=86400"})


@router.get("/docs", response_class=HTMLResponse)
def swagger(request: Request) -> HTMLResponse:
    return page(request, "docs/swagger.html", assets=ASSETS_URL, openapi_url=request.app.openapi_url,
                title=f"{request.app.title} API — Swagger UI")


@router.get("/docs/oauth2-redirect", response_class=HTMLResponse)
def swagger_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    return page(request, "docs/redoc.html", assets=ASSETS_URL, openapi_url=request.app.openapi_url,
                title=f"{request.app.title} API — ReDoc")
