"""Carrier credentials: small typed objects whose ``repr`` never shows a secret.

They travel from settings (``credentials_from_env``) to ``fetch`` and nowhere else. ``base_url``
rides along because a sandbox account is a pair: sandbox keys only work against the sandbox host.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields


@dataclass(frozen=True, slots=True)
class OAuthCredentials:
    """OAuth 2.0 client credentials (UPS, FedEx, USPS)."""

    client_id: str
    client_secret: str = field(repr=False)
    base_url: str | None = None


@dataclass(frozen=True, slots=True)
class ApiKeyCredentials:
    """A static API key sent in a header (DHL's ``DHL-API-Key``)."""

    api_key: str = field(repr=False)
    base_url: str | None = None


@dataclass(frozen=True, slots=True)
class TikTokCredentials:
    """A TikTok Shop app (key + secret) authorised by one shop (access token + shop cipher)."""

    app_key: str
    app_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    shop_cipher: str | None = None
    base_url: str | None = None


Credentials = OAuthCredentials | ApiKeyCredentials | TikTokCredentials


def credentials_from_env(
    carrier: str, kind: type[Credentials], environ: Mapping[str, str] | None = None
) -> Credentials | None:
    """Read ``PARCELTRAIL_<CARRIER>_<FIELD>`` variables (e.g. ``PARCELTRAIL_UPS_CLIENT_SECRET``).

    Returns ``None`` when none of the variables is set (the carrier is simply not configured) and
    raises ``ValueError`` naming the *variables* (never their values) when only some are.
    """
    env = os.environ if environ is None else environ
    prefix = f"PARCELTRAIL_{carrier.upper()}_"
    values: dict[str, str] = {}
    missing: list[str] = []
    for f in fields(kind):
        name = prefix + f.name.upper()
        if env.get(name):
            values[f.name] = env[name]
        elif f.name not in ("base_url", "shop_cipher"):
            missing.append(name)
    required_seen = set(values) - {"base_url", "shop_cipher"}
    if not required_seen:
        return None
    if missing:
        raise ValueError(f"{carrier} credentials are incomplete: set {', '.join(missing)}")
    return kind(**values)
