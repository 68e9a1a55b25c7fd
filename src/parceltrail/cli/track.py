"""``parceltrail track NUMBER``: ask the carrier about one number now, without registering it anywhere.

Detect the carrier (``--carrier`` overrides), fetch through the same adapter the poller uses, and show
the status, the timeline in each scan's local time and a delivery estimate from the same engine and
the same input builder (``services.estimates.prediction_input``) as registered packages, on a transient
``Package`` that is never stored. Sandbox numbers carry their journey, so they are answered from the
number itself unless ``PARCELTRAIL_SANDBOX_BASE_URL`` points at a running sandbox network.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Annotated

import typer

from parceltrail.cli.errors import UserError
from parceltrail.cli.marks import INFERRED_NOTE, any_inferred, status_marks, time_mark

if TYPE_CHECKING:
    from parceltrail.carriers.base import CarrierTracking
    from parceltrail.core import Address, Location, TrackingEvent
    from parceltrail.eta import Estimate

SANDBOX_URL_VARIABLE = "PARCELTRAIL_SANDBOX_BASE_URL"


def _carrier_for(number: str, carrier: str | None) -> tuple[str, str, list[str]]:
    """(normalised number, carrier code, other carriers it also fits); exit 2 for what nobody can track."""
    from parceltrail.carriers.registry import CARRIERS
    from parceltrail.numbers import catalogue, detect, normalize

    if carrier is not None:
        code = carrier.strip().lower()
        if code not in CARRIERS and code not in catalogue().carriers:
            raise UserError(
                f"unknown carrier code {carrier!r} (parceltrail carriers list shows them)", exit_code=2
            )
        return normalize(number), code, []
    found = detect(number)
    if found.best is None:
        raise UserError(
            f"{number!r} is not a tracking number of any known format (see: parceltrail detect {number!r})",
            exit_code=2,
        )
    others = sorted({c.carrier for c in found.candidates} - {found.best.carrier})
    return found.normalized, found.best.carrier, others


def _untrackable(number: str, code: str, declared: bool) -> UserError:
    """What ``track`` needs for a carrier it cannot ask by number alone, in words (exit 2)."""
    from parceltrail.carriers.registry import CARRIERS
    from parceltrail.services.adapters import adapter

    can = ", ".join(c for c in CARRIERS if (a := adapter(c)) is not None and a.lookup == "tracking_number")
    found = adapter(code)
    if found is not None and found.lookup == "order_id":
        name = found.carrier.name
        return UserError(
            f"{name} tracks a parcel by the order it ships, not by its number alone, so track cannot ask it about "
            f"{number}. Connect the shop (parceltrail tiktok connect --shop ID ...) and import its orders; the "
            f"worker then follows the parcel through its order (see: parceltrail orders show ORDER_ID --shop ID). "
            f"track asks by number: {can}", exit_code=2)
    said = f"you named {code}" if declared else f"{number} looks like a {code} number"
    return UserError(f"{said}, but parceltrail has no tracking adapter for {code}: register the package and post "
                     f"its scans, or have the carrier push them. track asks by number: {can}"
                     + ("" if declared else " (pass --carrier to choose one)"), exit_code=2)


def _fetch(number: str, code: str, now: datetime, declared: bool = False) -> CarrierTracking:
    """The carrier's answer, parsed; missing credentials and carrier failures are one line, exit 1."""
    from parceltrail.carriers.base import CarrierFetchError, CarrierShapeError
    from parceltrail.services.adapters import MissingCredentials, adapter, env_credentials

    found = adapter(code)
    if found is None or found.lookup != "tracking_number":
        raise _untrackable(number, code, declared)
    if code == "sandbox":
        from parceltrail.carriers import sandbox

        base_url = os.environ.get(SANDBOX_URL_VARIABLE)
        if not base_url:
            return sandbox.parse(sandbox.tracking_body(number, now))
        credentials = sandbox.SandboxCredentials(base_url=base_url)
    else:
        try:
            credentials = env_credentials(code)
        except MissingCredentials as error:
            raise UserError(f"{error} to track {number}") from None
    from parceltrail.carriers.transport import CarrierClient
    from parceltrail.settings import get_settings

    try:
        with CarrierClient(timeout=get_settings().carrier_timeout_seconds) as client:
            results = found.fetch([number], credentials, client)
    except (CarrierFetchError, CarrierShapeError) as error:
        raise UserError(f"could not track {number}: {error}") from None
    for result in results:
        for tracking in (result, *result.related):
            if (tracking.tracking_number or "").upper() == number:
                return tracking
    if results:
        return results[0]
    raise UserError(f"could not track {number}: {code} answered without it")


def _address(location: Location | None) -> Address | None:
    from parceltrail.core import Address

    if location is None or location.is_empty():
        return None
    return Address(
        postal_code=location.postal_code, country=location.country, city=location.city, region=location.region
    )


def _ends(code: str, tracking: CarrierTracking) -> tuple[Address | None, Address | None, str | None]:
    """(origin, destination, service) as far as they are known without a registration.

    The sandbox number encodes all three. For other carriers: the first located scan is where the
    carrier took the parcel, and a doorstep scan (out for delivery, at a pickup point, delivered) says
    where it is going; without one the destination is unknown and the estimate says less.
    """
    from parceltrail.core import Address, Status

    if code == "sandbox":
        from parceltrail.carriers.sandbox import journey

        trip = journey(tracking.tracking_number or "")
        return (
            Address(postal_code=trip.origin.postal_code, country="US"),
            Address(postal_code=trip.destination.postal_code, country="US"),
            trip.service.name.lower(),
        )
    located = [e for e in tracking.events if not e.location.is_empty()]
    doorstep = (
        Status.OUT_FOR_DELIVERY,
        Status.AVAILABLE_FOR_PICKUP,
        Status.DELIVERED,
        Status.DELIVERY_FAILED,
    )
    last_mile = [e for e in located if e.status in doorstep]
    return (
        _address(located[0].location) if located else None,
        _address(last_mile[-1].location) if last_mile else None,
        None,
    )


def estimate(code: str, tracking: CarrierTracking, now: datetime) -> Estimate | None:
    """The delivery-date engine's estimate for a package nobody registered.

    None when the carrier has no record (nothing says a parcel exists, so a date would be invented) and
    once it will not arrive (returned, cancelled, expired). The label scan stands in for the order time.
    """
    from parceltrail import eta
    from parceltrail.core import Package, PackageState, Status
    from parceltrail.services.estimates import prediction_input

    if not tracking.events or tracking.status in (Status.RETURNED, Status.CANCELLED, Status.EXPIRED):
        return None
    origin, destination, service = _ends(code, tracking)
    package = Package(
        id="track",
        shop_id="",
        tracking_number=tracking.tracking_number or "",
        carrier=code,
        created_at=tracking.events[0].occurred_at,
        updated_at=now,
        destination=destination,
        state=PackageState(status=tracking.status, substatus=tracking.substatus),
        origin=origin,
        service=service,
    )
    return eta.predict(eta.CarrierStandards(), prediction_input(package, tracking.events, None))


def local_zone(location: Location) -> tzinfo | None:
    """The scan's own time zone: from a US ZIP or city, or a country with a single zone; None when not certain."""
    from parceltrail.carriers.zones import named_zone

    return named_zone(location)


def _when(event: TrackingEvent) -> str:
    zone = local_zone(event.location)
    if zone is None:
        return f"{event.occurred_at:%a %b %d %H:%M} UTC"
    local = event.occurred_at.astimezone(zone)
    return f"{local:%a %b %d %H:%M} {local.tzname()}"


def _print(tracking: CarrierTracking, code: str, found: Estimate | None, others: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.width = max(console.width, 120)
    status = (
        tracking.status.value
        if tracking.substatus.value == tracking.status.value
        else f"{tracking.status.value} / {tracking.substatus.value}"
    )
    console.print(f"[bold]{tracking.tracking_number}[/] ({code}): [bold]{status}[/]")
    if others:
        console.print(f"[yellow]the number also fits {', '.join(others)}; pass --carrier to ask another[/]")
    if found is not None:
        console.print(
            f"estimated delivery: [bold]{found.likely:%a %b %d}[/] (between {found.earliest:%b %d} "
            f"and {found.latest:%b %d}; promise {found.promise:%b %d}; {found.confidence} confidence, "
            f"{found.source.replace('_', ' ')}): {found.reason}"
        )
    if tracking.estimated_delivery is not None:
        window = tracking.estimated_delivery
        said = (
            window.earliest.isoformat()
            if window.earliest == window.latest
            else f"{window.earliest.isoformat()} .. {window.latest.isoformat()}"
        )
        console.print(f"the carrier says: {said}")
    if tracking.signed_by:
        console.print(f"signed by {tracking.signed_by}")
    if not tracking.events:
        console.print(
            "no scans yet: the carrier has no record of this number (a new label can take a day to show)"
        )
        return
    table = Table("when (local)", "where", "status", "the carrier's words")
    for e in tracking.events:
        where = ", ".join(
            p for p in (e.location.city, e.location.region, e.location.postal_code, e.location.country) if p
        )
        table.add_row(_when(e) + time_mark(e), where, e.substatus.value.replace("_", " ") + status_marks(e),
                      e.description)
    console.print(table)
    if any_inferred(tracking.events):
        console.print(INFERRED_NOTE)


def track_command(
    number: Annotated[str, typer.Argument(help="A tracking number, e.g. 1Z... (UPS) or PT... (sandbox).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of the timeline.")
    ] = False,
    carrier: Annotated[
        str | None, typer.Option("--carrier", help="The carrier code to ask, instead of the detected one.")
    ] = None,
) -> None:
    """Print what the carrier says about NUMBER now (the command's help is ``TRACK_HELP``)."""
    from parceltrail.carriers.base import event_to_dict
    from parceltrail.services.clock import utcnow

    normalized, code, others = _carrier_for(number, carrier)
    now = utcnow()
    tracking = _fetch(normalized, code, now, declared=carrier is not None)
    found = estimate(code, tracking, now)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "tracking_number": tracking.tracking_number or normalized,
                    "carrier": code,
                    "status": tracking.status.value,
                    "substatus": tracking.substatus.value,
                    "events": [event_to_dict(e) for e in tracking.events],
                    "estimated_delivery": found.to_dict() if found is not None else None,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    _print(tracking, code, found, others)


TRACK_HELP = (
    "Track one number now: status, timeline (oldest first, local times) and a delivery estimate.\n\n"
    "Real carriers need their account in PARCELTRAIL_<CARRIER>_* variables (the error names them). "
    "Sandbox numbers (PT...) are simulated locally from the number itself, with no server running; "
    f"set {SANDBOX_URL_VARIABLE} to ask a running sandbox network instead."
)


def register(app: typer.Typer) -> None:
    app.command("track", help=TRACK_HELP)(track_command)
