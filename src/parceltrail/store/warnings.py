"""Warnings stored on packages: what a check found that the seller should know, kept until it no longer holds.

One row per (package, code): a check that finds the same thing again replaces the message rather than
piling up copies, and a check that no longer finds it clears its code. Any check may add a code
(registration's number checks, trust checks on orders, ...); readers show them all the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    select,
)

from parceltrail.core import PackageWarning
from parceltrail.store.dialects import upsert_insert
from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

package_warnings = Table(
    "package_warnings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(48), nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("package_id", "code"),
)

_CHUNK = 500
_OF_PACKAGES = (select(package_warnings.c.package_id, package_warnings.c.code, package_warnings.c.message)
                .where(package_warnings.c.package_id.in_(bindparam("ids", expanding=True)))
                .order_by(package_warnings.c.package_id, package_warnings.c.id))
"""Read with every package answer: built once (bench/load.py)."""


class WarningRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put(self, package_id: str, warnings: Iterable[PackageWarning], at: datetime) -> None:
        """Add each warning, replacing the message of one already stored under the same code."""
        rows = [{"package_id": package_id, "code": w.code, "message": w.message, "created_at": at} for w in warnings]
        if not rows:
            return
        insert = upsert_insert(self._c, package_warnings)
        statement = insert.on_conflict_do_update(index_elements=["package_id", "code"],
                                                 set_={"message": insert.excluded.message})
        self._c.execute(statement, rows)

    def clear(self, package_id: str, codes: Iterable[str]) -> None:
        self._c.execute(delete(package_warnings).where(package_warnings.c.package_id == package_id,
                                                       package_warnings.c.code.in_(list(codes))))

    def for_packages(self, package_ids: Sequence[str]) -> dict[str, list[PackageWarning]]:
        """Each package's warnings, oldest first, in one query per chunk of ids."""
        out: dict[str, list[PackageWarning]] = {pid: [] for pid in package_ids}
        ids = list(out)
        for start in range(0, len(ids), _CHUNK):
            rows = self._c.execute(_OF_PACKAGES, {"ids": ids[start:start + _CHUNK]}).all()
            for r in rows:
                out[r.package_id].append(PackageWarning(r.code, r.message))
        return out
