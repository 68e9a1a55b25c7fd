"""``parceltrail assign ORDER_OR_PACKAGE``: which carrier and service the shop's rule picks, and why."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services.errors import InvalidInput, NotFound
from parceltrail.store import UnitOfWork


def assign_command(
    target: Annotated[str, typer.Argument(metavar="ORDER_OR_PACKAGE", help="A package id (pkg_...) or an order id")],
    shop: Annotated[str, typer.Option("--shop", help="Shop id")],
    deliver_by: Annotated[str | None, typer.Option("--deliver-by", help="Deadline YYYY-MM-DD (default: the label's)")] = None,
    weight: Annotated[str | None, typer.Option("--weight", help="Weight with unit (default: the label's, else 1 lb)")] = None,
    size: Annotated[str | None, typer.Option("--size", help="L x W x H with unit")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision and every candidate as JSON")] = False,
) -> None:
    """Rank the shop's carrier services for this parcel by its rule and explain the choice in one sentence."""
    from parceltrail.services.assignment import assign

    try:
        by = date.fromisoformat(deliver_by) if deliver_by else None
    except ValueError:
        raise UserError(f"--deliver-by {deliver_by!r} is not a date; expected YYYY-MM-DD") from None
    try:
        decision = assign(UnitOfWork(open_database()), shop, target, by, weight, size)
    except (InvalidInput, NotFound) as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps(decision.to_dict(), indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    from parceltrail.core.assignment import business_days, day_span

    table = Table(title=decision.explanation, title_justify="left", title_style="bold")
    for column in ("carrier", "service", "price", "standard", "likely", "80% window", "on-time record", "chance by deadline"):
        table.add_column(column)
    for c in sorted(decision.candidates, key=lambda c: (c.refused is not None, c.price if c.price is not None else 1e9)):
        mark = "→ " if decision.chosen is c else ""
        table.add_row(
            mark + c.carrier, c.service, "-" if c.price is None else f"${c.price:.2f}",
            business_days(*c.standard_days) if c.standard_days else "-", f"{c.likely:%b} {c.likely.day}",
            day_span(c.earliest, c.latest),
            f"{c.on_time_record:.0%} of {c.record_parcels}" if c.on_time_record is not None else "-",
            c.refused or ("-" if c.chance is None else f"{c.chance:.0%}"))
    Console(width=160).print(table)


def register(app: typer.Typer) -> None:
    app.command("assign")(assign_command)
