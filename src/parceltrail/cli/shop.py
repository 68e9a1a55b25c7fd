"""``parceltrail shop create`` and ``parceltrail key create``: API keys are printed once, stored hashed."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.main import UserError
from parceltrail.services import InvalidInput, NotFound, create_api_key, create_shop
from parceltrail.store import UnitOfWork

shop_app = typer.Typer(help="Shops: each has its own packages and API keys.", no_args_is_help=True)
key_app = typer.Typer(help="API keys for a shop.", no_args_is_help=True)


@shop_app.command("create")
def shop_create(
    name: Annotated[str, typer.Argument(help="The shop's display name")],
    as_json: Annotated[bool, typer.Option("--json", help='Print {"shop_id","api_key"}')] = False,
) -> None:
    """Create a shop and its first API key (shown once; keep it safe)."""
    try:
        new = create_shop(UnitOfWork(open_database()), name)
    except InvalidInput as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps({"shop_id": new.shop.id, "api_key": new.api_key}))
        return
    typer.echo(f"shop id:  {new.shop.id}")
    typer.echo(f"API key:  {new.api_key}")
    typer.echo("The key is shown only now; it is stored hashed. Use it as 'Authorization: Bearer <key>'.")


@key_app.command("create")
def key_create(
    shop: Annotated[str, typer.Option("--shop", help="The shop id (shop_...)")],
    as_json: Annotated[bool, typer.Option("--json", help='Print {"shop_id","api_key"}')] = False,
) -> None:
    """Create another API key for a shop (e.g. to rotate keys)."""
    try:
        api_key = create_api_key(UnitOfWork(open_database()), shop)
    except NotFound as error:
        raise UserError(str(error)) from None
    typer.echo(json.dumps({"shop_id": shop, "api_key": api_key}) if as_json else api_key)


def register(app: typer.Typer) -> None:
    app.add_typer(shop_app, name="shop")
    app.add_typer(key_app, name="key")
