"""``parceltrail cases``: the work flags ask for, from the database in this folder."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from parceltrail.cli.errors import UserError

cases_app = typer.Typer(help="Cases: one per parcel and problem, with an audit trail.", no_args_is_help=True)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _case_json(case, trail=None) -> dict:
    out = {"id": case.id, "shop_id": case.shop_id, "package_id": case.package_id, "problem": case.problem,
           "state": case.state, "outcome": case.outcome, "assignee": case.assignee, "due_at": _iso(case.due_at),
           "next_action": case.next_action, "opened_at": _iso(case.opened_at), "updated_at": _iso(case.updated_at),
           "resolved_at": _iso(case.resolved_at)}
    if trail is not None:
        out["trail"] = [{"at": _iso(e.at), "actor": e.actor, "action": e.action, "note": e.note,
                         "changes": e.changes} for e in trail]
    return out


def _uow():
    from parceltrail.cli.context import open_database
    from parceltrail.store import UnitOfWork

    return UnitOfWork(open_database())


@cases_app.command("list")
def list_command(
    shop: Annotated[str | None, typer.Option("--shop", help="Only this shop id")] = None,
    state: Annotated[list[str] | None, typer.Option("--state", help="Only this state (repeatable); default: not resolved")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Cases being worked (or in the given states), oldest first, with what to do next."""
    from parceltrail.core.cases import State
    from parceltrail.services.cases import list_cases
    from parceltrail.store.cases import CaseFilter

    wanted = state or [s.value for s in State if s is not State.RESOLVED]
    bad = [s for s in wanted if s not in {x.value for x in State}]
    if bad:
        raise UserError(f"--state {bad[0]!r} is not a case state; expected one of: {', '.join(State)}")
    found = list_cases(_uow(), shop, CaseFilter(states=tuple(wanted), assignee=assignee), limit)
    if as_json:
        typer.echo(json.dumps([_case_json(c) for c in found], indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(found)} cases", title_justify="left")
    for column in ("case", "package", "problem", "state", "assignee", "due (UTC)", "next action"):
        table.add_column(column, overflow="fold")
    for c in found:
        table.add_row(c.id, c.package_id, c.problem, c.state, c.assignee or "-",
                      f"{c.due_at:%b %d %H:%M}" if c.due_at else "-", c.next_action)
    Console().print(table)


@cases_app.command("show")
def show_command(case_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """A case with its audit trail."""
    from parceltrail.services import NotFound
    from parceltrail.services.cases import get_case

    try:
        detail = get_case(_uow(), None, case_id)
    except NotFound as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps(_case_json(detail.case, detail.trail), indent=1))
        return
    c = detail.case
    typer.echo(f"{c.id}  {c.problem}  {c.state}{' (' + c.outcome + ')' if c.outcome else ''}  package {c.package_id}")
    typer.echo(f"next: {c.next_action}")
    for e in detail.trail:
        typer.echo(f"  {e.at:%Y-%m-%d %H:%M} UTC  {e.actor}: {e.action}{' - ' + e.note if e.note else ''}")


@cases_app.command("update")
def update_command(
    case_id: str,
    state: Annotated[str | None, typer.Option("--state", help="acknowledged, waiting_on_carrier, waiting_on_buyer, resolved, open")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="with --state resolved: delivered, reshipped, refunded, claim_filed, false_alarm, cleared")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", help="who works it ('' unassigns)")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    actor: Annotated[str, typer.Option("--actor", help="who is doing this (kept in the audit trail)")] = "cli",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Move a case, assign it or add a note; each call is one line of its audit trail."""
    from parceltrail.services import InvalidInput, NotFound
    from parceltrail.services.cases import CaseChange, update_case

    change = CaseChange(state=state, outcome=outcome, assignee=assignee or None, clear_assignee=assignee == "",
                        note=note)
    try:
        detail = update_case(_uow(), None, case_id, change, actor)
    except (InvalidInput, NotFound) as error:
        raise UserError(str(error)) from None
    typer.echo(json.dumps(_case_json(detail.case, detail.trail), indent=1) if as_json else
               f"{detail.case.id}: {detail.case.state}{' (' + detail.case.outcome + ')' if detail.case.outcome else ''}")


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")
