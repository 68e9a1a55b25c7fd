"""``parceltrail carriers health --shop ID``: per carrier, how following the shop's packages is going."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from parceltrail.cli.carriers import carriers_app
from parceltrail.cli.context import open_database
from parceltrail.settings import get_settings
from parceltrail.store import UnitOfWork


@carriers_app.command("health")
def health_command(
    shop: Annotated[str, typer.Option("--shop", help="The shop id (shop_...)")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line")] = False,
) -> None:
    """Per carrier of a shop's packages: packages, how many fail their checks now, since when, and why."""
    from parceltrail.services.tracking import carrier_health

    rows = carrier_health(UnitOfWork(open_database()), shop, frozenset(get_settings().hook_secrets))
    if as_json:
        for h in rows:
            c = h.checks
            typer.echo(json.dumps({
                "carrier": h.carrier, "state": h.state, "source": h.source, "packages": c.packages,
                "scheduled": c.scheduled, "failing": c.failing,
                "last_success_at": c.last_success_at.isoformat() if c.last_success_at else None,
                "last_failure_at": c.last_failure_at.isoformat() if c.last_failure_at else None,
                "errors": [{"message": m, "packages": n} for m, n in c.errors],
            }))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("carrier", "state", "followed by", "packages", "failing", "last success", "last failure",
                  "commonest error")
    for h in rows:
        c = h.checks
        error = f"{c.errors[0][0]} ({c.errors[0][1]})" if c.errors else ""
        table.add_row(h.carrier or "(unknown)", h.state, h.source, str(c.packages), str(c.failing),
                      f"{c.last_success_at:%Y-%m-%d %H:%M}" if c.last_success_at else "-",
                      f"{c.last_failure_at:%Y-%m-%d %H:%M}" if c.last_failure_at else "-", error)
    console = Console()
    console.width = max(console.width, 160)
    console.print(table if rows else f"shop {shop} has no packages")


def register(app: typer.Typer) -> None:
    """The command attaches itself to ``carriers_app`` on import; nothing else to add."""
