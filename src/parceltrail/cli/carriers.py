"""``parceltrail carriers``: read a carrier's raw tracking body, list the carriers, print their mapping tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from parceltrail.cli.errors import UserError
from parceltrail.cli.marks import INFERRED_NOTE, any_inferred, status_marks, time_mark

carriers_app = typer.Typer(
    name="carriers", help="Carrier adapters: parse raw tracking bodies, list carriers.", no_args_is_help=True
)


def _carrier(code: str):
    from parceltrail.carriers import get_carrier

    try:
        return get_carrier(code)
    except KeyError as error:
        raise UserError(str(error.args[0]), exit_code=2) from None


@carriers_app.command("parse")
def parse_command(
    carrier: Annotated[str, typer.Argument(help="Carrier code: ups, fedex, usps, dhl or tiktok.")],
    file: Annotated[
        Path, typer.Argument(help="A raw response body of that carrier's tracking API ('-' for stdin).")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the parsed tracking as one JSON object.")
    ] = False,
) -> None:
    """Parse a saved tracking response into parceltrail's statuses and a UTC timeline, oldest first."""
    import sys

    from parceltrail.carriers import CarrierShapeError

    entry = _carrier(carrier)
    try:
        body = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {file}: {error.strerror or error}", exit_code=2) from None
    try:
        result = entry.parse(body)
    except CarrierShapeError as error:
        raise UserError(f"{file} is not a {entry.name} tracking body: {error.problem}", exit_code=2) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_tracking(result)


def _print_tracking(result) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.width = max(console.width, 120)
    console.print(
        f"[bold]{result.carrier}[/] {result.tracking_number or '(order-level feed)'}: "
        f"[bold]{result.status}[/] / {result.substatus}"
    )
    if result.estimated_delivery:
        est = result.estimated_delivery
        console.print(f"estimated delivery: {est.earliest.isoformat()} .. {est.latest.isoformat()}")
    if result.delivered_at:
        signer = f", signed by {result.signed_by}" if result.signed_by else ""
        console.print(f"delivered at: {result.delivered_at.isoformat()}{signer}")
    table = Table("occurred (UTC)", "status", "substatus", "code", "where", "carrier's words")
    for e in result.events:
        where = ", ".join(
            p for p in (e.location.city, e.location.region, e.location.postal_code, e.location.country) if p
        )
        table.add_row(
            e.occurred_at.strftime("%Y-%m-%d %H:%M") + time_mark(e),
            str(e.status),
            str(e.substatus) + status_marks(e),
            e.carrier_code or "",
            where,
            e.description,
        )
    console.print(table)
    if any_inferred(result.events):
        console.print(INFERRED_NOTE)
    if result.related:
        console.print(
            f"{len(result.related)} more package(s) in this body: "
            + ", ".join(f"{r.tracking_number} ({r.status})" for r in result.related)
        )
    if result.unmapped:
        console.print(
            f"[yellow]not in the mapping tables (fell back on the coarse status):[/] {', '.join(result.unmapped)}"
        )


@carriers_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Show the carriers, the API each one calls and what its answers carry."""
    from parceltrail.carriers import CARRIERS

    rows = [
        {
            "code": c.code,
            "name": c.name,
            "api": c.api,
            "lookup": c.lookup,
            "base_url": c.base_url,
            "supports": sorted(c.supports),
        }
        for c in CARRIERS.values()
    ]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("code", "name", "API", "looks up", "supports")
    for row in rows:
        table.add_row(
            row["code"],
            row["name"],
            row["api"],
            row["lookup"].replace("_", " "),
            ", ".join(row["supports"]) or "events only",
        )
    console = Console()
    console.width = max(console.width, 140)
    console.print(table)


@carriers_app.command("tables")
def tables_command(
    carrier: Annotated[str | None, typer.Argument(help="One carrier code; default: all.")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Every row of the long published code lists (docs summarise them).")
    ] = False,
) -> None:
    """Print the status mapping tables as Markdown (the source of docs/carriers.md's tables)."""
    from parceltrail.carriers.registry import tables_markdown

    typer.echo(tables_markdown([_carrier(carrier)] if carrier else None, full=full), nl=False)


@carriers_app.command("unknown-codes")
def unknown_codes_command(
    carrier: Annotated[str | None, typer.Option("--carrier", help="Only this carrier (e.g. ups).")] = None,
    shop: Annotated[str | None, typer.Option("--shop", help="Only this shop id; default: every shop, summed.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Carrier codes and wordings no mapping table knew, counted as scans were stored; most seen first.

    Such scans kept the carrier's words, took the carrier's coarse status and show as unknown in the
    timeline: each line here is a row to add to that carrier's table.
    """
    from parceltrail.cli.context import open_database
    from parceltrail.services.vocabulary import per_carrier, unknown_codes
    from parceltrail.store import UnitOfWork

    if carrier:
        _carrier(carrier)
    found = unknown_codes(UnitOfWork(open_database()), shop, carrier)
    if as_json:
        for u in found:
            typer.echo(json.dumps({"carrier": u.carrier, "code": u.code, "description": u.description,
                                   "count": u.count, "first_seen_at": u.first_seen_at.isoformat(),
                                   "last_seen_at": u.last_seen_at.isoformat()}, ensure_ascii=False))
        return
    if not found:
        typer.echo("No unknown carrier codes: every stored scan matched a table row or phrase.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("carrier", "code", "carrier's words", "scans", "last seen (UTC)")
    for u in found:
        table.add_row(u.carrier, u.code or "-", u.description, str(u.count), u.last_seen_at.strftime("%Y-%m-%d %H:%M"))
    console = Console()
    console.width = max(console.width, 120)
    console.print(table)
    console.print("per carrier: " + ", ".join(f"{c} {n}" for c, n in per_carrier(found).items()))


def register(app: typer.Typer) -> None:
    app.add_typer(carriers_app, name="carriers")
