"""``parceltrail labels create / print / list`` and ``parceltrail shipping``: labels from the command line.

``labels create`` checks the addresses and the parcel, gets the tracking number (the sandbox network's
carriers mint one; UPS, FedEx, USPS and DHL eCommerce sell one with the label; ``--tracking-number``
prints one bought elsewhere; an order TikTok ships gets TikTok's label and number), stores the label,
registers the package for tracking linked to ``--order``, and writes the 4x6 PDF or ZPL to ``--out``.
Without ``--carrier`` the shop's assignment rule chooses and says why.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services.errors import InvalidInput, NotFound
from parceltrail.store import UnitOfWork

labels_app = typer.Typer(help="Shipping labels: create, print in batches, list.", no_args_is_help=True)
shipping_app = typer.Typer(help="A shop's shipping settings: ship-from, assignment rule, rates, presets.",
                           no_args_is_help=True)

Opt = typer.Option


def _address(prefix: str, name, company, line1, line2, city, state, postal, country, phone) -> dict[str, Any] | None:
    values = {"name": name, "company": company, "line1": line1, "line2": line2, "city": city, "region": state,
              "postal_code": postal, "country": country, "phone": phone}
    given = {k: v for k, v in values.items() if v is not None}
    return given or None


def _fail(error: Exception) -> UserError:
    return UserError(str(error))


@labels_app.command("create")
def create_command(
    shop: Annotated[str, Opt("--shop", help="Shop id")],
    out: Annotated[Path, Opt("--out", help="Where to write the label (PDF, or ZPL with --format zpl)")],
    weight: Annotated[str | None, Opt("--weight", help="Weight with unit: 2 lb, 12 oz, 1.2 kg (not needed for "
                                                       "an order TikTok ships)")] = None,
    to_name: Annotated[str | None, Opt("--to-name")] = None,
    to_company: Annotated[str | None, Opt("--to-company")] = None,
    to_line1: Annotated[str | None, Opt("--to-line1", help="Street address")] = None,
    to_line2: Annotated[str | None, Opt("--to-line2")] = None,
    to_city: Annotated[str | None, Opt("--to-city")] = None,
    to_state: Annotated[str | None, Opt("--to-state", help="State or region code")] = None,
    to_zip: Annotated[str | None, Opt("--to-zip", help="ZIP or postal code")] = None,
    to_country: Annotated[str, Opt("--to-country")] = "US",
    to_phone: Annotated[str | None, Opt("--to-phone")] = None,
    carrier: Annotated[str | None, Opt("--carrier", help="e.g. sandbox_swift, usps; omitted: the shop's rule chooses")] = None,
    service: Annotated[str | None, Opt("--service", help="e.g. ground, express")] = None,
    size: Annotated[str | None, Opt("--size", help="L x W x H with unit: 12x10x8 in")] = None,
    preset: Annotated[str | None, Opt("--preset", help="A packaging preset of the shop (size and tare)")] = None,
    order: Annotated[str | None, Opt("--order", help="The order id the parcel ships")] = None,
    deliver_by: Annotated[str | None, Opt("--deliver-by", help="The platform's deadline, YYYY-MM-DD")] = None,
    tracking_number: Annotated[str | None, Opt("--tracking-number", help="Print a number bought elsewhere")] = None,
    package: Annotated[str | None, Opt("--package", help="TikTok's package id, for an order TikTok ships in "
                                                         "several packages")] = None,
    fmt: Annotated[str, Opt("--format", help="pdf or zpl (a bought label is bought in that format)")] = "pdf",
    as_json: Annotated[bool, Opt("--json", help="Print the label as JSON")] = False,
) -> None:
    """Create a label, register its package for tracking, and write the printable label."""
    from parceltrail.services.labels import LabelRequest, create_label, print_labels

    try:
        by = date.fromisoformat(deliver_by) if deliver_by else None
    except ValueError:
        raise UserError(f"--deliver-by {deliver_by!r} is not a date; expected YYYY-MM-DD") from None
    ship_to = _address("to", to_name, to_company, to_line1, to_line2, to_city, to_state, to_zip, to_country, to_phone)
    request = LabelRequest(ship_to=ship_to, weight=weight, carrier=carrier, service=service, size=size,
                           preset=preset, order_id=order, deliver_by=by, tracking_number=tracking_number,
                           label_format=fmt, platform_package_id=package)
    uow = UnitOfWork(open_database())
    try:
        if carrier is None:
            from parceltrail.services.assignment import assign_request

            decision = assign_request(uow, shop, request)
            request = decision.request
            typer.echo(decision.explanation, err=True)
        from parceltrail.services.labels import tiktok_or_none
        from parceltrail.settings import get_settings

        settings = get_settings()
        key = settings.secret_key
        created = create_label(uow, shop, request, secret_key=key.get_secret_value() if key else None,
                               tiktok=tiktok_or_none(settings))
        document = print_labels(uow, shop, [created.label.id], fmt)
    except (InvalidInput, NotFound) as error:
        raise _fail(error) from None
    out.write_bytes(document)
    label = created.label
    if as_json:
        from parceltrail.services.labels import label_dict

        typer.echo(json.dumps(label_dict(label), indent=1))
        return
    if label.source == "tiktok":
        typer.echo(f"{label.id}: TikTok's label for order {label.order_ref}, tracking number {label.tracking_number} "
                   f"(tracked through TikTok); package {label.package_id}; wrote {out}")
        return
    price = f", ${label.price:.2f}" if label.price is not None else ""
    typer.echo(f"{label.id}: {label.carrier} {label.service} {label.tracking_number}{price}, promised by "
               f"{label.promised_on or 'no published standard'}; package {label.package_id}; wrote {out}")


@labels_app.command("print")
def print_command(
    shop: Annotated[str, Opt("--shop", help="Shop id")],
    out: Annotated[Path, Opt("--out", help="One PDF (or ZPL) holding every label")],
    label_ids: Annotated[list[str] | None, typer.Argument(help="Label ids, printed in this order")] = None,
    orders: Annotated[list[str] | None, Opt("--order", help="Then every label of this order (repeat it)")] = None,
    fmt: Annotated[str, Opt("--format", help="pdf or zpl")] = "pdf",
) -> None:
    """Print many labels into one file: a 4x6 page per label, the ones named, then each --order's."""
    from parceltrail.services.labels import labels_of_orders, print_labels

    uow = UnitOfWork(open_database())
    try:
        ids = list(dict.fromkeys([*(label_ids or []), *(labels_of_orders(uow, shop, orders) if orders else [])]))
        document = print_labels(uow, shop, ids, fmt)
    except (InvalidInput, NotFound) as error:
        raise _fail(error) from None
    out.write_bytes(document)
    typer.echo(f"wrote {len(ids)} label{'s' if len(ids) != 1 else ''} to {out}")


@labels_app.command("list")
def list_command(
    shop: Annotated[str, Opt("--shop", help="Shop id")],
    order: Annotated[str | None, Opt("--order", help="Only this order's labels")] = None,
    as_json: Annotated[bool, Opt("--json")] = False,
) -> None:
    """The shop's labels, newest first."""
    from parceltrail.services.labels import label_dict, list_labels

    found = list_labels(UnitOfWork(open_database()), shop, order, 200)
    if as_json:
        typer.echo(json.dumps([label_dict(x) for x in found], indent=1))
        return
    for x in found:
        typer.echo(f"{x.id}  {x.carrier:15} {x.service:10} {x.tracking_number}  order {x.order_ref or '-'}")


@shipping_app.command("set")
def shipping_set(
    shop: Annotated[str, Opt("--shop", help="Shop id")],
    from_json: Annotated[str | None, Opt("--from", help='Ship-from address as JSON: {"name": ..., "line1": ...}')] = None,
    rule: Annotated[str | None, Opt("--rule", help="cheapest_on_time, cheapest, fastest or most_reliable")] = None,
    confidence: Annotated[float | None, Opt("--confidence", help="On-time confidence the rule needs, e.g. 0.95")] = None,
    rates: Annotated[Path | None, Opt("--rates", help='JSON file: {"usps/ground_advantage": {"base": 5.1, ...}}')] = None,
    presets: Annotated[Path | None, Opt("--presets", help='JSON file: {"small box": {"size": "12x10x8 in", "tare_lb": 0.4}}')] = None,
    accounts: Annotated[str | None, Opt("--accounts", help='Shipper account numbers as JSON: {"ups": "A1B2C3", '
                                                          '"dhl": {"pickup": ..., "distribution_center": ...}}')] = None,
) -> None:
    """Set the shop's ship-from address, assignment rule, rate table and packaging presets."""
    from parceltrail.services.shipping import update_settings

    try:
        settings = update_settings(
            UnitOfWork(open_database()), shop, ship_from=json.loads(from_json) if from_json else None, rule=rule,
            confidence=confidence, rates=json.loads(rates.read_text()) if rates else None,
            presets=json.loads(presets.read_text()) if presets else None,
            accounts=json.loads(accounts) if accounts else None)
    except (InvalidInput, NotFound) as error:
        raise _fail(error) from None
    except (ValueError, OSError) as error:
        raise UserError(f"cannot read the settings: {error}") from None
    typer.echo(json.dumps({"rule": settings.rule, "confidence": settings.confidence, "ship_from": settings.ship_from,
                           "rates": settings.rates, "presets": settings.presets, "accounts": settings.accounts},
                          indent=1))


def register(app: typer.Typer) -> None:
    app.add_typer(labels_app, name="labels")
    app.add_typer(shipping_app, name="shipping")
