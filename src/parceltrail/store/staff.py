"""Seller staff accounts (who may use the dashboard of which shop) and their notes on packages.

Passwords are argon2id hashes (``services.staff``); ``sessions_since`` ends every session issued before
it (sign out everywhere, a changed password), since sessions themselves live only in signed cookies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)

from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

ROLES = ("owner", "staff")

staff = Table(
    "staff",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sessions_since", UTCDateTime(), nullable=False),
    Column("last_login_at", UTCDateTime(), nullable=True),
    Index(None, "shop_id"),
)

package_notes = Table(
    "package_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=False),
    Column("staff_id", String(32), ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Index(None, "package_id", "id"),
)


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    shop_id: str
    email: str
    role: str
    created_at: datetime
    sessions_since: datetime
    last_login_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    package_id: str
    author: str | None
    body: str
    created_at: datetime


def _staff(row) -> Staff:
    return Staff(row.id, row.shop_id, row.email, row.role, row.created_at, row.sessions_since, row.last_login_at)


class StaffRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, member: Staff, password_hash: str) -> None:
        self._c.execute(insert(staff).values(
            id=member.id, shop_id=member.shop_id, email=member.email, password_hash=password_hash, role=member.role,
            created_at=member.created_at, sessions_since=member.sessions_since,
        ))

    def by_email(self, email: str) -> tuple[Staff, str] | None:
        row = self._c.execute(select(staff).where(staff.c.email == email)).first()
        return (_staff(row), row.password_hash) if row else None

    def get(self, staff_id: str) -> Staff | None:
        row = self._c.execute(select(staff).where(staff.c.id == staff_id)).first()
        return _staff(row) if row else None

    def of_shop(self, shop_id: str) -> list[Staff]:
        rows = self._c.execute(select(staff).where(staff.c.shop_id == shop_id).order_by(staff.c.email)).all()
        return [_staff(r) for r in rows]

    def count_for_shop(self, shop_id: str) -> int:
        return self._c.execute(select(func.count()).select_from(staff).where(staff.c.shop_id == shop_id)).scalar_one()

    def set_password_hash(self, staff_id: str, password_hash: str) -> None:
        self._c.execute(update(staff).where(staff.c.id == staff_id).values(password_hash=password_hash))

    def logged_in(self, staff_id: str, at: datetime, new_hash: str | None) -> None:
        values = {"last_login_at": at} | ({"password_hash": new_hash} if new_hash else {})
        self._c.execute(update(staff).where(staff.c.id == staff_id).values(**values))

    def end_sessions(self, staff_id: str, at: datetime) -> None:
        self._c.execute(update(staff).where(staff.c.id == staff_id).values(sessions_since=at))

    def add_note(self, package_id: str, staff_id: str, body: str, at: datetime) -> None:
        self._c.execute(insert(package_notes).values(package_id=package_id, staff_id=staff_id, body=body, created_at=at))

    def notes(self, package_id: str) -> list[Note]:
        rows = self._c.execute(
            select(package_notes, staff.c.email).outerjoin(staff, staff.c.id == package_notes.c.staff_id)
            .where(package_notes.c.package_id == package_id).order_by(package_notes.c.id.desc())
        ).all()
        return [Note(r.id, r.package_id, r.email, r.body, r.created_at) for r in rows]
