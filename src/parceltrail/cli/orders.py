"""``parceltrail orders list | show | import | ship``: a shop's orders from the command line."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError

orders_app = typer.Typer(help="Orders from TikTok Shop: list, show, import a Seller Center export, ship.",
                         no_args_is_help=True)


def _uow():
    from parceltrail.store import UnitOfWork

    return UnitOfWork(open_database())


@orders_app.command("list")
def list_command(
    shop: Annotated[str, typer.Option("--shop", help="The parceltrail shop id (shop_...)")],
    status: Annotated[str | None, typer.Option("--status", help="Only this TikTok status, e.g. AWAITING_SHIPMENT")] = None,
    has_tracking: Annotated[bool | None, typer.Option("--has-tracking/--no-tracking",
                                                      help="Only orders with (or without) a tracking number")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array")] = False,
) -> None:
    """Orders oldest first, with status, dispatch deadline and parcels (`show` and --json have every deadline)."""
    from parceltrail.services import InvalidInput
    from parceltrail.services.orders_read import list_orders, order_json

    uow, items, cursor = _uow(), [], None
    try:
        while len(items) < limit:
            page = list_orders(uow, shop, status, has_tracking, cursor=cursor, limit=min(200, limit - len(items)))
            items += [order_json(v) for v in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    except InvalidInput as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps(items, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(items)} orders (times UTC)", title_justify="left")
    table.add_column("order id", no_wrap=True)
    table.add_column("status", min_width=11)
    table.add_column("ship by", no_wrap=True)
    table.add_column("parcels", no_wrap=True)

    def short(value: str | None) -> str:
        return datetime.fromisoformat(value).strftime("%m-%d %H:%M") if value else "-"

    for o in items:
        d = o["deadlines"]
        parcels = "\n".join(f"{p['tracking_number'] or '(no label yet)'}" + (f"\n  {p['status']}" if p["status"] else "")
                            for p in o["packages"])
        status_text = o["status"].lower().replace("_", " ") + (" (on hold)" if o["on_hold"] and o["status"] != "ON_HOLD" else "")
        table.add_row(o["order_id"], status_text, short(d["ship_by"]), parcels or "-")
    Console().print(table)


@orders_app.command("show")
def show_command(
    order_id: Annotated[str, typer.Argument(help="TikTok's order id")],
    shop: Annotated[str, typer.Option("--shop", help="The parceltrail shop id (shop_...)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """One order: deadlines, masked buyer, parcels with their tracking status, status history."""
    from parceltrail.services import NotFound
    from parceltrail.services.orders_read import get_order, order_json

    try:
        data = order_json(get_order(_uow(), shop, order_id))
    except NotFound as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps(data, indent=1))
        return
    typer.echo(f"order {data['order_id']}  {data['status']}{'  ON HOLD' if data['on_hold'] else ''}")
    typer.echo(f"created {data['created_at']}  paid {data['paid_at'] or '-'}")
    for name, value in data["deadlines"].items():
        typer.echo(f"  {name:15} {value or '-'}")
    b = data["buyer"]
    typer.echo(f"buyer {b['first_name'] or '?'}, {b['city'] or '?'} {b['postal_code'] or ''}")
    for p in data["packages"]:
        typer.echo(f"  parcel {p['platform_package_id'] or '-'}: {p['tracking_number'] or '(no label yet)'} "
                   f"{p['carrier'] or ''} {p['status'] or ''}")
    for h in data["status_history"]:
        typer.echo(f"  {h['changed_at']}  {h['status']}  ({h['source']})")


@orders_app.command("import")
def import_command(
    file: Annotated[str, typer.Argument(help="Seller Center's order export (CSV)")],
    shop: Annotated[str, typer.Option("--shop", help="The parceltrail shop id (shop_...)")],
    timezone: Annotated[str, typer.Option("--timezone", help="The zone the export's times are in (IANA)")] = "UTC",
    date_order: Annotated[str, typer.Option("--date-order", help="auto, mdy or dmy")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts and row errors as JSON")] = False,
) -> None:
    """Import orders and their tracking numbers; safe to run again (nothing changes the second time)."""
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from parceltrail.services import InvalidInput, NotFound
    from parceltrail.services.orders_import import import_orders_csv

    path = Path(file)
    if not path.is_file():
        raise UserError(f"{file}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        total = max(0, sum(1 for _ in handle) - 1)
    uow = _uow()
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"), TimeRemainingColumn())
    with Progress(*columns, transient=True, disable=as_json or total < 1000) as bar, \
            path.open(encoding="utf-8-sig", newline="") as handle:
        task = bar.add_task("import", total=total)
        try:
            report = import_orders_csv(uow, shop, handle, timezone, date_order,
                                       progress=lambda rows: bar.update(task, completed=rows))
        except (InvalidInput, NotFound) as error:
            raise UserError(str(error)) from None
    data = report.to_dict()
    if as_json:
        typer.echo(json.dumps(data, indent=1))
    else:
        typer.echo(f"{data['rows']} rows: {data['orders_created']} orders created, {data['orders_updated']} updated; "
                   f"{data['packages_created']} parcels newly followed ({timezone} times)")
        for error in data["errors"]:
            where = f"row {error['row']}, {error['column']}" if "row" in error else f"order {error.get('order_id')}"
            typer.echo(f"{where}: {error['reason']}", err=True)
    if data["errors"]:
        raise typer.Exit(1)


@orders_app.command("ship")
def ship_command(
    order_id: Annotated[str, typer.Argument(help="TikTok's order id")],
    tracking: Annotated[str, typer.Option("--tracking", help="The tracking number on the label")],
    shop: Annotated[str, typer.Option("--shop", help="The parceltrail shop id (shop_...)")],
    carrier: Annotated[str | None, typer.Option("--carrier", help="The carrier code, e.g. usps")] = None,
    package: Annotated[str | None, typer.Option("--package", help="TikTok's package id (orders with several)")] = None,
    provider_id: Annotated[str | None, typer.Option("--provider-id", help="TikTok's shipping provider id")] = None,
    force: Annotated[bool, typer.Option("--force", help="Upload despite overridable failed checks")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Check a tracking number (on hold, format, checksum, carrier, duplicate, ZIP, first scan) and upload it."""
    from parceltrail.carriers.transport import CarrierClient
    from parceltrail.cli.tiktok import _fail, _setup
    from parceltrail.platforms.tiktok.errors import TikTokShopError
    from parceltrail.services import InvalidInput, NotFound
    from parceltrail.services.shipments import ShipmentRefused, carrier_answer_for, ship_order
    from parceltrail.settings import get_settings
    from parceltrail.worker.runner import shop_credentials_reader

    uow, app, client = _setup()
    with CarrierClient(timeout=get_settings().carrier_timeout_seconds) as carriers:
        answer = carrier_answer_for(uow, shop, shop_credentials_reader(get_settings(), uow.engine), carriers)
        try:
            shipment = ship_order(uow, app, client, shop, order_id, tracking, carrier, package, force, provider_id,
                                  answer)
        except ShipmentRefused as refused:
            if as_json:
                typer.echo(json.dumps({"uploaded": False, "checks": [c.to_dict() for c in refused.checks]}, indent=1))
            for check in refused.checks:
                typer.echo(f"{check.code}: {check.reason}", err=True)
            raise UserError(str(refused)) from None
        except (InvalidInput, NotFound, TikTokShopError) as error:
            raise _fail(error) from None
    if as_json:
        typer.echo(json.dumps(shipment.to_dict(), indent=1))
        return
    what = "corrected to" if shipment.correction else "uploaded"
    typer.echo(f"order {shipment.order_id}: {what} {shipment.tracking_number} (package {shipment.platform_package_id})")
    for check in shipment.checks:
        typer.echo(f"overridden: {check.code}: {check.reason}")


def register(app: typer.Typer) -> None:
    app.add_typer(orders_app, name="orders")
