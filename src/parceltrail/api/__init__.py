"""The HTTP API (FastAPI): routers, request/response schemas, auth and problem+json errors."""

from parceltrail.api.app import create_app

__all__ = ["create_app"]
