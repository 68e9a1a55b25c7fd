"""Queries for shops' webhook endpoints (Standard Webhooks receivers of their developers).

Signing secrets arrive here already encrypted. After a rotation the previous secret stays, encrypted,
until ``previous_expires_at``: deliveries carry a signature for each, so receivers can switch at leisure.
``events`` is a JSON list of types, or NULL for every type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("description", String(500), nullable=False, server_default=""),
    Column("events", Text, nullable=True),
    Column("secret", Text, nullable=False),
    Column("previous_secret", Text, nullable=True),
    Column("previous_expires_at", UTCDateTime(), nullable=True),
    Column("disabled_at", UTCDateTime(), nullable=True),
    Column("disabled_reason", Text, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index(None, "shop_id", "id"),
)


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    id: str
    shop_id: str
    url: str
    description: str
    events: tuple[str, ...] | None
    secret: str
    previous_secret: str | None
    previous_expires_at: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    def wants(self, event_type: str) -> bool:
        return self.events is None or event_type in self.events


def _to_endpoint(row) -> WebhookEndpoint:
    values = dict(row._mapping)
    values["events"] = tuple(json.loads(values["events"])) if values["events"] is not None else None
    return WebhookEndpoint(**values)


def _events_column(events: tuple[str, ...] | list[str] | None) -> str | None:
    return json.dumps(list(events)) if events is not None else None


class WebhookEndpointRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, endpoint: WebhookEndpoint) -> None:
        values = {k: getattr(endpoint, k) for k in webhook_endpoints.c.keys()}  # noqa: SIM118 (a ColumnCollection)
        values["events"] = _events_column(endpoint.events)
        self._c.execute(insert(webhook_endpoints).values(**values))

    def get(self, shop_id: str, endpoint_id: str) -> WebhookEndpoint | None:
        row = self._c.execute(select(webhook_endpoints).where(
            webhook_endpoints.c.shop_id == shop_id, webhook_endpoints.c.id == endpoint_id)).first()
        return _to_endpoint(row) if row else None

    def get_many(self, endpoint_ids: list[str]) -> dict[str, WebhookEndpoint]:
        if not endpoint_ids:
            return {}
        rows = self._c.execute(select(webhook_endpoints).where(webhook_endpoints.c.id.in_(endpoint_ids))).all()
        return {r.id: _to_endpoint(r) for r in rows}

    def list(self, shop_id: str) -> list[WebhookEndpoint]:
        rows = self._c.execute(select(webhook_endpoints).where(webhook_endpoints.c.shop_id == shop_id)
                               .order_by(webhook_endpoints.c.id)).all()
        return [_to_endpoint(r) for r in rows]

    def enabled_for_shops(self, shop_ids: list[str]) -> dict[str, list[WebhookEndpoint]]:
        """Every enabled endpoint of these shops, by shop: whom the planner fans an event out to."""
        found: dict[str, list[WebhookEndpoint]] = {shop: [] for shop in shop_ids}
        if not shop_ids:
            return found
        rows = self._c.execute(select(webhook_endpoints).where(
            webhook_endpoints.c.shop_id.in_(shop_ids), webhook_endpoints.c.disabled_at.is_(None))
            .order_by(webhook_endpoints.c.id)).all()
        for row in rows:
            found[row.shop_id].append(_to_endpoint(row))
        return found

    def update(self, shop_id: str, endpoint_id: str, **values) -> bool:
        if "events" in values:
            values["events"] = _events_column(values["events"])
        result = self._c.execute(update(webhook_endpoints).where(
            webhook_endpoints.c.shop_id == shop_id, webhook_endpoints.c.id == endpoint_id).values(**values))
        return result.rowcount == 1

    def disable(self, endpoint_id: str, at: datetime, reason: str) -> bool:
        """Disable an endpoint that is still enabled; True when this call did it (so the shop is told once)."""
        result = self._c.execute(update(webhook_endpoints).where(
            webhook_endpoints.c.id == endpoint_id, webhook_endpoints.c.disabled_at.is_(None))
            .values(disabled_at=at, disabled_reason=reason, updated_at=at))
        return result.rowcount == 1

    def remove(self, shop_id: str, endpoint_id: str) -> bool:
        return bool(self._c.execute(delete(webhook_endpoints).where(
            webhook_endpoints.c.shop_id == shop_id, webhook_endpoints.c.id == endpoint_id)).rowcount)
