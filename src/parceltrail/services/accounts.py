"""Shops' carrier accounts: credentials stored encrypted, or referenced from the environment.

Encryption is ``services.secrets`` (Fernet under a key derived from ``PARCELTRAIL_SECRET_KEY``);
without that setting the service refuses to store secrets rather than keep
them in clear, and an ``env_prefix`` reference (the deployment's own secret store fills the variables)
works instead. Secrets never come back out of the API, the CLI or a log line: only which fields are set.

Two fences keep one shop's account from reaching past itself (issue 25 items 2 and 3): a shop names
credentials, never the endpoint they are sent to (``base_url`` is the operator's
``PARCELTRAIL_<CARRIER>_BASE_URL``), and an ``env_prefix`` must lie in the shop's own namespace
``PARCELTRAIL_SHOP_<SHOP ID>_`` (so no shop reads another's variables, nor the server's own). Both are
checked when an account is saved and again when it is read, so accounts saved before stay fenced too.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import MISSING, fields

from parceltrail.services import secrets as vault
from parceltrail.services.adapters import (
    MissingCredentials,
    credentials_type,
    env_credentials,
    operator_base_url,
)
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.secrets import SecretUnreadable, require_key
from parceltrail.store import UnitOfWork
from parceltrail.store.accounts import CarrierAccount
from parceltrail.store.ids import new_id

_PREFIX = re.compile(r"[A-Z][A-Z0-9_]{1,100}_")
_PURPOSE = "carrier credentials"
OPERATOR_ONLY = frozenset({"base_url"})
"""Credential fields a shop may not set: where its credentials are sent is the operator's choice."""


def env_namespace(shop_id: str) -> str:
    """The only environment variables a shop's ``env_prefix`` may name: ``PARCELTRAIL_SHOP_<SHOP ID>_``
    (the id upper-cased; ids have a fixed length, so no shop's namespace starts another's)."""
    return f"PARCELTRAIL_SHOP_{shop_id.upper()}_"


def _kind(carrier: str) -> type:
    kind = credentials_type(carrier)
    if kind is None:
        raise NotFound("carrier", carrier)
    return kind


def _field_names(kind: type) -> list[str]:
    """The fields a shop sends: the carrier's credential fields without the operator's."""
    return [f.name for f in fields(kind) if f.name not in OPERATOR_ONLY]


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
        endpoint = sorted(set(credentials) & OPERATOR_ONLY)
        if endpoint:
            raise InvalidInput("a carrier's endpoint is set by the server's operator, not by a shop", [
                FieldError(f"credentials.{e}", f"leave it out; the operator points {carrier} elsewhere with "
                           f"PARCELTRAIL_{carrier.upper()}_{e.upper()}") for e in endpoint])
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
    elif not env_prefix.startswith(env_namespace(shop_id)):
        namespace = env_namespace(shop_id)
        raise InvalidInput("env_prefix is outside this shop's namespace", [FieldError(
            "env_prefix", f"expected a prefix starting with {namespace}, e.g. {namespace}{carrier.upper()}_")])
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
        if not account.env_ref.startswith(env_namespace(shop_id)):
            raise MissingCredentials(f"{carrier}: the shop's account refers to variables outside its namespace "
                                     f"{env_namespace(shop_id)}; connect it again with a prefix inside it")
        return _from_env(carrier, kind, account.env_ref)
    try:
        values = json.loads(vault.unseal(secret_key, _PURPOSE, account.ciphertext))
    except SecretUnreadable as error:
        raise MissingCredentials(f"{carrier}: the shop's stored account: {error}") from None
    return _with_operator_endpoint(carrier, kind, values)


def _with_operator_endpoint(carrier: str, kind: type, values: dict[str, str]):
    """The credentials, sent where the operator says (a ``base_url`` a shop stored before the fence is dropped)."""
    values = {k: v for k, v in values.items() if k not in OPERATOR_ONLY}
    if "base_url" in {f.name for f in fields(kind)}:
        values["base_url"] = operator_base_url(carrier)
    return kind(**values)


def _from_env(carrier: str, kind: type, prefix: str):
    """Credentials from ``<prefix><FIELD>`` variables; the error names missing variables, never values."""
    values, missing = {}, []
    for f in fields(kind):
        if f.name in OPERATOR_ONLY:
            continue
        value = os.environ.get(prefix + f.name.upper())
        if value:
            values[f.name] = value
        elif f.default is MISSING and f.default_factory is MISSING:
            missing.append(prefix + f.name.upper())
    if missing:
        raise MissingCredentials(f"{carrier}: the shop's account refers to {prefix}*; set {', '.join(missing)}")
    return _with_operator_endpoint(carrier, kind, values)
