"""TikTok Shop's request and webhook signatures (pure).

Request: ``sign`` = lowercase hex HMAC-SHA256(app_secret, app_secret + path + the query parameters other
than ``sign`` and ``access_token`` sorted by name as ``{key}{value}`` + the raw body + app_secret).
Values are signed exactly as they are sent on the wire: ``query_value`` is the one place that turns a
Python value into its query text, so a boolean is ``true``/``false`` in both (never ``True``), and the
client sends the same strings it signed.

Webhook: header ``Authorization`` = lowercase hex HMAC-SHA256(app_secret, app_key + raw body), compared
in constant time on the bytes as received (never a re-serialised JSON).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

UNSIGNED = frozenset({"sign", "access_token"})


def query_value(value: Any) -> str:
    """A query parameter's text as sent and as signed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def query(params: Mapping[str, Any]) -> dict[str, str]:
    """The query parameters as the strings that go on the wire (and into the signature)."""
    return {k: query_value(v) for k, v in params.items() if v is not None}


def sign(path: str, params: Mapping[str, Any], body: bytes | str, app_secret: str) -> str:
    pairs = "".join(f"{k}{query_value(params[k])}" for k in sorted(params)
                    if k not in UNSIGNED and params[k] is not None)
    text = body.decode() if isinstance(body, bytes) else body
    wrapped = f"{app_secret}{path}{pairs}{text}{app_secret}"
    return hmac.new(app_secret.encode(), wrapped.encode(), hashlib.sha256).hexdigest()


def webhook_signature(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def webhook_is_genuine(app_key: str, app_secret: str, body: bytes, authorization: str | None) -> bool:
    if not authorization:
        return False
    expected = webhook_signature(app_key, app_secret, body)
    return hmac.compare_digest(expected.encode(), authorization.strip().lower().encode())
