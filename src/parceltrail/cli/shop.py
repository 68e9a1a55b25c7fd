"""``parceltrail shop create|list`` and ``parceltrail key create|list|revoke|roll``: keys are printed once,
stored hashed; afterwards their id and first characters identify them."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services import (
    InvalidInput,
    NotFound,
    create_api_key,
    create_shop,
    list_keys,
    list_shops,
    revoke_key,
    roll_key,
)
from parceltrail.services.clock import WallClock
from parceltrail.store import UnitOfWork
from parceltrail.store.shops import ApiKey

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


@shop_app.command("list")
def shop_list(as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line")] = False) -> None:
    """Every shop on this server: id, name, when it was created."""
    shops = list_shops(UnitOfWork(open_database()))
    if as_json:
        for shop in shops:
            typer.echo(json.dumps({"shop_id": shop.id, "name": shop.name, "created_at": shop.created_at.isoformat()}))
        return
    for shop in shops:
        typer.echo(f"{shop.id}  {shop.created_at:%Y-%m-%d}  {shop.name}")
    if not shops:
        typer.echo("no shops yet: parceltrail shop create NAME")


def _key_json(key: ApiKey) -> dict:
    def iso(value):
        return value.isoformat() if value else None

    return {"key_id": key.id, "shop_id": key.shop_id, "prefix": key.prefix, "state": key.state(WallClock().now()),
            "created_at": iso(key.created_at), "expires_at": iso(key.expires_at), "revoked_at": iso(key.revoked_at)}


@key_app.command("list")
def key_list(
    shop: Annotated[str, typer.Option("--shop", help="The shop id (shop_...)")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line")] = False,
) -> None:
    """A shop's keys: id, first characters, state (active, expiring, expired, revoked) and dates."""
    try:
        keys = list_keys(UnitOfWork(open_database()), shop)
    except NotFound as error:
        raise UserError(str(error)) from None
    for key in keys:
        row = _key_json(key)
        typer.echo(json.dumps(row) if as_json else
                   f"{key.id}  {key.prefix}...  {row['state']:<8}  created {key.created_at:%Y-%m-%d %H:%M}"
                   + (f"  ends {key.expires_at:%Y-%m-%d %H:%M} UTC" if row["state"] == "expiring" else ""))


@key_app.command("revoke")
def key_revoke(key_id: Annotated[str, typer.Argument(help="The key id (key_...), from 'key list'")]) -> None:
    """End a key now: requests with it are refused from here on."""
    try:
        key = revoke_key(UnitOfWork(open_database()), key_id)
    except NotFound as error:
        raise UserError(str(error)) from None
    typer.echo(f"revoked {key.id} ({key.prefix}...) of shop {key.shop_id}")


def _duration(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([smhd])", text.strip())
    if not match:
        raise UserError(f"--grace {text!r} is not a duration; expected e.g. 90s, 30m, 1h or 7d")
    return timedelta(seconds=int(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)])


@key_app.command("roll")
def key_roll(
    key_id: Annotated[str, typer.Argument(help="The key to replace (key_...)")],
    grace: Annotated[str, typer.Option("--grace", help="How long the old key keeps working, e.g. 1h (0s: ends now)")]
    = "0s",
    as_json: Annotated[bool, typer.Option("--json", help='Print {"key_id","shop_id","api_key",...}')] = False,
) -> None:
    """Replace a key: prints the new key (once); the old one works for the grace period, then stops."""
    try:
        new = roll_key(UnitOfWork(open_database()), key_id, _duration(grace))
    except (NotFound, InvalidInput) as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps({**_key_json(new.key), "api_key": new.api_key}))
        return
    typer.echo(f"new key {new.key.id} for shop {new.key.shop_id}:")
    typer.echo(new.api_key)
    typer.echo(f"{key_id} keeps working for {grace}" if _duration(grace) else f"{key_id} is revoked")


def register(app: typer.Typer) -> None:
    app.add_typer(shop_app, name="shop")
    app.add_typer(key_app, name="key")
