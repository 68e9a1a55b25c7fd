"""Keyset cursors, one codec for every list the API and the pages serve.

A cursor is the last item's sort key (an id, or a sort value and an id), joined with ``|`` and
base64url-encoded without padding: opaque to callers, so what goes in it can change, and never an offset
(page N costs what page 1 costs). Anything that does not decode to the expected parts is one clear 422
naming ``cursor``, never a 500: bad base64, non-ASCII text and non-UTF-8 bytes all surface as ValueError.
"""

from __future__ import annotations

import base64
from datetime import datetime

from parceltrail.services.errors import FieldError, InvalidInput

HINT = "pass the next_cursor of a previous page"


def invalid(hint: str = HINT) -> InvalidInput:
    return InvalidInput("cursor is not valid", [FieldError("cursor", hint)])


def encode(*parts: str) -> str:
    return base64.urlsafe_b64encode("|".join(parts).encode()).decode().rstrip("=")


def decode(cursor: str, parts: int, hint: str = HINT) -> list[str]:
    """The ``parts`` values ``encode`` joined; InvalidInput for anything else."""
    try:
        values = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
    except ValueError:
        raise invalid(hint) from None
    if len(values) != parts:
        raise invalid(hint)
    return values


def decode_id(cursor: str, prefix: str, hint: str = HINT) -> str:
    """A cursor that is one id, checked to be one of ``prefix``'s ids (``ord_``, ``pkg_``)."""
    (value,) = decode(cursor, 1, hint)
    if not value.startswith(prefix) or len(value) <= len(prefix):
        raise invalid(hint)
    return value


def position(moment: str, item_id: str, prefix: str, timed: bool, hint: str = HINT) -> tuple[datetime | None, str]:
    """A keyset position (time, id) from a cursor's parts: the time is there exactly when the sort is by time,
    and carries its UTC offset (the store compares it with UTC columns)."""
    try:
        after = datetime.fromisoformat(moment) if moment else None
    except ValueError:
        raise invalid(hint) from None
    if not item_id.startswith(prefix) or (after is not None) != timed or after is not None and after.tzinfo is None:
        raise invalid(hint)
    return after, item_id
