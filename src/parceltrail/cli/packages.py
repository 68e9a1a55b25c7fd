"""``parceltrail packages list``: what the service is tracking, from the database in this folder."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.main import UserError
from parceltrail.core import Package, Status
from parceltrail.services import InvalidInput, list_packages
from parceltrail.store import UnitOfWork
from parceltrail.store.estimates import StoredEstimate

packages_app = typer.Typer(help="Packages being tracked.", no_args_is_help=True)


def package_json(package: Package, estimate: StoredEstimate | None) -> dict:
    state = package.state
    return {
        "id": package.id, "shop_id": package.shop_id, "tracking_number": package.tracking_number,
        "carrier": package.carrier, "status": state.status.value, "substatus": state.substatus.value,
        "event_count": state.event_count,
        "last_event_at": state.last_event_at.isoformat() if state.last_event_at else None,
        "delivered_at": state.delivered_at.isoformat() if state.delivered_at else None,
        "estimated_delivery": estimate.to_dict() if estimate else None,
    }


@packages_app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option("--status", help="Only this status, e.g. in_transit")] = None,
    carrier: Annotated[str | None, typer.Option("--carrier", help="Only this carrier code")] = None,
    shop: Annotated[str | None, typer.Option("--shop", help="Only this shop id")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array")] = False,
) -> None:
    """List tracked packages, newest registrations last, with status and delivery estimate."""
    try:
        wanted = Status(status) if status else None
    except ValueError:
        raise UserError(f"--status {status!r} is not a status; expected one of: {', '.join(Status)}") from None
    uow = UnitOfWork(open_database())
    items: list[Package] = []
    estimates: dict[str, StoredEstimate] = {}
    cursor = None
    try:
        while len(items) < limit:
            page = list_packages(uow, shop, wanted, carrier, None, cursor, min(200, limit - len(items)))
            items += page.items
            estimates.update(page.estimates)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    except InvalidInput as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps([package_json(p, estimates.get(p.id)) for p in items], indent=1))
        return
    _print_table(items, estimates)


def _print_table(items: list[Package], estimates: dict[str, StoredEstimate]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(items)} packages", title_justify="left")
    for column in ("tracking number", "carrier", "status", "last scan (UTC)", "arrives (80% window)", "promise"):
        table.add_column(column)
    for p in items:
        e = estimates.get(p.id)
        window = f"{e.likely:%b %d} ({e.earliest:%b %d}-{e.latest:%b %d})" if e else "-"
        last = f"{p.state.last_event_at:%b %d %H:%M}" if p.state.last_event_at else "-"
        status = p.state.status.value if p.state.substatus.value == p.state.status.value \
            else f"{p.state.status.value} / {p.state.substatus.value}"
        table.add_row(p.tracking_number, p.carrier or "?", status, last, window, f"{e.promise:%b %d}" if e else "-")
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(packages_app, name="packages")
