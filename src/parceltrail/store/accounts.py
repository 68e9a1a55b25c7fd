"""Queries for shops' carrier accounts. Credentials arrive here already encrypted (or as an env reference)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, select

from parceltrail.store.dialects import upsert_insert
from parceltrail.store.tables import carrier_accounts


@dataclass(frozen=True, slots=True)
class CarrierAccount:
    id: str
    shop_id: str
    carrier: str
    ciphertext: str | None
    env_ref: str | None
    created_at: datetime
    updated_at: datetime


_GET = select(carrier_accounts).where(carrier_accounts.c.shop_id == bindparam("shop"),
                                      carrier_accounts.c.carrier == bindparam("carrier"))
"""Read for every package answer (is the shop's carrier followable?): built once."""


class AccountRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def get(self, shop_id: str, carrier: str) -> CarrierAccount | None:
        row = self._c.execute(_GET, {"shop": shop_id, "carrier": carrier}).first()
        return CarrierAccount(**row._mapping) if row else None

    def list(self, shop_id: str) -> list[CarrierAccount]:
        rows = self._c.execute(select(carrier_accounts).where(carrier_accounts.c.shop_id == shop_id)
                               .order_by(carrier_accounts.c.carrier)).all()
        return [CarrierAccount(**r._mapping) for r in rows]

    def put(self, account: CarrierAccount) -> None:
        """Insert the shop's account for the carrier, or replace the one it has (one statement, so two
        connections saving at once cannot both insert)."""
        values = {"ciphertext": account.ciphertext, "env_ref": account.env_ref, "updated_at": account.updated_at}
        statement = upsert_insert(self._c, carrier_accounts).values(
            id=account.id, shop_id=account.shop_id, carrier=account.carrier, created_at=account.created_at, **values)
        self._c.execute(statement.on_conflict_do_update(index_elements=["shop_id", "carrier"], set_=values))

    def remove(self, shop_id: str, carrier: str) -> bool:
        return bool(self._c.execute(delete(carrier_accounts).where(
            carrier_accounts.c.shop_id == shop_id, carrier_accounts.c.carrier == carrier)).rowcount)
