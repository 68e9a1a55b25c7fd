"""``parceltrail packages list`` and ``packages show``: what the service is tracking, from the database here."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.core import Package, PackageWarning, Status, TrackingEvent
from parceltrail.services import InvalidInput, NotFound, get_package, list_packages
from parceltrail.services.packages import derived_warnings
from parceltrail.services.tracking import missing_accounts, package_source
from parceltrail.settings import get_settings
from parceltrail.store import UnitOfWork
from parceltrail.store.estimates import StoredEstimate

packages_app = typer.Typer(help="Packages being tracked.", no_args_is_help=True)


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def missing_for(uow: UnitOfWork, packages: Sequence[Package]) -> dict[str, dict[str, str]]:
    """Per shop of ``packages``: its polled carriers without an account, and why (``missing_accounts``)."""
    by_shop: dict[str, list[Package]] = {}
    for p in packages:
        by_shop.setdefault(p.shop_id, []).append(p)
    return {shop: missing_accounts(uow, get_settings(), shop, [p.carrier for p in mine])
            for shop, mine in by_shop.items()}


def tracking_json(package: Package, missing: Mapping[str, str] | None = None) -> dict:
    found = package_source(package, frozenset(get_settings().hook_secrets), missing)
    checks = package.checks
    return {"source": found.source, "automatic": found.automatic, "reason": found.reason,
            "last_checked_at": _iso(checks.last_checked_at), "next_check_at": _iso(checks.next_check_at),
            "last_error": checks.last_error, "check_failures": checks.failures, "stopped_at": _iso(package.stopped_at)}


def package_json(package: Package, estimate: StoredEstimate | None, warnings: Sequence[PackageWarning] = (),
                 missing: Mapping[str, str] | None = None) -> dict:
    state = package.state
    return {
        "id": package.id, "shop_id": package.shop_id, "tracking_number": package.tracking_number,
        "carrier": package.carrier, "order_ref": package.order_ref, "status": state.status.value,
        "substatus": state.substatus.value, "event_count": state.event_count,
        "created_at": _iso(package.created_at),
        "last_event_at": _iso(state.last_event_at),
        "delivered_at": _iso(state.delivered_at),
        "estimated_delivery": estimate.to_dict() if estimate else None,
        "tracking": tracking_json(package, missing),
        "warnings": [{"code": w.code, "message": w.message} for w in (*warnings, *derived_warnings(package))],
    }


def _event_json(event: TrackingEvent, future_from) -> dict:
    loc = event.location
    return {"occurred_at": _iso(event.occurred_at), "status": event.status.value, "substatus": event.substatus.value,
            "description": event.description, "carrier_code": event.carrier_code,
            "location": {"city": loc.city, "region": loc.region, "postal_code": loc.postal_code, "country": loc.country},
            "counts": future_from is None or event.occurred_at < future_from}


@packages_app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option("--status", help="Only this status, e.g. in_transit")] = None,
    carrier: Annotated[str | None, typer.Option("--carrier", help="Only this carrier code")] = None,
    shop: Annotated[str | None, typer.Option("--shop", help="Only this shop id")] = None,
    number: Annotated[str | None, typer.Option("--number", help="Exactly this tracking number")] = None,
    order: Annotated[str | None, typer.Option("--order", help="Exactly this order reference")] = None,
    search: Annotated[str | None, typer.Option("--search", "-q", help="Any part of a number or order reference")] = None,
    sort: Annotated[str, typer.Option("--sort", help="-created_at (newest first), created_at, -updated_at, "
                                                     "updated_at")] = "-created_at",
    include_stopped: Annotated[bool, typer.Option("--include-stopped", help="Also packages no longer tracked")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array")] = False,
) -> None:
    """Find and list tracked packages, newest registrations first, with status, delivery estimate and warnings."""
    try:
        wanted = Status(status) if status else None
    except ValueError:
        raise UserError(f"--status {status!r} is not a status; expected one of: {', '.join(Status)}") from None
    uow = UnitOfWork(open_database())
    items: list[Package] = []
    estimates: dict[str, StoredEstimate] = {}
    warnings: dict[str, list[PackageWarning]] = {}
    cursor = None
    try:
        while len(items) < limit:
            page = list_packages(uow, shop, wanted, carrier, None, cursor, min(200, limit - len(items)),
                                 tracking_number=number, order_ref=order, q=search, sort=sort,
                                 include_stopped=include_stopped)
            items += page.items
            estimates.update(page.estimates)
            warnings.update(page.warnings)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    except InvalidInput as error:
        raise UserError(str(error)) from None
    if as_json:
        missing = missing_for(uow, items)
        typer.echo(json.dumps([package_json(p, estimates.get(p.id), warnings.get(p.id, ()), missing[p.shop_id])
                               for p in items], indent=1))
        return
    _print_table(items, estimates, warnings)


def _words(status: Status, substatus) -> str:
    return status.value if substatus.value == status.value else f"{status.value} / {substatus.value}"


def _status(package: Package) -> str:
    return _words(package.state.status, package.state.substatus)


def _print_table(items: list[Package], estimates: dict[str, StoredEstimate],
                 warnings: dict[str, list[PackageWarning]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(items)} packages", title_justify="left")
    for column in ("id", "tracking number", "carrier", "status", "last scan (UTC)", "arrives (80% window)", "promise",
                   "notes"):
        table.add_column(column, no_wrap=column in ("id", "tracking number"))
    for p in items:
        e = estimates.get(p.id)
        window = f"{e.likely:%b %d} ({e.earliest:%b %d}-{e.latest:%b %d})" if e else "-"
        last = f"{p.state.last_event_at:%b %d %H:%M}" if p.state.last_event_at else "-"
        notes = [w.code for w in warnings.get(p.id, ())]
        if p.checks.last_error:
            notes.append("last check failed")
        table.add_row(p.id, p.tracking_number, p.carrier or "?", _status(p), last, window,
                      f"{e.promise:%b %d}" if e else "-", ", ".join(notes))
    console = Console()
    console.width = max(console.width, 180)  # whole ids and tracking numbers beat a narrow layout when piped
    console.print(table)


@packages_app.command("show")
def show_command(
    package_id: Annotated[str, typer.Argument(help="The package id (pkg_...)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object, with the events")] = False,
) -> None:
    """One package: status, how it is followed (source, last check, last error, next check), warnings,
    delivery estimate and its events."""
    uow = UnitOfWork(open_database())
    try:
        detail = get_package(uow, None, package_id)
    except NotFound as error:
        raise UserError(str(error)) from None
    missing = missing_for(uow, [detail.package])[detail.package.shop_id]
    if as_json:
        body = package_json(detail.package, detail.estimate, detail.warnings, missing)
        future = detail.package.state.future_from
        typer.echo(json.dumps({**body, "events": [_event_json(e, future) for e in detail.events]}, indent=1))
        return
    _print_detail(detail, missing)


def _print_detail(detail, missing: Mapping[str, str]) -> None:
    from rich.console import Console
    from rich.table import Table

    p = detail.package
    info = tracking_json(p, missing)
    console = Console()
    console.width = max(console.width, 140)
    console.print(f"[bold]{p.tracking_number}[/] ({p.carrier or 'carrier unknown'})  {p.id}  shop {p.shop_id}")
    console.print(f"status          {_status(p)}  ({p.state.event_count} events)")
    if p.order_ref:
        console.print(f"order           {p.order_ref}")
    console.print(f"followed by     {info['source']}: {info['reason']}")
    console.print(f"last check      {info['last_checked_at'] or 'never'}"
                  + (f"  failed {p.checks.failures}x: {p.checks.last_error}" if p.checks.last_error else ""))
    console.print(f"next check      {info['next_check_at'] or 'none planned'}")
    e = detail.estimate
    if e is not None:
        console.print(f"arrives         {e.likely} (80%: {e.earliest} to {e.latest}; promise {e.promise}) - {e.reason}")
    for w in (*detail.warnings, *derived_warnings(p)):
        console.print(f"[yellow]warning[/]         {w.code}: {w.message}")
    if detail.events:
        table = Table("occurred (UTC)", "status", "code", "where", "carrier's words")
        for ev in detail.events:
            where = ", ".join(x for x in (ev.location.city, ev.location.region, ev.location.country) if x)
            held = p.state.future_from is not None and ev.occurred_at >= p.state.future_from
            table.add_row(f"{ev.occurred_at:%Y-%m-%d %H:%M}" + (" (not yet)" if held else ""),
                          _words(ev.status, ev.substatus), ev.carrier_code or "", where, ev.description)
        console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(packages_app, name="packages")
