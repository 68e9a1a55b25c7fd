"""``parceltrail confirm PACKAGE_ID``: the delivery confirmation of a package (carrier's proof, the buyer's
confirmation, distance from the address); ``parceltrail release --shop SHOP [ORDER_ID]``: the payment
release signal of one order, or of the shop's orders."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.delivery import Confirmed, buyer_confirms, check_delivery
from parceltrail.services.disputes import shop_of_package
from parceltrail.services.release import OrderRelease, order_release, release_page
from parceltrail.store import UnitOfWork


def confirm_command(
    package_id: Annotated[str, typer.Argument(help="The package (pkg_...)")],
    buyer: Annotated[bool, typer.Option("--buyer", help="Record that the buyer says the parcel came")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the confirmation as JSON")] = False,
) -> None:
    """Was it delivered? The carrier's delivery and proof, the buyer's confirmation, the distance from the address."""
    uow = UnitOfWork(open_database())
    try:
        found = (buyer_confirms(uow, shop_of_package(uow, package_id), package_id, "seller") if buyer
                 else check_delivery(uow, None, package_id))
    except NotFound as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps(found.to_dict(), indent=1, ensure_ascii=False))
        return
    _print_confirmation(found)


def _print_confirmation(found: Confirmed) -> None:
    data = found.to_dict()
    typer.echo(f"{data['tracking_number']} ({data['carrier'] or '?'}): {data['verdict'].replace('_', ' ')}")
    delivered = found.check.delivered_at
    typer.echo(f"  carrier: delivered {delivered:%Y-%m-%d %H:%M} UTC ({data['substatus'].replace('_', ' ')})"
               if delivered else "  carrier: no delivery scan")
    proof = data["proof"]
    if proof:
        for key, label in (("signed_by", "signed by"), ("location", "left at"), ("facility", "facility")):
            if proof.get(key):
                typer.echo(f"  {label}: {proof[key]}")
        if proof.get("gps"):
            typer.echo(f"  GPS: {proof['gps']['lat']:.5f}, {proof['gps']['lon']:.5f}")
        for image in proof.get("images") or []:
            typer.echo(f"  {image['kind']}: {image['url'] or (image['sha256'] and 'inline, sha256 ' + image['sha256'][:16]) or ''}"
                       + (f" ({image['note']})" if image.get("note") else ""))
        typer.echo(f"  raw body: sha256 {proof['raw_sha256']}" if proof.get("raw_sha256") else "  raw body: none kept")
    distance = data["distance"]
    if distance:
        typer.echo(f"  distance: {distance['text']}; "
                   + (f"beyond the ZIP's size ({distance['threshold_km']} km): possible misdelivery" if distance["far"]
                      else f"within the ZIP's size ({distance['threshold_km']} km)"))
    buyer = data["buyer_confirmation"]
    typer.echo(f"  buyer: confirmed {found.buyer.confirmed_at:%Y-%m-%d %H:%M} UTC ({buyer['via'].replace('_', ' ')})"
               if buyer and found.buyer else "  buyer: has not confirmed")


def release_command(
    shop: Annotated[str, typer.Option("--shop", help="The shop (shop_...)")],
    order_id: Annotated[str | None, typer.Argument(help="One order (TikTok order id or ord_...)")] = None,
    state: Annotated[str | None, typer.Option("--state", help="settled_safe, at_risk or waiting")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Payment release: which orders are settled-safe, at risk (open dispute, delivered far away) or waiting."""
    uow = UnitOfWork(open_database())
    try:
        found = [order_release(uow, shop, order_id)] if order_id else release_page(uow, shop, state, None, limit).items
    except (NotFound, InvalidInput) as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps(found[0].to_dict() if order_id else [r.to_dict() for r in found], indent=1))
        return
    if not order_id:
        typer.echo(f"{len(found)} order{'' if len(found) == 1 else 's'}" + (f" {state}" if state else ""))
    for r in found:
        _print_release(r)


def _print_release(r: OrderRelease) -> None:
    safe = (f"  safe from {r.release.safe_from:%Y-%m-%d %H:%M} UTC"
            if r.release.safe_from and r.release.state == "waiting" else "")
    typer.echo(f"{r.order_id:<22} {r.release.state:<13}{safe}".rstrip())
    for reason in r.release.reasons:
        typer.echo(f"    {reason}")


def register(app: typer.Typer) -> None:
    app.command("confirm")(confirm_command)
    app.command("release")(release_command)
