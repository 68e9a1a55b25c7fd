"""``parceltrail exceptions``: replay journeys through the detector (and, live, list open flags)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from parceltrail.cli.main import UserError

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
