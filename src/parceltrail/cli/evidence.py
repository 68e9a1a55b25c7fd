"""``parceltrail evidence PACKAGE_ID --out FILE.pdf``: the evidence PDF and its JSON sibling (FILE.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services import NotFound
from parceltrail.store import UnitOfWork


def evidence_command(
    package_id: Annotated[str, typer.Argument(help="The package (pkg_...)")],
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the PDF (default: "
                                                           "evidence-<tracking number>.pdf here)")] = None,
) -> None:
    """Write the package's evidence PDF for a TikTok appeal or a carrier claim, and its JSON beside it."""
    from parceltrail.reports import render_evidence
    from parceltrail.services.evidence import build_evidence

    try:
        doc = build_evidence(UnitOfWork(open_database()), None, package_id)
    except NotFound as error:
        raise UserError(str(error)) from None
    pdf = out or Path(f"evidence-{doc['package']['tracking_number']}.pdf")
    if pdf.suffix.lower() != ".pdf":
        raise UserError(f"--out {pdf} should end in .pdf (the JSON is written beside it with .json)")
    sibling = pdf.with_suffix(".json")
    try:
        pdf.write_bytes(render_evidence(doc))
        sibling.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    except OSError as error:
        raise UserError(f"cannot write {error.filename}: {error.strerror}") from None
    typer.echo(f"{pdf} ({pdf.stat().st_size:,} bytes) and {sibling}: {len(doc['scans'])} scans, "
               f"{len(doc['disputes'])} disputes, JSON SHA-256 {doc['sha256']}")


def register(app: typer.Typer) -> None:
    app.command("evidence")(evidence_command)
