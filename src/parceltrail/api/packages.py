"""Routes under /v1/packages: register, read, find and list, correct, stop tracking, post events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response

from parceltrail import services
from parceltrail.api.deps import AppSettings, PageLimit, ShopId, Uow
from parceltrail.api.responses import as_json
from parceltrail.api.schemas import (
    CARRIER_CODE,
    NO_CONTROL,
    EstimateOut,
    EventOut,
    EventsBody,
    HintOut,
    IngestOut,
    OpenFlagOut,
    PackageBody,
    PackageDetailOut,
    PackageOut,
    PackagePageOut,
    PackagePatch,
    PathId,
    RegisteredOut,
    UtcTime,
)
from parceltrail.core import Package, Status
from parceltrail.services.corrections import stop_tracking, update_package
from parceltrail.services.exception_list import package_flags
from parceltrail.services.orders_read import order_ids_of_package
from parceltrail.services.tracking import missing_accounts
from parceltrail.settings import Settings
from parceltrail.store.packages import SORTS

Sort = Literal[SORTS]  # type: ignore[valid-type]

router = APIRouter(prefix="/v1/packages", tags=["packages"])


def _following(uow: Uow, settings: Settings, shop_id: str, packages: Sequence[Package]) -> dict:
    """What ``PackageOut.view`` needs to say how packages are followed: the carriers that push here, and the
    polled carriers this shop has no account for (read once per response, per carrier)."""
    return {"push_carriers": frozenset(settings.hook_secrets),
            "missing": missing_accounts(uow, settings, shop_id, [p.carrier for p in packages])}


def _detail(uow: Uow, detail: services.PackageDetail, settings: Settings) -> Response:
    package = detail.package
    with uow.read():  # the reads below share one transaction
        following = _following(uow, settings, package.shop_id, [package])
        flags, withheld = package_flags(uow, package.id)
        order_ids = order_ids_of_package(uow, package.id)
    future_from = package.state.future_from
    return as_json({  # PackageDetailOut
        **PackageOut.view(package, None if withheld else detail.estimate, detail.warnings, **following),
        "events": [EventOut.view(e, future_from) for e in detail.events],
        "events_next_cursor": detail.older_events,
        "estimate_history": [EstimateOut.view(e) for e in detail.estimates],
        "flags": [OpenFlagOut.view(f) for f in flags],
        "estimate_withheld": withheld,
        "order_ids": order_ids,
    })


@router.post("", status_code=201, response_model=RegisteredOut,
             responses={200: {"model": RegisteredOut, "description": "Already registered (tracking resumed if it "
                                                                  "was stopped): the existing package"},
                        409: {"description": "Already registered with another order_ref or destination; `errors` "
                                             "names them and `package_id` the package to PATCH"}})
def register_package(body: PackageBody, shop_id: ShopId, uow: Uow, response: Response,
                     settings: AppSettings) -> RegisteredOut:
    """Start tracking a number. The carrier must be known and the number must be that carrier's (check digit,
    format) unless ``force``; ``tracking`` says whether parceltrail follows it automatically. The same number +
    carrier again returns the existing package with 200 (and resumes its tracking if it was stopped); sent
    with another order_ref or destination it is a 409 naming them: corrections are PATCH's job. ``hints`` say
    what the number looks like instead (a TikTok Shop order id), without refusing it."""
    registration = services.register_package(
        uow, shop_id, body.tracking_number, body.carrier, body.order_ref, body.destination_address(),
        force=body.force, recipient=body.recipient.to_input() if body.recipient else None,
    )
    if not registration.created:
        response.status_code = 200
    out = PackageOut.view(registration.package, registration.estimate, registration.warnings,
                          **_following(uow, settings, shop_id, [registration.package]))
    return RegisteredOut(**out, hints=[HintOut(**h.to_dict()) for h in registration.hints])


@router.get("/{package_id}", response_model=PackageDetailOut)
def get_package(package_id: PathId, shop_id: ShopId, uow: Uow, settings: AppSettings) -> Response:
    """A package with its newest 100 events, oldest first (``events_next_cursor`` pages older ones), its open
    flags, its warnings and how it is followed."""
    with uow.read():  # one transaction for all the reads of the answer
        return _detail(uow, services.get_package(uow, shop_id, package_id), settings)


@router.patch("/{package_id}", response_model=PackageDetailOut)
def correct_package(package_id: PathId, body: PackagePatch, shop_id: ShopId, uow: Uow,
                    settings: AppSettings) -> Response:
    """Correct what was registered: ``destination``, ``order_ref``, ``carrier`` (checked like a registration;
    ``null`` detects it from the number again), ``recipient`` (the buyer to notify: fields sent replace the
    stored ones; ``null`` removes the buyer). Fields left out stay; ``null`` clears. The package's status and
    events are not touched; a new carrier or destination re-estimates the delivery date."""
    return _detail(uow, update_package(uow, shop_id, package_id, body.changes(), body.force), settings)


@router.delete("/{package_id}", status_code=204)
def delete_package(package_id: PathId, shop_id: ShopId, uow: Uow) -> Response:
    """Stop tracking: no more polling or carrier pushes. The package and its events stay readable at its URL
    (evidence for disputes); lists leave it out unless ``include_stopped=true``. Registering the number again
    resumes tracking."""
    stop_tracking(uow, shop_id, package_id)
    return Response(status_code=204)


@router.get("", response_model=PackagePageOut)
def list_packages(
    shop_id: ShopId,
    uow: Uow,
    limit: PageLimit,
    settings: AppSettings,
    status: Status | None = None,
    carrier: Annotated[str | None, Query(pattern=CARRIER_CODE)] = None,
    updated_since: UtcTime | None = None,
    tracking_number: Annotated[str | None, Query(max_length=100, pattern=NO_CONTROL, examples=["1Z999AA10123456784"],
                                                 description="Exactly this number (spaces, dashes, case ignored)")] = None,
    order_ref: Annotated[str | None, Query(max_length=128, pattern=NO_CONTROL, examples=["TT-1001"],
                                           description="Exactly this order reference")] = None,
    q: Annotated[str | None, Query(max_length=100, pattern=NO_CONTROL, examples=["4784"],
                                   description="Any part of the tracking number or order reference")] = None,
    sort: Annotated[Sort, Query(description="created_at is registration order; - for newest first")] = "-created_at",
    include_stopped: Annotated[bool, Query(description="Include packages whose tracking was stopped")] = False,
    cursor: Annotated[str | None, Query(max_length=200, pattern=NO_CONTROL)] = None,
) -> Response:
    """Find and list this shop's packages, newest registrations first by default; pass ``next_cursor`` back
    (with the same filters and sort) for the next page."""
    with uow.read():  # one transaction for all the reads of the answer
        page = services.list_packages(uow, shop_id, status, carrier, updated_since, cursor, limit,
                                      tracking_number=tracking_number, order_ref=order_ref, q=q, sort=sort,
                                      include_stopped=include_stopped)
        following = _following(uow, settings, shop_id, page.items)
    return as_json({  # PackagePageOut
        "items": [PackageOut.view(p, page.estimates.get(p.id), page.warnings.get(p.id, ()), **following)
                  for p in page.items],
        "next_cursor": page.next_cursor})


@router.post("/{package_id}/events", response_model=IngestOut)
def post_events(package_id: PathId, body: EventsBody, shop_id: ShopId, uow: Uow, settings: AppSettings) -> IngestOut:
    """Add events in any order, any number of times; duplicates are counted, not stored."""
    if len(body.events) > settings.max_events_per_request:
        raise HTTPException(413, f"at most {settings.max_events_per_request} events per request")
    events = [e.to_event() for e in body.events]
    result = services.record_scans(uow, shop_id, {package_id: events}, source="api")[package_id]
    return IngestOut(accepted=result.accepted, duplicates=result.duplicates,
                     package=PackageOut.view(result.package, services.current_estimate(uow, package_id),
                                             services.package_warnings(uow, package_id),
                                             **_following(uow, settings, shop_id, [result.package])))
