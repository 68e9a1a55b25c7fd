"""Claiming work rows for one worker among many: the shared shape of every claim in the store.

One ``UPDATE ... WHERE id IN (due ids) RETURNING``: on PostgreSQL the inner select takes ``FOR UPDATE
SKIP LOCKED`` so concurrent workers claim disjoint rows; on SQLite the statement runs under the one
writer lock. The values set usually carry a lease (``claimed_until``) and a token.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Table, select, update


def claim_rows(connection: Connection, table: Table, where: ColumnElement[bool], order_by: Any, limit: int,
               values: dict[str, Any], returning: Sequence[Any]) -> Sequence[Row]:
    due = select(table.c.id).where(where).order_by(order_by).limit(limit)
    if connection.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = update(table).where(table.c.id.in_(due.scalar_subquery())).values(**values).returning(*returning)
    return connection.execute(statement).all()
