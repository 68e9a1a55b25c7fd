"""The key that signs the web pages' cookies (buyer proofs, staff sessions, CSRF tokens).

With ``PARCELTRAIL_SECRET_KEY`` set it is derived from that (rotating the setting logs everyone out);
without it, a random key is made once and kept in the database so every API process shares it and a
fresh install needs no configuration. Either way no key appears in code, logs or responses.
"""

from __future__ import annotations

import hashlib
import secrets

from parceltrail.services.clock import utcnow
from parceltrail.store import UnitOfWork

_NAME = "web_signing_key"


def signing_key(uow: UnitOfWork, secret_key: str | None) -> bytes:
    if secret_key:
        return hashlib.sha256(b"parceltrail web signing\0" + secret_key.encode()).digest()
    with uow:
        value = uow.site.secret(_NAME, secrets.token_hex(32), utcnow())
        uow.commit()
    return bytes.fromhex(value)
