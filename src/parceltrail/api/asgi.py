"""The application for an ASGI server that imports it: ``parceltrail serve --workers N`` starts N of these.

Each process builds its own engine (its own connection pool) from the ``PARCELTRAIL_*`` environment;
``uvicorn --factory parceltrail.api.asgi:app_from_environment`` or gunicorn's uvicorn worker can run it too.
"""

from __future__ import annotations

from fastapi import FastAPI

from parceltrail.api.app import create_app
from parceltrail.logs import configure_logging
from parceltrail.settings import get_settings


def app_from_environment() -> FastAPI:
    settings = get_settings()
    configure_logging(settings)  # a spawned API process logs like its supervisor (format, level, masking)
    return create_app(settings)
