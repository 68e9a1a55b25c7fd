"""Queries for delivery history (what a shop's model learns from) and for the shop's stored model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from parceltrail.core.status import NOT_A_HANDOFF
from parceltrail.store.tables import events, packages, shop_models

_NOT_A_HANDOFF = tuple(sorted(status.value for status in NOT_A_HANDOFF))
_INFO = (shop_models.c.shop_id, shop_models.c.trained_at, shop_models.c.n_rows, shop_models.c.history_as_of)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    shop_id: str
    trained_at: datetime
    n_rows: int
    history_as_of: datetime | None = None  # None: the history summaries are those of training


def _handoff() -> Any:
    """When the carrier first had the package: its first event of a status in neither pre-handoff nor
    last mile (``core.status.NOT_A_HANDOFF``); NULL when there is none."""
    return (
        select(func.min(events.c.occurred_at))
        .where(events.c.package_id == packages.c.id, events.c.status.not_in(_NOT_A_HANDOFF))
        .scalar_subquery()
    )


class HistoryRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def delivered(self, shop_id: str, limit: int = 200_000) -> list[Row]:
        """Delivered packages with the time the carrier first had them (``handed_over_at``), newest first."""
        query = (
            select(packages.c.id, packages.c.carrier, packages.c.service, packages.c.created_at,
                   packages.c.delivered_at, packages.c.origin_postal_code, packages.c.origin_country,
                   packages.c.dest_postal_code, packages.c.dest_country, _handoff().label("handed_over_at"))
            .where(packages.c.shop_id == shop_id, packages.c.delivered_at.is_not(None))
            .order_by(packages.c.delivered_at.desc())
            .limit(limit)
        )
        return self._c.execute(query).all()

    def in_flight(self, shop_id: str) -> list[Row]:
        """Packages not delivered (cancelled ones never shipped: left out)."""
        query = (
            select(packages.c.created_at, packages.c.dest_postal_code, packages.c.dest_country,
                   _handoff().label("handed_over_at"))
            .where(packages.c.shop_id == shop_id, packages.c.delivered_at.is_(None),
                   packages.c.status != "cancelled")
        )
        return self._c.execute(query).all()

    def delivered_count(self, shop_id: str) -> int:
        return self._c.execute(select(func.count()).select_from(packages).where(
            packages.c.shop_id == shop_id, packages.c.delivered_at.is_not(None))).scalar_one()

    def put_model(self, shop_id: str, trained_at: datetime, n_rows: int, body: str) -> None:
        self._c.execute(delete(shop_models).where(shop_models.c.shop_id == shop_id))
        self._c.execute(insert(shop_models).values(shop_id=shop_id, trained_at=trained_at, n_rows=n_rows, body=body))

    def put_history(self, shop_id: str, trained_at: datetime, history_as_of: datetime, body: str) -> bool:
        """Replace a model's body with its history re-read; False if it was retrained meanwhile."""
        result = self._c.execute(
            update(shop_models)
            .where(shop_models.c.shop_id == shop_id, shop_models.c.trained_at == trained_at)
            .values(body=body, history_as_of=history_as_of)
        )
        return result.rowcount == 1

    def model_info(self, shop_id: str) -> ModelInfo | None:
        row = self._c.execute(select(*_INFO).where(shop_models.c.shop_id == shop_id)).first()
        return ModelInfo(*row) if row else None

    def models(self) -> list[ModelInfo]:
        """Every shop's current model, oldest history first."""
        rows = self._c.execute(select(*_INFO).order_by(
            func.coalesce(shop_models.c.history_as_of, shop_models.c.trained_at), shop_models.c.shop_id))
        return [ModelInfo(*row) for row in rows]

    def model_body(self, shop_id: str) -> str | None:
        return self._c.execute(select(shop_models.c.body).where(shop_models.c.shop_id == shop_id)).scalar()
