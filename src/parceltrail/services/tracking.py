"""How each package is followed, and how following a carrier is going for a shop.

A package is followed automatically when parceltrail can poll its carrier (``services.adapters.can_poll``)
or when the carrier pushes to this server; otherwise it waits for scans posted to the API. Saying so at
registration, and showing each package's last check and last error, is what keeps a package from going
silently dead (issue 17 item 8). ``tracking_source`` follows ``can_poll``, so a carrier that becomes
pollable is reported as polled without any change here. A polled carrier for which the shop has no account
(neither its own nor the server's; for ``tiktok``, no TikTok Shop connection) is not followed until it has
one, and says so (``missing_accounts``): its checks could only fail.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from parceltrail.core import Package
from parceltrail.services.accounts import shop_credentials
from parceltrail.services.adapters import MissingCredentials, can_poll
from parceltrail.services.registration import carrier_name
from parceltrail.services.tiktok import TikTokNotSetUp, tiktok_app
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork
from parceltrail.store.polling import CarrierCheckSummary


@dataclass(frozen=True, slots=True)
class TrackingSource:
    source: str
    """``polling`` (parceltrail asks the carrier), ``push`` (the carrier pushes to /v1/hooks), ``events``
    (nothing follows it: it waits for scans posted to /v1/packages/{id}/events) or ``stopped``."""
    automatic: bool
    reason: str


def tracking_source(carrier: str | None, push_carriers: Collection[str] = ()) -> TrackingSource:
    if carrier and can_poll(carrier):
        pushed = " and takes its pushes" if carrier in push_carriers else ""
        return TrackingSource("polling", True, f"parceltrail asks {carrier_name(carrier)} for new scans{pushed}")
    if carrier and carrier in push_carriers:
        return TrackingSource("push", True, f"{carrier_name(carrier)} pushes scans to /v1/hooks/{carrier}")
    if not carrier:
        return TrackingSource("events", False, "the carrier is unknown, so nothing asks for scans: set the carrier "
                              "(PATCH /v1/packages/{id}) or post scans to /v1/packages/{id}/events")
    return TrackingSource("events", False, f"parceltrail cannot ask {carrier_name(carrier)} for scans (no tracking "
                          "adapter) and it does not push here: post scans to /v1/packages/{id}/events")


def package_source(package: Package, push_carriers: Collection[str] = (),
                   missing: Mapping[str, str] | None = None) -> TrackingSource:
    """How this package is followed, with its own id in the instructions; a stopped package is not.
    ``missing`` (from ``missing_accounts``) says which polled carriers have no account, and why."""
    if package.stopped_at is not None:
        return TrackingSource("stopped", False, f"tracking was stopped at {package.stopped_at:%Y-%m-%d %H:%M} UTC; "
                              "register the number again (POST /v1/packages) to follow it again")
    found = tracking_source(package.carrier, push_carriers)
    why = (missing or {}).get(package.carrier or "")
    if found.source == "polling" and why:
        pushed = package.carrier in push_carriers
        return TrackingSource("polling", pushed, f"parceltrail asks {carrier_name(package.carrier or '')} for new "
                              f"scans once it has an account to ask with ({why}); until then its checks fail"
                              + (" and only its pushes arrive" if pushed else ""))
    return TrackingSource(found.source, found.automatic, found.reason.replace("{id}", package.id))


def missing_accounts(uow: UnitOfWork, settings: Settings, shop_id: str,
                     carriers: Iterable[str | None]) -> dict[str, str]:
    """For each polled carrier among ``carriers`` that this shop cannot be polled with, why (the message names
    what to set). Read from what is stored and configured, never by calling the carrier or TikTok."""
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    out: dict[str, str] = {}
    for carrier in sorted({c for c in carriers if c and can_poll(c)}):
        try:
            if carrier == "tiktok":
                tiktok_app(settings)
                with uow.read():
                    connected = uow.tiktok.get(shop_id) is not None
                if not connected:
                    raise MissingCredentials("the shop is not connected to TikTok Shop (`parceltrail tiktok connect`)")
            else:
                try:
                    shop_credentials(uow, shop_id, carrier, key)
                except MissingCredentials as error:
                    raise MissingCredentials(f"{error}, or PUT the shop's own account to /v1/carrier-accounts/{carrier}")
        except (MissingCredentials, TikTokNotSetUp) as error:
            out[carrier] = str(error)
    return out


@dataclass(frozen=True, slots=True)
class CarrierHealth:
    carrier: str | None
    state: str
    """``ok``; ``failing`` (the newest check failed and packages are failing), ``degraded`` (some packages
    fail while others succeed more recently), ``not_followed`` (the carrier is not polled), ``idle``."""
    source: str
    checks: CarrierCheckSummary


def _state(source: str, scheduled: int, failing: int, success: datetime | None, failure: datetime | None) -> str:
    if source != "polling":
        return "not_followed" if source == "events" else "ok"
    if failing and (success is None or (failure is not None and failure >= success)):
        return "failing"
    if failing:
        return "degraded"
    return "ok" if success is not None or scheduled else "idle"


def carrier_health(uow: UnitOfWork, shop_id: str, push_carriers: Collection[str] = ()) -> list[CarrierHealth]:
    """Per carrier of this shop's packages: how many, how many fail now, since when, and the commonest errors."""
    with uow.read():
        summaries = uow.polling.carrier_summaries(shop_id)
    out = []
    for s in summaries:
        carrier = s.carrier or None
        source = tracking_source(carrier, push_carriers).source
        state = _state(source, s.scheduled, s.failing, s.last_success_at, s.last_failure_at)
        out.append(CarrierHealth(carrier, state, source, s))
    return out
