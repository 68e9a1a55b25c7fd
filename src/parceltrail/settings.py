"""The one settings object. Every value can be set by a ``PARCELTRAIL_*`` environment variable.

Defaults are the embedded mode: a SQLite file in the working directory for data and another for the
job queue, so ``parceltrail serve`` needs nothing else running.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_RATE = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour|s|m|h)\s*")
_PERIODS = {"second": 1.0, "s": 1.0, "minute": 60.0, "m": 60.0, "hour": 3600.0, "h": 3600.0}


def parse_rate(text: str) -> tuple[int, float] | None:
    """``"600/minute"`` (or ``/second``, ``/hour``) as (count, period in seconds); ``"0"``/``"off"``: None."""
    if text.strip().lower() in ("0", "off", "none", ""):
        return None
    match = _RATE.fullmatch(text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{text!r} is not a rate; expected e.g. 600/minute, 20/second, or 0 for no limit")
    return int(match.group(1)), _PERIODS[match.group(2)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARCELTRAIL_", extra="ignore")

    database_url: str = Field(
        "sqlite:///./parceltrail.db", description="Any SQLAlchemy URL; PostgreSQL via postgresql+psycopg://"
    )
    queue_url: str = Field(
        "sqlite:///./parceltrail-queue.db", description="Huey storage: sqlite:///path or redis://host:port/db"
    )
    max_body_bytes: int = Field(1_048_576, description="Largest request body the API accepts")
    max_events_per_request: int = Field(1_000, description="Most events one POST may carry")
    expire_after_days: int = Field(30, description="A package with no news for this long becomes expired")
    expiry_check_minutes: int = Field(60, description="How often the worker looks for expired packages")
    history_refresh_minutes: int = Field(
        1440, description="How often the worker re-reads each shop model's lane and seller history"
    )
    flag_check_minutes: int = Field(
        1, description="How often the worker looks at packages whose flags can change with time (stale, lost ...)"
    )
    evidence_retention_days: int = Field(
        180, ge=1, description="Disputes, proofs of delivery, buyer confirmations and applied webhook bodies are "
        "deleted this many days after the package's delivery (or end) and its last dispute closed")
    page_size_max: int = Field(200, description="Largest page of packages one list call returns")
    log_format: Literal["text", "json"] = Field("text", description="text for people, json for one object a line")
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Least severe level logged")
    rate_limit_per_key: str = Field("6000/minute", description="Requests per API key, e.g. 6000/minute (0: none)")
    rate_limit_anonymous: str = Field(
        "600/minute", description="Requests without a valid key per source address, e.g. 600/minute (0: none)")
    rate_limit_push: str = Field(
        "6000/minute", description="Carrier pushes and platform webhooks per source address (0: none)")
    event_page_max: int = Field(1000, description="Largest page of one package's events one call returns")
    poll_every_seconds: float = Field(5.0, description="How often the worker looks for packages due a check (0: never)")
    poll_interval_factor: float = Field(
        1.0, gt=0, description="Scales every wait between two checks of a package (0.5: twice as often)")
    poll_lease_seconds: float = Field(
        600.0, gt=0, description="How long a worker's claim on due packages holds; a killed worker's expire then")
    poll_batch: int = Field(500, ge=1, description="Most packages one polling tick claims")
    carrier_timeout_seconds: float = Field(10.0, description="Timeout of one request to a carrier API")
    secret_key: SecretStr | None = Field(
        None, description="Encrypts carrier credentials stored through the API; without it only env references work",
    )
    tiktok_app_key: str | None = Field(None, description="Your TikTok Shop app's key (Partner Center)")
    tiktok_app_secret: SecretStr | None = Field(
        None, description="Your TikTok Shop app's secret: signs every call and verifies TikTok's webhooks")
    tiktok_api_url: str = Field("https://open-api.tiktokglobalshop.com", description="TikTok Shop API host")
    tiktok_auth_url: str = Field("https://auth.tiktok-shops.com", description="TikTok Shop auth host (tokens, consent)")
    tiktok_sync_minutes: int = Field(
        5, description="How often the worker syncs each connected TikTok shop (reconciliation; 0: never)")
    webhooks_allow_private: bool = Field(
        False, description="Let webhook endpoints and notification channels reach private, loopback and "
        "link-local addresses (tests, the demo, a receiver on the same network); off, they are refused",
    )
    smtp_url: SecretStr | None = Field(
        None, description="Where email goes: smtp://host:port (plain, e.g. a local relay or mail catcher), "
        "smtp+starttls://user:password@host:587 or smtps://user:password@host:465; unset: no email is sent")
    mail_from: str = Field("parceltrail <notifications@localhost>", description="The From of every email")
    public_url: str = Field(
        "http://127.0.0.1:8000", description="Where people reach this server: tracking and unsubscribe links")
    notify_every_seconds: float = Field(
        0.25, description="How often the worker looks for notifications to plan and send when idle (0: never)")
    notify_coalesce_seconds: float = Field(
        60.0, description="Messages that make each other stale (status changes of one package) wait this "
        "long, so three scans in a minute give one message")
    notify_concurrency: int = Field(8, description="Messages one worker sends at the same time")
    notify_lease_seconds: float = Field(
        120.0, description="A sender's claim on a message; if it dies, webhooks are resent (same webhook-id) "
        "and other messages marked uncertain after this long")
    webhook_timeout_seconds: float = Field(10.0, description="How long a webhook receiver has to answer")
    hook_secrets: dict[str, SecretStr] = Field(
        default_factory=dict,
        description='Carrier push secrets by carrier code, JSON: {"sandbox": "whsec_..."}; a carrier without one refuses pushes',
    )


    @field_validator("rate_limit_per_key", "rate_limit_anonymous", "rate_limit_push")
    @classmethod
    def _is_a_rate(cls, value: str) -> str:
        parse_rate(value)
        return value


@cache
def get_settings() -> Settings:
    return Settings()
