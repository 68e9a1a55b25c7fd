"""``parceltrail disputes``: open a buyer's claim, list and show disputes with their deadlines and next
steps, move them along (``move``, ``check``, ``note``). The operator's view: every shop in this database."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.clock import utcnow
from parceltrail.services.disputes import (
    DisputeView,
    get_dispute,
    list_disputes,
    open_dispute,
    shop_of_package,
    update_dispute,
)
from parceltrail.services.errors import Conflict
from parceltrail.store import UnitOfWork

disputes_app = typer.Typer(help="Buyer claims (not received, damaged, wrong item, late) and what to do next.",
                           no_args_is_help=True)


def _run(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except (InvalidInput, NotFound, Conflict) as error:
        raise UserError(str(error)) from None


def _uow() -> UnitOfWork:
    return UnitOfWork(open_database())


@disputes_app.command("open")
def open_command(
    package_id: Annotated[str, typer.Argument(help="The package (pkg_...) the buyer's claim is about")],
    kind: Annotated[str, typer.Option("--kind", help="not_received, damaged, wrong_item or late")],
    note: Annotated[str | None, typer.Option("--note", help="What the buyer said")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the dispute as JSON")] = False,
) -> None:
    """Open a dispute for a package, as the seller."""
    uow = _uow()
    shop_id = _run(shop_of_package, uow, package_id)
    _show(_run(open_dispute, uow, shop_id, package_id, kind, "seller", note), as_json)


@disputes_app.command("list")
def list_command(
    state: Annotated[str | None, typer.Option("--state", help="A state, or open / closed")] = "open",
    package: Annotated[str | None, typer.Option("--package", help="Only this package id")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array")] = False,
) -> None:
    """Disputes, oldest first (open ones unless --state says otherwise), with the next deadline."""
    views, _ = _run(list_disputes, _uow(), None, state or None, package, None, limit)
    now = utcnow()
    if as_json:
        typer.echo(json.dumps([v.to_dict(now) for v in views], indent=1))
        return
    typer.echo(f"{len(views)} disputes")
    for v in views:
        due = v.to_dict(now)["next_deadline"]
        typer.echo(f"{v.dispute.id}  {v.tracking_number:<22} {v.dispute.kind.value:<12} {v.dispute.state.value:<13}"
                   + (f"next: {due['key']} by {due['closes_at'][:10]}" if due else ""))


@disputes_app.command("show")
def show_command(dispute_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """A dispute with its deadlines (and their sources), checklist and history."""
    _show(_run(get_dispute, _uow(), None, dispute_id), as_json)


@disputes_app.command("move")
def move_command(dispute_id: str, state: Annotated[str, typer.Argument(help="investigating, submitted, won, refunded, "
                                                                            "reimbursed, withdrawn or open")],
                 note: Annotated[str | None, typer.Option("--note")] = None) -> None:
    """Move a dispute to another state (closing states: won, refunded, reimbursed, withdrawn)."""
    _show(_run(update_dispute, _uow(), None, dispute_id, state=state, note=note), False)


@disputes_app.command("check")
def check_command(dispute_id: str, step: str,
                  undo: Annotated[bool, typer.Option("--undo", help="Mark the step not done")] = False) -> None:
    """Tick a checklist step (its key, as ``show`` prints it)."""
    _show(_run(update_dispute, _uow(), None, dispute_id, steps={step: not undo}), False)


@disputes_app.command("note")
def note_command(dispute_id: str, text: str) -> None:
    """Add a note to a dispute's history."""
    _show(_run(update_dispute, _uow(), None, dispute_id, note=text), False)


def _show(view: DisputeView, as_json: bool) -> None:
    now = utcnow()
    data = view.to_dict(now)
    if as_json:
        typer.echo(json.dumps(data, indent=1))
        return
    d = view.dispute
    typer.echo(f"{d.id}  {d.kind.value}  {d.state.value}  {view.tracking_number} ({view.carrier or '?'})"
               + (f"  order {view.order_ref}" if view.order_ref else ""))
    if d.description:
        typer.echo(f"  {d.description}")
    typer.echo("deadlines:")
    for x in data["deadlines"]:
        when = f"by {x['closes_at'][:16]}Z ({x['days_left']} days)" if x["closes_at"] else f"starts at {x['waiting_for']}"
        typer.echo(f"  [{x['state']}] {x['title']} {when}")
    typer.echo("next steps:")
    for s in view.steps:
        due = f" (by {s.due:%Y-%m-%d})" if s.due else ""
        typer.echo(f"  [{'x' if s.done else ' '}] {s.key}: {s.text}{due}")
    typer.echo("history:")
    for h in view.history:
        typer.echo(f"  {h.at:%Y-%m-%d %H:%M}Z {h.actor}: {h.action} {h.detail}".rstrip())


def register(app: typer.Typer) -> None:
    app.add_typer(disputes_app, name="disputes")
