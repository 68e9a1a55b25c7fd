"""``parceltrail notifications``: the message log (``list``), a person's resend (``resend``) and what a
message kind looks like before anyone gets one (``preview``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import Conflict
from parceltrail.services.notification_log import list_notifications, resend
from parceltrail.services.previews import PREVIEW_KINDS, preview
from parceltrail.settings import get_settings
from parceltrail.store import UnitOfWork
from parceltrail.store.notifications import Message

notifications_app = typer.Typer(help="Messages to buyers, staff and webhook endpoints: the log.",
                                no_args_is_help=True)


def message_json(m: Message) -> dict:
    return {
        "id": m.id, "shop_id": m.shop_id, "channel": m.channel, "kind": m.kind, "to": m.target,
        "package_id": m.package_id, "state": m.state, "reason": m.reason, "subject": m.subject,
        "created_at": m.created_at.isoformat(), "sent_at": m.sent_at.isoformat() if m.sent_at else None,
        "next_attempt_at": m.send_after.isoformat() if m.state == "pending" else None,
        "attempts": [{"number": a.number, "at": a.started_at.isoformat(), "outcome": a.outcome,
                      "status_code": a.status_code, "error": a.error} for a in m.history],
    }


@notifications_app.command("list")
def list_command(
    shop: Annotated[str | None, typer.Option("--shop", help="Only this shop id")] = None,
    package: Annotated[str | None, typer.Option("--package", help="Only messages about this package id")] = None,
    state: Annotated[str | None, typer.Option("--state", help="pending, sent, failed, skipped, uncertain...")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="webhook, email, sms or chat")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array")] = False,
) -> None:
    """Messages, newest first: to whom, on which channel, what happened and why (or why not)."""
    uow = UnitOfWork(open_database())
    items: list[Message] = []
    cursor = None
    try:
        while len(items) < limit:
            page, cursor = list_notifications(uow, shop, package, channel, state, cursor, min(200, limit - len(items)))
            items += page
            if cursor is None:
                break
    except (InvalidInput, NotFound) as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps([message_json(m) for m in items], indent=1))
        return
    _print_table(items)


def _print_table(items: list[Message]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(items)} messages (newest first)", title_justify="left")
    for column in ("when (UTC)", "channel", "what", "to", "state", "tries", "why / last error"):
        table.add_column(column, overflow="fold")
    for m in items:
        last = m.history[-1] if m.history else None
        why = m.reason or (last.error if last and last.error else "")
        when = m.sent_at or m.created_at
        table.add_row(f"{when:%b %d %H:%M:%S}", m.channel, m.kind, m.target, m.state, str(m.attempts), why)
    Console().print(table)


@notifications_app.command("resend")
def resend_command(
    notification_id: Annotated[str, typer.Argument(help="The message id (msg_...)")],
    shop: Annotated[str, typer.Option("--shop", help="The shop the message belongs to")],
) -> None:
    """Send a message again now (an uncertain one that never arrived, a failed one)."""
    try:
        message = resend(UnitOfWork(open_database()), shop, notification_id)
    except (NotFound, Conflict) as error:
        raise UserError(str(error)) from None
    typer.echo(f"{message.id}: queued again ({message.channel} to {message.target})")


@notifications_app.command("preview")
def preview_command(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(PREVIEW_KINDS)}")],
    shop: Annotated[str, typer.Option("--shop", help="The shop whose name (and parcels) the message uses")],
    channel: Annotated[str, typer.Option("--channel", help="email, sms or chat")] = "email",
    locale: Annotated[str | None, typer.Option("--locale", help="en, es, ... (default: the buyer's, else en)")] = None,
    package: Annotated[str | None, typer.Option("--package", help="Use this package's facts and buyer")] = None,
    time_zone: Annotated[str | None, typer.Option("--time-zone", help="IANA zone for dates and times")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the email's HTML to this file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the preview as JSON")] = False,
) -> None:
    """Show a message as it would go out (subject, text, SMS length); nothing is sent or stored."""
    settings = get_settings()
    try:
        shown = preview(UnitOfWork(open_database(settings)), shop, kind, channel, utcnow(), settings.public_url,
                        locale, package, time_zone)
    except (InvalidInput, NotFound) as error:
        raise UserError(str(error)) from None
    if html is not None and shown.html is not None:
        html.write_text(shown.html, encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(asdict(shown), indent=1, ensure_ascii=False))
        return
    facts = "example parcel" if shown.example else "the shop's own data"
    typer.echo(f"{shown.kind} by {shown.channel}, {shown.locale}, times in {shown.time_zone} ({facts})")
    if shown.channel != "sms":
        typer.echo(f"Subject: {shown.subject}")
    typer.echo("")
    typer.echo(shown.text)
    if shown.sms is not None:
        s = shown.sms
        why = f"; outside GSM-7: {s.outside_gsm}" if s.outside_gsm else ""
        typer.echo(f"\n{s.characters} characters, {s.encoding}, {s.parts} SMS part(s){why}")
    if html is not None:
        typer.echo(f"\nHTML written to {html}" if shown.html is not None else "\n(no HTML: only email has it)")


def register(app: typer.Typer) -> None:
    app.add_typer(notifications_app, name="notifications")
