"""How a shop looks on its buyers' tracking pages: display name, brand colour and logo.

The logo is kept in the database (a few hundred KB at most, checked by the service) so every API
process serves the same one without shared disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Connection, ForeignKey, LargeBinary, String, Table, delete, insert, select

from parceltrail.store.tables import metadata
from parceltrail.store.types import UTCDateTime

shop_branding = Table(
    "shop_branding",
    metadata,
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("display_name", String(80), nullable=True),
    Column("colour", String(7), nullable=True),
    Column("logo", LargeBinary, nullable=True),
    Column("logo_type", String(32), nullable=True),
    Column("support_email", String(254), nullable=True),
    Column("updated_at", UTCDateTime(), nullable=False),
)


@dataclass(frozen=True, slots=True)
class Branding:
    shop_id: str
    display_name: str | None = None
    colour: str | None = None
    """``#rrggbb``"""
    logo_type: str | None = None
    """The logo's media type, or None without a logo."""
    support_email: str | None = None
    updated_at: datetime | None = None


class BrandingRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def get(self, shop_id: str) -> Branding | None:
        row = self._c.execute(
            select(shop_branding.c.shop_id, shop_branding.c.display_name, shop_branding.c.colour,
                   shop_branding.c.logo_type, shop_branding.c.support_email, shop_branding.c.updated_at)
            .where(shop_branding.c.shop_id == shop_id)
        ).first()
        return Branding(*row) if row else None

    def logo(self, shop_id: str) -> tuple[bytes, str] | None:
        row = self._c.execute(
            select(shop_branding.c.logo, shop_branding.c.logo_type).where(shop_branding.c.shop_id == shop_id)
        ).first()
        return (row.logo, row.logo_type) if row and row.logo else None

    def put(self, branding: Branding, logo: bytes | None, keep_logo: bool) -> None:
        """Replace the shop's branding; with ``keep_logo`` the stored logo stays as it is."""
        kept = self.logo(branding.shop_id) if keep_logo else None
        if kept is not None:
            logo, logo_type = kept
        else:
            logo_type = branding.logo_type if logo else None
        self._c.execute(delete(shop_branding).where(shop_branding.c.shop_id == branding.shop_id))
        self._c.execute(insert(shop_branding).values(
            shop_id=branding.shop_id, display_name=branding.display_name, colour=branding.colour,
            logo=logo, logo_type=logo_type, support_email=branding.support_email, updated_at=branding.updated_at,
        ))
