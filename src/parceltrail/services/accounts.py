"""Shops' carrier accounts: credentials stored encrypted, or referenced from the environment.

Encryption is ``services.secrets`` (Fernet under a key derived from ``PARCELTRAIL_SECRET_KEY``);
without that setting the service refuses to store secrets rather than keep
them in clear, and an ``env_prefix`` reference (the deployment's own secret store fills the variables)
works instead. Secrets never come back out of the API, the CLI or a log line: only which fields are set.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import MISSING, fields

from parceltrail.services import secrets as vault
from parceltrail.services.adapters import MissingCredentials, credentials_type, env_credentials
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.secrets import SecretUnreadable, require_key
from parceltrail.store import UnitOfWork
from parceltrail.store.accounts import CarrierAccount
from parceltrail.store.ids import new_id

_PREFIX = re.compile(r"[A-Z][A-Z0-9_]{1,100}_")
_PURPOSE = "carrier credentials"


def _kind(carrier: str) -> type:
    kind = credentials_type(carrier)
    if kind is None:
        raise NotFound("carrier", carrier)
    return kind


def _field_names(kind: type) -> list[str]:
    return [f.name for f in fields(kind)]


def set_account(
    uow: UnitOfWork,
    shop_id: str,
    carrier: str,
    secret_key: str | None,
    credentials: dict[str, str] | None = None,
    env_prefix: str | None = None,
) -> CarrierAccount:
    """Store a shop's account for a carrier: either its credentials (encrypted) or an env prefix."""
    kind = _kind(carrier)
    if (credentials is None) == (env_prefix is None):
        raise InvalidInput("send exactly one of credentials or env_prefix",
                           [FieldError("credentials", "an object of the carrier's credential fields"),
                            FieldError("env_prefix", "or the prefix of environment variables holding them")])
    ciphertext = None
    if credentials is not None:
        names = _field_names(kind)
        unknown = sorted(set(credentials) - set(names))
        if unknown:
            raise InvalidInput("unknown credential fields",
                               [FieldError(f"credentials.{u}", f"expected one of: {', '.join(names)}") for u in unknown])
        try:
            kind(**credentials)
        except TypeError:
            missing = [f.name for f in fields(kind) if f.name not in credentials
                       and f.default is MISSING and f.default_factory is MISSING]
            raise InvalidInput("missing credential fields",
                               [FieldError(f"credentials.{m}", "this field is required") for m in missing]) from None
        key = require_key(secret_key, "credentials", "secrets", "send env_prefix")
        ciphertext = vault.seal(key, _PURPOSE, json.dumps(credentials))
    elif not _PREFIX.fullmatch(env_prefix or ""):
        raise InvalidInput("env_prefix is not valid",
                           [FieldError("env_prefix", "expected upper-case letters, digits and _, ending in _")])
    now = utcnow()
    account = CarrierAccount(new_id("acct"), shop_id, carrier, ciphertext, env_prefix, now, now)
    with uow:
        uow.accounts.put(account)
        uow.commit()
    return account


def remove_account(uow: UnitOfWork, shop_id: str, carrier: str) -> None:
    with uow:
        if not uow.accounts.remove(shop_id, carrier):
            raise NotFound("carrier account", carrier)
        uow.commit()


def list_accounts(uow: UnitOfWork, shop_id: str) -> list[CarrierAccount]:
    with uow.read():
        return uow.accounts.list(shop_id)


def shop_credentials(uow: UnitOfWork, shop_id: str, carrier: str, secret_key: str | None):
    """The credentials to poll ``carrier`` for this shop: its own account, else the server's settings."""
    with uow.read():
        account = uow.accounts.get(shop_id, carrier)
    if account is None:
        return env_credentials(carrier)
    kind = _kind(carrier)
    if account.env_ref:
        return _from_env(carrier, kind, account.env_ref)
    try:
        values = json.loads(vault.unseal(secret_key, _PURPOSE, account.ciphertext))
    except SecretUnreadable as error:
        raise MissingCredentials(f"{carrier}: the shop's stored account: {error}") from None
    return kind(**values)


def _from_env(carrier: str, kind: type, prefix: str):
    """Credentials from ``<prefix><FIELD>`` variables; the error names missing variables, never values."""
    values, missing = {}, []
    for f in fields(kind):
        value = os.environ.get(prefix + f.name.upper())
        if value:
            values[f.name] = value
        elif f.default is MISSING and f.default_factory is MISSING:
            missing.append(prefix + f.name.upper())
    if missing:
        raise MissingCredentials(f"{carrier}: the shop's account refers to {prefix}*; set {', '.join(missing)}")
    return kind(**values)
