"""``parceltrail staff create``: a dashboard account for a shop; the password is asked for, never an argument."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.staff import MIN_PASSWORD, create_staff, shop_staff
from parceltrail.store import UnitOfWork

staff_app = typer.Typer(help="Dashboard accounts (/app) for a shop's owner and staff.", no_args_is_help=True)


@staff_app.command("create")
def staff_create(
    shop: Annotated[str, typer.Option("--shop", help="The shop id (shop_...)")],
    email: Annotated[str, typer.Option("--email", help="The person's e-mail; they sign in with it")],
    role: Annotated[str, typer.Option("--role", help="owner (settings and keys) or staff (packages and notes)")] = "owner",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input")] = False,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"staff_id","shop_id","email","role"}')] = False,
) -> None:
    """Create a dashboard account; prompts for the password (at least 10 characters), stored as an argon2 hash."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt(f"Password for {email} (at least {MIN_PASSWORD} characters)", hide_input=True,
                                confirmation_prompt=True)
    try:
        member = create_staff(UnitOfWork(open_database()), shop, email, password, role)
    except (InvalidInput, NotFound) as error:
        raise UserError(str(error)) from None
    out = {"staff_id": member.id, "shop_id": member.shop_id, "email": member.email, "role": member.role}
    typer.echo(json.dumps(out) if as_json else f"{member.email} ({member.role}) can now sign in at /app/login")


@staff_app.command("list")
def staff_list(shop: Annotated[str, typer.Option("--shop", help="The shop id (shop_...)")]) -> None:
    """Who can sign in to the shop's dashboard."""
    for member in shop_staff(UnitOfWork(open_database()), shop):
        last = member.last_login_at.isoformat(timespec="minutes") if member.last_login_at else "never"
        typer.echo(f"{member.email:40} {member.role:6} last sign-in {last}")


def register(app: typer.Typer) -> None:
    app.add_typer(staff_app, name="staff")
