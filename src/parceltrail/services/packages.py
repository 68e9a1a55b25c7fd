"""Use cases for packages: register, read one with its timeline, list a filtered page."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime

from parceltrail.core import Address, Package, PackageState, Status, TrackingEvent
from parceltrail.numbers import Hint, detect, hints_for
from parceltrail.services.adapters import can_poll
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.estimates import revise_estimates
from parceltrail.services.events import DETAIL_EVENTS, read_page
from parceltrail.services.outbox import record_created
from parceltrail.services.recipients import RecipientInput, attach_to_package
from parceltrail.store import PackageFilter, UnitOfWork
from parceltrail.store.dialects import retrying
from parceltrail.store.estimates import StoredEstimate
from parceltrail.store.ids import new_id

_SEPARATORS = re.compile(r"[\s\-_.]+")
_NUMBER = re.compile(r"[A-Z0-9]{4,64}")
_CARRIER = re.compile(r"[a-z0-9][a-z0-9_\-]{1,31}")


def normalize_tracking_number(raw: str) -> str:
    """Upper case without spaces, dashes, dots or underscores: how carriers print and match numbers."""
    number = _SEPARATORS.sub("", raw).upper()
    if not _NUMBER.fullmatch(number):
        raise InvalidInput(
            "tracking number is not valid",
            [FieldError("tracking_number", "expected 4 to 64 letters and digits (spaces and dashes are ignored)")],
        )
    return number


def normalize_carrier(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    carrier = raw.strip().lower()
    if not _CARRIER.fullmatch(carrier):
        raise InvalidInput(
            "carrier is not valid",
            [FieldError("carrier", "expected a lower-case carrier code such as ups, fedex, usps, dhl")],
        )
    return carrier


def detected_carrier(number: str, destination: Address | None) -> str | None:
    """The carrier a number belongs to when the format says so unambiguously, else None (ask the seller)."""
    found = detect(number, country=destination.country if destination else None)
    return found.carrier if found.valid and not found.ambiguous else None


@dataclass(frozen=True, slots=True)
class Registration:
    package: Package
    created: bool
    estimate: StoredEstimate | None = None
    hints: tuple[Hint, ...] = ()
    """What the number looks like instead (a TikTok Shop order id): told, not refused."""


def register_package(
    uow: UnitOfWork,
    shop_id: str,
    tracking_number: str,
    carrier: str | None = None,
    order_ref: str | None = None,
    destination: Address | None = None,
    origin: Address | None = None,
    service: str | None = None,
    recipient: RecipientInput | None = None,
) -> Registration:
    """Start following a number; registering the same number + carrier again returns the first package.

    A package whose carrier we can poll is due for its first check at once. ``recipient`` (the buyer to
    notify) is stored in the same transaction, on a new or an existing package; a bad one refuses both.
    """
    number = normalize_tracking_number(tracking_number)
    carrier_code = normalize_carrier(carrier) or detected_carrier(number, destination)
    now = utcnow()
    with uow.read():
        existing = uow.packages.find(shop_id, number, carrier_code)
    if existing is not None:
        _attach(uow, shop_id, existing.id, recipient)
        return Registration(existing, False, current_estimate(uow, existing.id), hints_for(number))
    package = Package(
        id=new_id("pkg"),
        shop_id=shop_id,
        tracking_number=number,
        carrier=carrier_code,
        created_at=now,
        updated_at=now,
        order_ref=order_ref,
        destination=destination,
        state=PackageState(),
        origin=origin,
        service=service,
    )

    def add() -> Package | None:
        with uow:
            if not uow.packages.add(package, next_check_at=now if can_poll(carrier_code) else None):
                return uow.packages.find(shop_id, number, carrier_code)  # registered at the same moment
            record_created(uow, [package], now)
            if recipient is not None:
                attach_to_package(uow, shop_id, package.id, recipient, prefix="recipient")
            uow.commit()
        return None

    first = retrying(add)
    if first is not None:
        _attach(uow, shop_id, first.id, recipient)
        return Registration(first, False, current_estimate(uow, first.id), hints_for(number))
    revise_estimates(uow, [package.id], now)
    return Registration(package, True, current_estimate(uow, package.id), hints_for(number))


def _attach(uow: UnitOfWork, shop_id: str, package_id: str, recipient: RecipientInput | None) -> None:
    """Set the buyer of a package that was already registered (the same request sent again, with a buyer)."""
    if recipient is None:
        return
    with uow:
        attach_to_package(uow, shop_id, package_id, recipient, prefix="recipient")
        uow.commit()


def current_estimate(uow: UnitOfWork, package_id: str) -> StoredEstimate | None:
    """The package's newest delivery estimate: what a client shows right after registering or posting scans."""
    with uow.read():
        return uow.estimates.current([package_id]).get(package_id)


@dataclass(frozen=True, slots=True)
class PackageDetail:
    package: Package
    events: list[TrackingEvent]
    """The newest ``DETAIL_EVENTS`` events (all of a normal parcel's), oldest first."""
    estimates: list[StoredEstimate]
    """Every revision, oldest first; the last is the current estimate."""
    older_events: str | None = None
    """Cursor to the events older than ``events`` (``services.events``), None when there are none."""

    @property
    def estimate(self) -> StoredEstimate | None:
        return self.estimates[-1] if self.estimates else None


def get_package(uow: UnitOfWork, shop_id: str, package_id: str, events: int = DETAIL_EVENTS) -> PackageDetail:
    with uow.read():
        package = uow.packages.get(shop_id, package_id)
        if package is None:
            raise NotFound("package", package_id)
        newest = read_page(uow, package_id, None, events)
        return PackageDetail(package, newest.items[::-1], uow.estimates.history(package_id), newest.next_cursor)


@dataclass(frozen=True, slots=True)
class PackagePage:
    items: list[Package]
    next_cursor: str | None
    estimates: dict[str, StoredEstimate]


def _encode_cursor(package_id: str) -> str:
    return base64.urlsafe_b64encode(package_id.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> str:
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        value = ""
    if not value.startswith("pkg_"):
        raise InvalidInput("cursor is not valid", [FieldError("cursor", "pass the next_cursor of a previous page")])
    return value


def list_packages(
    uow: UnitOfWork,
    shop_id: str | None,
    status: Status | None = None,
    carrier: str | None = None,
    updated_since: datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> PackagePage:
    """A page in registration order; ``next_cursor`` is None on the last page.

    ``shop_id=None`` lists every shop's packages: for operators at the command line, never for the API.
    """
    where = PackageFilter(
        status=status,
        carrier=normalize_carrier(carrier),
        updated_since=updated_since,
        after_id=_decode_cursor(cursor) if cursor else None,
    )
    with uow.read():
        rows = uow.packages.page(shop_id, where, limit + 1)
        more = len(rows) > limit
        items = rows[:limit]
        estimates = uow.estimates.current([p.id for p in items])
    return PackagePage(items, _encode_cursor(items[-1].id) if more and items else None, estimates)


__all__ = [
    "PackageDetail", "PackagePage", "Registration", "get_package", "list_packages",
    "normalize_carrier", "normalize_tracking_number", "register_package", "utcnow",
]
