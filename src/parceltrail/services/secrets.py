"""Secrets the server keeps for shops (carrier credentials, webhook signing secrets, channel URLs):
Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under a key derived from
``PARCELTRAIL_SECRET_KEY`` and the purpose, so a value sealed for one purpose never opens as another.

Without the setting the service refuses to store secrets rather than keep them in clear; the refusal
names the field the caller sent and the setting the operator must add.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from parceltrail.services.errors import FieldError, InvalidInput


class SecretUnreadable(Exception):
    """A stored secret cannot be opened with this server's key (the key changed, or none is set)."""


def fernet(secret_key: str, purpose: str) -> Fernet:
    """The Fernet key of one purpose (``InvalidToken`` from it means another key sealed the text)."""
    digest = hashlib.sha256(f"parceltrail {purpose}\0".encode() + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def require_key(secret_key: str | None, field: str, what: str, instead: str | None = None) -> str:
    """The key to seal with, or a refusal naming ``field`` (and what the caller can send ``instead``)."""
    if not secret_key:
        hint = "set PARCELTRAIL_SECRET_KEY on the server" + (f", or {instead}" if instead else "")
        raise InvalidInput(f"this server cannot store {what}: PARCELTRAIL_SECRET_KEY is not set",
                           [FieldError(field, hint)])
    return secret_key


def seal(secret_key: str, purpose: str, plaintext: str) -> str:
    return fernet(secret_key, purpose).encrypt(plaintext.encode()).decode()


def unseal(secret_key: str | None, purpose: str, ciphertext: str) -> str:
    if not secret_key:
        raise SecretUnreadable(f"reading stored {purpose} needs PARCELTRAIL_SECRET_KEY")
    try:
        return fernet(secret_key, purpose).decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(f"stored {purpose} cannot be decrypted with this PARCELTRAIL_SECRET_KEY "
                               "(was the key changed?)") from None
