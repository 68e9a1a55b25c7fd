"""``parceltrail detect``: which carrier a tracking number belongs to, as a table or JSON lines."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from parceltrail.cli.errors import UserError


def _numbers(arguments: list[str] | None) -> list[str]:
    if arguments:
        return arguments
    if sys.stdin.isatty():
        raise UserError("give tracking numbers as arguments, or pipe them in one a line", exit_code=2)
    lines = [line.strip() for line in sys.stdin if line.strip()]
    if not lines:
        raise UserError("no tracking numbers on stdin (one a line expected)", exit_code=2)
    return lines


def _check_hints(carriers: list[str] | None, country: str | None) -> None:
    from parceltrail.numbers import catalogue

    known = catalogue().carriers
    for code in carriers or ():
        if code not in known:
            raise UserError(f"unknown carrier code {code!r} (see docs/tracking-numbers.md for the list)", exit_code=2)
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise UserError(f"--country takes an ISO 3166 two-letter code such as US, not {country!r}", exit_code=2)


def _print_table(detections: list) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("input", "carrier", "format", "check digit", "confidence", "notes")
    for detection in detections:
        best = detection.best
        hints = " ".join(h.message for h in detection.hints)
        if best is None:
            misses = ", ".join(f"{m.format} ({m.reason})" for m in detection.near_misses)
            note = f"fails {misses}" if misses else "no known format"
            table.add_row(detection.input, "-", "-", "-", "-", f"{hints} ({note})" if hints else note)
            continue
        others = sorted({c.carrier for c in detection.candidates} - {best.carrier})
        note = f"ambiguous: also {', '.join(others)}" if detection.ambiguous else ""
        note = " ".join(filter(None, (hints, note)))
        table.add_row(detection.input, best.carrier, best.format, best.checksum, f"{best.confidence:.2f}", note)
    console = Console()
    console.width = max(console.width, 140)  # whole numbers beat a narrow layout when output is piped
    console.print(table)


def detect_command(
    numbers: Annotated[list[str] | None, typer.Argument(help="Tracking numbers; none: read one a line from stdin.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line, in input order.")] = False,
    carrier: Annotated[
        list[str] | None, typer.Option("--carrier", help="A carrier code your shop uses (repeat); breaks ties.")
    ] = None,
    country: Annotated[str | None, typer.Option(help="ISO country of origin or destination; breaks ties.")] = None,
) -> None:
    """Detect the carrier and format of tracking numbers, check their check digits and decode them."""
    from parceltrail.numbers import detect

    inputs = _numbers(numbers)
    _check_hints(carrier, country)
    detections = [detect(text, carriers=carrier, country=country) for text in inputs]
    if as_json:
        for detection in detections:
            typer.echo(json.dumps(_detection_json(detection), ensure_ascii=False))
    else:
        _print_table(detections)
    if not any(d.valid for d in detections):  # scripts can tell "none of these is a tracking number"
        raise typer.Exit(1)


def _detection_json(detection) -> dict:
    """``Detection.to_dict`` plus the typo hint the table shows: the formats whose shape the number has but
    whose check it fails (``near_misses``), and one line saying so."""
    body = detection.to_dict()
    body.setdefault("near_misses", [
        {"carrier": m.carrier, "format": m.format, "problem": m.problem, "field": m.field, "found": m.found,
         "wanted": m.wanted, "reason": m.reason} for m in detection.near_misses])
    if not body["valid"]:
        misses = ", ".join(f"{m.format} ({m.reason})" for m in detection.near_misses)
        body.setdefault("hint", f"fails {misses}: probably mistyped" if misses else "no known format")
    return body


def register(app: typer.Typer) -> None:
    app.command("detect")(detect_command)
