"""The job queue: Huey on a SQLite file by default, Redis when ``PARCELTRAIL_QUEUE_URL`` says redis://.

Huey is chosen because it is the one small queue with SQLite, Redis and PostgreSQL storage behind one
API, so the embedded mode and the scale-out mode run the same job code.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from huey import Huey, RedisHuey, SqliteHuey


class QueueUrlError(ValueError):
    """``PARCELTRAIL_QUEUE_URL`` names a storage Huey cannot use here."""


def make_queue(url: str, name: str = "parceltrail") -> Huey:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        if not path or path == url:
            raise QueueUrlError(f"queue URL {url!r}: expected sqlite:///path/to/queue.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=path, results=False)
    if parsed.scheme in ("redis", "rediss"):
        return RedisHuey(name, url=url, results=False)
    raise QueueUrlError(f"queue URL {url!r}: expected sqlite:///path or redis://host:port/db")
