"""The service layer's clock. Services take ``now`` as an argument where tests need to steer time."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
