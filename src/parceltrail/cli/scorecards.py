"""``parceltrail scorecards``: carrier, service and lane performance for a shop, as a table or JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services.errors import InvalidInput, NotFound
from parceltrail.store import UnitOfWork


def _moment(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} {text!r} is not a date; expected YYYY-MM-DD or an ISO time") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def scorecards_command(
    shop: Annotated[str, typer.Option("--shop", help="Shop id")],
    since: Annotated[str | None, typer.Option("--since", help="Parcels registered from (YYYY-MM-DD, UTC); default 90 days ago")] = None,
    until: Annotated[str | None, typer.Option("--until", help="... until, exclusive; default now")] = None,
    by: Annotated[str, typer.Option("--by", help="lane, service or carrier")] = "lane",
    carrier: Annotated[str | None, typer.Option("--carrier", help="Only this carrier")] = None,
    min_parcels: Annotated[int, typer.Option("--min-parcels", min=1, help="Hide groups smaller than this")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Per carrier, service and lane (origin 3-digit ZIP -> destination state): parcels, on time against the
    promise and the deliver-by, median and P90 days, exceptions per 100, lost and damaged per 1,000,
    first-attempt delivery share."""
    from parceltrail.services.scorecards import period, scorecards

    try:
        start, end = period(_moment(since, "--since"), _moment(until, "--until"))
        cards = scorecards(UnitOfWork(open_database()), shop, start, end, by, carrier, min_parcels)
    except (InvalidInput, NotFound) as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps({"since": start.isoformat(), "until": end.isoformat(), "by": by,
                               "items": [c.to_dict() for c in cards]}, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    def pct(value: float | None, n: int) -> str:
        return "-" if value is None else f"{100 * value:.0f}% of {n}"

    table = Table(title=f"{len(cards)} scorecards, parcels registered {start:%Y-%m-%d} to {end:%Y-%m-%d}",
                  title_justify="left")
    for column in ("carrier", "service", "lane", "parcels", "on time (promise)", "on time (deliver-by)",
                   "median d", "P90 d", "exc/100", "lost/1k", "dmg/1k", "1st attempt"):
        table.add_column(column)
    for c in cards:
        table.add_row(c.carrier, c.service or "all", c.lane or "all", str(c.parcels),
                      pct(c.on_time_promise, c.promise_judged), pct(c.on_time_deliver_by, c.deliver_by_judged),
                      "-" if c.median_days is None else f"{c.median_days:.1f}",
                      "-" if c.p90_days is None else f"{c.p90_days:.1f}", f"{c.exceptions_per_100:g}",
                      f"{c.lost_per_1000:g}", f"{c.damaged_per_1000:g}",
                      "-" if c.first_attempt_share is None else f"{100 * c.first_attempt_share:.0f}%")
    Console(width=160).print(table)


def register(app: typer.Typer) -> None:
    app.command("scorecards")(scorecards_command)
