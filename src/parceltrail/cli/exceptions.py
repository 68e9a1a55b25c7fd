"""``parceltrail exceptions``: replay journeys through the detector (and, live, list open flags)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from parceltrail.cli.errors import UserError

exceptions_app = typer.Typer(help="Parcels that need you: stale, lost, late, misrouted, suspicious.",
                             no_args_is_help=True)


def _lines(path: Path) -> list[str]:
    if str(path) == "-":
        return sys.stdin.read().splitlines()
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read it ({error})") from None


@exceptions_app.command("replay")
def replay_command(
    file: Annotated[Path, typer.Argument(help="JSON lines, one journey each ('-' reads standard input)")],
    as_json: Annotated[bool, typer.Option("--json", help="Errors on stderr as JSON too; no summary")] = False,
    history: Annotated[Path | None, typer.Option(
        "--history", help="Delivered journeys (same format) to learn the stale norms from; default: the prior")] = None,
) -> None:
    """Walk each journey through time as the service would have seen it and print its flags, one JSON line
    per journey: {"id", "flags": [{"type", "first_flagged_at", "closed_at", "severity", "reason", ...}]}."""
    from parceltrail.services.replay import LineError, norms_from, read_journeys, replay

    norms = None
    if history is not None:
        known = [j for j in read_journeys(_lines(history)) if not isinstance(j, LineError)]
        norms = norms_from(known)
    bad = 0
    counts: Counter[str] = Counter()
    total = 0
    for item in replay(_lines(file), norms):
        if isinstance(item, LineError):
            bad += 1
            typer.echo(json.dumps({"error": str(item)}) if as_json else f"error: {item}", err=True)
            continue
        total += 1
        counts.update(f.type.value for f in item.flags if not f.retracted)
        typer.echo(json.dumps(item.to_json(), separators=(",", ":")))
    if not as_json:
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no flags"
        typer.echo(f"{total} journeys replayed: {summary}" + (f"; {bad} lines could not be read" if bad else ""),
                   err=True)
    if bad:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(exceptions_app, name="exceptions")


def _flag_json(row) -> dict:
    f = row.flag
    iso = (lambda t: t.isoformat() if t else None)  # noqa: E731
    return {"id": f.id, "shop_id": f.shop_id, "package_id": f.package_id, "tracking_number": row.tracking_number,
            "carrier": row.carrier, "type": f.type, "severity": f.severity, "reason": f.reason, "since": iso(f.since),
            "due": iso(f.due), "opened_at": iso(f.opened_at), "closed_at": iso(f.closed_at), "retracted": f.retracted,
            "case_id": row.case_id, "ship_by": iso(row.ship_by), "deliver_by": iso(row.deliver_by)}


@exceptions_app.command("list")
def list_command(
    shop: Annotated[str | None, typer.Option("--shop", help="Only this shop id")] = None,
    kind: Annotated[list[str] | None, typer.Option("--type", help="Only this type (repeatable), e.g. lost")] = None,
    severity: Annotated[list[str] | None, typer.Option("--severity", help="info, warning or critical")] = None,
    state: Annotated[str, typer.Option("--state", help="open, closed or all")] = "open",
    carrier: Annotated[str | None, typer.Option("--carrier", help="Only this carrier code")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array")] = False,
) -> None:
    """The flags raised on tracked parcels: what needs attention, why, since when, by when."""
    from parceltrail.cli.context import every_page, open_database
    from parceltrail.core.flags import FlagType, Severity
    from parceltrail.services.exception_list import FlagQuery, list_flags
    from parceltrail.store import UnitOfWork

    for value, allowed, name in ((kind or [], FlagType, "--type"), (severity or [], Severity, "--severity")):
        bad = [v for v in value if v not in {a.value for a in allowed}]
        if bad:
            raise UserError(f"{name} {bad[0]!r} is not one; expected one of: {', '.join(allowed)}")
    if state not in ("open", "closed", "all"):
        raise UserError(f"--state {state!r}: expected open, closed or all")
    uow = UnitOfWork(open_database())
    query = FlagQuery(state=state, types=tuple(kind or ()), severities=tuple(severity or ()), carrier=carrier)
    rows = every_page(lambda cursor, size: list_flags(uow, shop, query, cursor, size), limit)
    if as_json:
        typer.echo(json.dumps([_flag_json(r) for r in rows], indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} {state} flags", title_justify="left")
    for column in ("tracking number", "carrier", "type", "severity", "since (UTC)", "reason"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(r.tracking_number or r.flag.package_id, r.carrier or "?", r.flag.type, r.flag.severity,
                      f"{r.flag.since:%b %d %H:%M}", r.flag.reason)
    Console().print(table)


@exceptions_app.command("check")
def check_command() -> None:
    """Look at every package that is due (what the worker does every minute) and print what changed."""
    from parceltrail.cli.context import open_database
    from parceltrail.services.exceptions import evaluate_due
    from parceltrail.store import UnitOfWork

    uow = UnitOfWork(open_database())
    total = opened = closed = 0
    while True:
        found = evaluate_due(uow, limit=500)
        opened, closed = opened + found.opened, closed + found.closed
        total += found.packages
        if found.packages < 500:
            break
    typer.echo(f"{total} packages looked at: {opened} flags opened, {closed} closed")
