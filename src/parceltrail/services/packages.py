"""Use cases for packages: register a number, read one with its timeline and warnings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from parceltrail.core import (
    Address,
    CarrierChecks,
    Package,
    PackageState,
    PackageWarning,
    TrackingEvent,
)
from parceltrail.numbers import Hint, hints_for
from parceltrail.services.adapters import can_poll
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import Conflict, FieldError, InvalidInput, NotFound
from parceltrail.services.estimates import revise_estimates
from parceltrail.services.events import DETAIL_EVENTS, read_page
from parceltrail.services.outbox import record_created
from parceltrail.services.recipients import RecipientInput, attach_to_package
from parceltrail.services.registration import check_number
from parceltrail.store import UnitOfWork
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


@dataclass(frozen=True, slots=True)
class Registration:
    package: Package
    created: bool
    estimate: StoredEstimate | None = None
    warnings: list[PackageWarning] = field(default_factory=list)
    resumed: bool = False
    """The number was registered before and its tracking stopped: it is followed again."""
    hints: tuple[Hint, ...] = ()
    """What the number looks like instead (a TikTok Shop order id): told, not refused."""


def fresh_checks(carrier: str | None, now: datetime) -> dict[str, object]:
    """Column values that start a package's carrier checks over: due now when its carrier can be polled."""
    return {"next_check_at": now if can_poll(carrier) else None, "check_failures": 0, "last_check_error": None,
            "claimed_until": None, "claim_token": None, "last_checked_at": None}


def _differences(existing: Package, order_ref: str | None, destination: Address | None) -> list[FieldError]:
    """Fields a repeated registration sends with other values than the stored package has."""
    found = []
    if order_ref is not None and order_ref != existing.order_ref:
        found.append(FieldError("order_ref", f"stored {existing.order_ref!r}, sent {order_ref!r}"))
    if destination is not None and destination != existing.destination:
        stored = existing.destination or Address()
        for name in ("postal_code", "country"):
            sent = getattr(destination, name)
            if sent is not None and sent != getattr(stored, name):
                found.append(FieldError(f"destination.{name}", f"stored {getattr(stored, name)!r}, sent {sent!r}"))
    return found


def _existing(uow: UnitOfWork, existing: Package, order_ref: str | None, destination: Address | None,
              recipient: RecipientInput | None, now: datetime) -> Registration:
    """A repeated registration: the same package back, resumed if it was stopped, with the buyer sent (if
    any) set; or a conflict when it sends another order reference or destination (changing them is PATCH's
    job, so a retry can never change a package by accident)."""
    differences = _differences(existing, order_ref, destination)
    if differences:
        raise Conflict(f"{existing.tracking_number} is already registered as {existing.id} with other details; "
                       f"PATCH /v1/packages/{existing.id} to change them", differences, {"package_id": existing.id})
    resumed = existing.stopped_at is not None
    if resumed or recipient is not None:
        with uow:
            if resumed:
                uow.packages.update(existing.id, stopped_at=None, **fresh_checks(existing.carrier, now),
                                    updated_at=now)
            if recipient is not None:
                attach_to_package(uow, existing.shop_id, existing.id, recipient, prefix="recipient")
            uow.commit()
    with uow.read():
        existing = uow.packages.get(existing.shop_id, existing.id) or existing
        return Registration(existing, False, uow.estimates.current([existing.id]).get(existing.id),
                            uow.warnings.for_packages([existing.id])[existing.id], resumed)


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
    *,
    force: bool = False,
) -> Registration:
    """Start following a number; registering the same number + carrier again returns the first package
    (resumed if its tracking was stopped), or ``Conflict`` when it sends another order reference or destination.

    The carrier must be one parceltrail knows, and the number must be that carrier's (check digit and
    format) unless ``force``: then the package carries a warning saying what is wrong (``registration``).
    A package whose carrier we can poll is due for its first check at once. ``recipient`` (the buyer to
    notify) is stored in the same transaction, on a new or an existing package; a bad one refuses both.
    """
    number = normalize_tracking_number(tracking_number)
    checked = check_number(number, normalize_carrier(carrier), destination)
    carrier_code = checked.carrier
    now = utcnow(shop_id)
    with uow.read():
        existing = uow.packages.find(shop_id, number, carrier_code)
    if existing is not None:
        return replace(_existing(uow, existing, order_ref, destination, recipient, now), hints=hints_for(number))
    checked.require(force)
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
    next_check_at = now if can_poll(carrier_code) else None

    def add() -> Package | None:
        with uow:
            if not uow.packages.add(package, next_check_at=next_check_at):
                return uow.packages.find(shop_id, number, carrier_code)  # registered at the same moment
            uow.warnings.put(package.id, checked.warnings, now)
            record_created(uow, [package], now)
            if recipient is not None:
                attach_to_package(uow, shop_id, package.id, recipient, prefix="recipient")
            uow.commit()
        return None

    first = retrying(add)
    if first is not None:
        return replace(_existing(uow, first, order_ref, destination, recipient, now), hints=hints_for(number))
    revise_estimates(uow, [package.id], now)
    package = replace(package, checks=CarrierChecks(next_check_at=next_check_at))
    return Registration(package, True, current_estimate(uow, package.id), checked.warnings,
                        hints=hints_for(number))


def derived_warnings(package: Package) -> list[PackageWarning]:
    """Warnings that follow from the package's state rather than being stored: scans held back as dated
    in the future (``core.fold``)."""
    future = package.state.future_from
    if future is None:
        return []
    return [PackageWarning(
        "future_events",
        f"Scans dated more than a day ahead of now (the first at {future:%Y-%m-%d %H:%M} UTC) are kept but do not "
        "count toward the status or the delivery date until then; a wrong year or time zone where they were "
        "stamped is the usual cause.")]


def package_warnings(uow: UnitOfWork, package_id: str) -> list[PackageWarning]:
    with uow.read():
        return uow.warnings.for_packages([package_id])[package_id]


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
    warnings: list[PackageWarning] = field(default_factory=list)
    older_events: str | None = None
    """Cursor to the events older than ``events`` (``services.events``), None when there are none."""

    @property
    def estimate(self) -> StoredEstimate | None:
        return self.estimates[-1] if self.estimates else None


def get_package(uow: UnitOfWork, shop_id: str | None, package_id: str, events: int = DETAIL_EVENTS) -> PackageDetail:
    """One package with its newest ``events`` events; ``shop_id=None`` finds it in any shop (operators at the
    command line)."""
    with uow.read():
        if shop_id is None:
            package = uow.packages.get_any([package_id]).get(package_id)
        else:
            package = uow.packages.get(shop_id, package_id)
        if package is None:
            raise NotFound("package", package_id)
        newest = read_page(uow, package_id, None, events)
        return PackageDetail(package, newest.items[::-1], uow.estimates.history(package_id),
                             uow.warnings.for_packages([package_id])[package_id], newest.next_cursor)


__all__ = [
    "PackageDetail", "Registration", "get_package", "normalize_carrier", "normalize_tracking_number",
    "register_package", "utcnow",
]
