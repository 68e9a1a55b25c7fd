"""Correcting a registered package and stopping its tracking.

A correction changes only what the seller registered (destination, order reference, carrier, the buyer
to notify: ``services.recipients``, in the same transaction); the package's state stays the fold of its
events. A carrier correction runs registration's checks again
(``registration.check_number``: ``carrier: None`` detects the carrier from the number once more),
replaces registration's warnings, and restarts the carrier checks. Stopping tracking keeps the package
and every event (evidence outlives tracking) and stops polling and push intake; registering the number
again resumes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from parceltrail.core import Address, Package
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import Conflict, FieldError, NotFound
from parceltrail.services.estimates import revise_estimates
from parceltrail.services.packages import PackageDetail, fresh_checks, get_package, normalize_carrier
from parceltrail.services.recipients import RecipientInput, attach_to_package
from parceltrail.services.registration import CHECK_CODES, check_number
from parceltrail.store import UnitOfWork

CORRECTABLE = ("carrier", "order_ref", "destination", "recipient")


def _mine(uow: UnitOfWork, shop_id: str, package_id: str) -> Package:
    package = uow.packages.get(shop_id, package_id)
    if package is None:
        raise NotFound("package", package_id)
    return package


def update_package(uow: UnitOfWork, shop_id: str, package_id: str, changes: Mapping[str, Any],
                   force: bool = False) -> PackageDetail:
    """Apply ``changes`` (keys among ``CORRECTABLE``; a None value clears, or for carrier re-detects) in one
    transaction, then re-estimate when where or with whom the parcel travels changed."""
    now = utcnow(shop_id)
    values: dict[str, Any] = {}
    with uow:
        package = _mine(uow, shop_id, package_id)
        destination: Address | None = changes.get("destination", package.destination)
        if "order_ref" in changes:
            values["order_ref"] = changes["order_ref"]
        if "destination" in changes:
            values["dest_postal_code"] = destination.postal_code if destination else None
            values["dest_country"] = destination.country if destination else None
        if "carrier" in changes:
            checked = check_number(package.tracking_number, normalize_carrier(changes["carrier"]), destination)
            checked.require(force)
            if checked.carrier != package.carrier:
                other = uow.packages.find(shop_id, package.tracking_number, checked.carrier)
                if other is not None:
                    raise Conflict(
                        f"{package.tracking_number} is already followed with carrier {checked.carrier} as "
                        f"{other.id}; stop one of the two (DELETE) or correct that one",
                        [FieldError("carrier", f"package {other.id} already has this number and carrier")],
                        {"package_id": other.id})
                values["carrier"] = checked.carrier
                if package.stopped_at is None:
                    values.update(fresh_checks(checked.carrier, now))
            uow.warnings.clear(package.id, CHECK_CODES)
            uow.warnings.put(package.id, checked.warnings, now)
        if "recipient" in changes:
            _correct_recipient(uow, shop_id, package.id, changes["recipient"])
        if values:
            uow.packages.update(package.id, **values, updated_at=now)
        uow.commit()
    if "destination" in changes or "carrier" in values:
        revise_estimates(uow, [package_id], now)
    return get_package(uow, shop_id, package_id)


def _correct_recipient(uow: UnitOfWork, shop_id: str, package_id: str, given: RecipientInput | None) -> None:
    """Inside the correction's transaction: lay ``given`` over the package's buyer (checked like a PUT of
    it, errors named under ``recipient.``), or remove the buyer when ``given`` is None."""
    if given is not None:
        attach_to_package(uow, shop_id, package_id, given, prefix="recipient")
        return
    current = uow.recipients.for_package(package_id)
    if current is not None:
        uow.recipients.remove(shop_id, current.id)


def stop_tracking(uow: UnitOfWork, shop_id: str, package_id: str) -> None:
    """Stop polling and taking pushes for a package; it stays readable, with every event, for evidence."""
    now = utcnow(shop_id)
    with uow:
        package = _mine(uow, shop_id, package_id)
        if package.stopped_at is None:
            uow.packages.update(package.id, stopped_at=now, next_check_at=None, claimed_until=None,
                                claim_token=None, updated_at=now)
        uow.commit()
