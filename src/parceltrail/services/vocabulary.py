"""Reading the carrier codes no mapping table knew, as counted on ingest (issue 26): what to add next."""

from __future__ import annotations

from parceltrail.store import UnitOfWork
from parceltrail.store.unknown_codes import UnknownCode


def unknown_codes(uow: UnitOfWork, shop_id: str | None = None, carrier: str | None = None) -> list[UnknownCode]:
    """Most seen first; one shop's (its API key) or every shop's summed (the operator's CLI)."""
    with uow.read():
        return uow.unknown_codes.listing(shop_id, carrier.strip().lower() if carrier else None)


def per_carrier(found: list[UnknownCode]) -> dict[str, int]:
    """Scans with an unknown code per carrier: the figure to watch (it should fall as tables grow)."""
    totals: dict[str, int] = {}
    for u in found:
        totals[u.carrier] = totals.get(u.carrier, 0) + u.count
    return dict(sorted(totals.items()))
