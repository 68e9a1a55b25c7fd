"""``parceltrail shop brand``: how a shop looks on its buyers' tracking pages (name, colour, logo, e-mail)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.cli.shop import shop_app
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.branding import get_branding, set_branding
from parceltrail.store import UnitOfWork


@shop_app.command("brand")
def shop_brand(
    shop: Annotated[str, typer.Option("--shop", help="The shop id (shop_...)")],
    name: Annotated[str | None, typer.Option("--name", help="Name shown to buyers (default: the shop's name)")] = None,
    colour: Annotated[str | None, typer.Option("--colour", help="Brand colour, e.g. #2e7d5b")] = None,
    logo: Annotated[Path | None, typer.Option("--logo", help="PNG, JPEG, GIF or WebP file, at most 256 KB",
                                              exists=True, dir_okay=False)] = None,
    no_logo: Annotated[bool, typer.Option("--no-logo", help="Remove the logo")] = False,
    email: Annotated[str | None, typer.Option("--email", help="Support address buyers may write to")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the branding as JSON")] = False,
) -> None:
    """Set the shop's branding on /track pages; options left out keep their current value."""
    uow = UnitOfWork(open_database())
    try:
        now = get_branding(uow, shop)
        saved = set_branding(
            uow, shop, display_name=name if name is not None else now.display_name,
            colour=colour if colour is not None else now.colour,
            support_email=email if email is not None else now.support_email,
            logo=logo.read_bytes() if logo else None, keep_logo=not no_logo,
        )
    except (InvalidInput, NotFound) as error:
        raise UserError(str(error)) from None
    out = {"shop_id": shop, "display_name": saved.display_name, "colour": saved.colour,
           "support_email": saved.support_email, "logo": bool(logo) or (not no_logo and now.logo_type is not None)}
    typer.echo(json.dumps(out) if as_json else "\n".join(f"{k:13} {v}" for k, v in out.items()))
