"""``parceltrail tiktok connect | status | sync``: a shop's TikTok Shop connection from the command line."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.settings import get_settings

tiktok_app_ = typer.Typer(help="TikTok Shop: connect a shop, see the connection, sync its orders.",
                          no_args_is_help=True)


def _setup():
    from parceltrail.carriers.transport import CarrierClient
    from parceltrail.services.tiktok import TikTokNotSetUp, tiktok_app
    from parceltrail.store import UnitOfWork

    settings = get_settings()
    try:
        app = tiktok_app(settings)
    except TikTokNotSetUp as error:
        raise UserError(str(error)) from None
    return UnitOfWork(open_database(settings)), app, app.client(CarrierClient(timeout=settings.carrier_timeout_seconds))


def _fail(error: Exception) -> UserError:
    from parceltrail.platforms.tiktok.errors import TikTokShopError

    if isinstance(error, TikTokShopError):
        return UserError(f"{type(error).__name__}: {error}")
    return UserError(str(error))


@tiktok_app_.command("connect")
def connect(
    shop: Annotated[str, typer.Option("--shop", help="The parceltrail shop id (shop_...)")],
    auth_code: Annotated[str, typer.Option("--auth-code", help="The code TikTok gave after the seller consented")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the connection as JSON")] = False,
) -> None:
    """Trade an auth code for tokens and connect the shop (tokens are stored encrypted)."""
    from parceltrail.platforms.tiktok.errors import TikTokShopError
    from parceltrail.services import InvalidInput, NotFound
    from parceltrail.services.tiktok import connect_shop

    uow, app, client = _setup()
    try:
        connection = connect_shop(uow, app, client, shop, auth_code)
    except (InvalidInput, NotFound, TikTokShopError) as error:
        raise _fail(error) from None
    _print(connection, as_json)


def _status_json(connection, webhooks: dict[str, int] | None = None) -> dict:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {"shop_id": connection.shop_id, "tiktok_shop_id": connection.tiktok_shop_id,
            "shop_name": connection.shop_name, "region": connection.region, "state": connection.state,
            "state_detail": connection.state_detail, "access_token_expires_at": iso(connection.access_expires_at),
            "refresh_token_expires_at": iso(connection.refresh_expires_at), "last_sync_at": iso(connection.last_sync_at),
            "synced_through": iso(connection.synced_through), "last_sync_error": connection.last_sync_error,
            "webhooks": webhooks}


def _print(connection, as_json: bool, webhooks: dict[str, int] | None = None) -> None:
    data = _status_json(connection, webhooks)
    if as_json:
        typer.echo(json.dumps(data, indent=1))
        return
    for key, value in data.items():
        typer.echo(f"{key.replace('_', ' '):26} {value if value is not None else '-'}")


@tiktok_app_.command("status")
def status(
    shop: Annotated[str, typer.Option("--shop", help="The parceltrail shop id (shop_...)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The connection, when the tokens expire, and how the last sync went (no secret is shown)."""
    from parceltrail.services import NotFound
    from parceltrail.services.tiktok import connection_of, webhook_counts
    from parceltrail.store import UnitOfWork

    uow = UnitOfWork(open_database())
    try:
        connection = connection_of(uow, shop)
    except NotFound as error:
        raise UserError(f"{error}: connect it with `parceltrail tiktok connect --shop {shop} --auth-code CODE`") \
            from None
    _print(connection, as_json, webhook_counts(uow, connection.tiktok_shop_id))


@tiktok_app_.command("sync")
def sync(
    shop: Annotated[str, typer.Option("--shop", help="The parceltrail shop id (shop_...)")],
    since: Annotated[str | None, typer.Option("--since", help="Read orders updated since this ISO 8601 time "
                                                           "(default: since the last sync)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON")] = False,
) -> None:
    """Pull every order updated since the last sync (all pages) and follow its parcels."""
    from parceltrail.platforms.tiktok.errors import TikTokShopError
    from parceltrail.services import NotFound
    from parceltrail.services.tiktok import TikTokNotSetUp
    from parceltrail.services.tiktok_sync import sync_shop

    start = None
    if since is not None:
        try:
            start = datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            raise UserError(f"--since {since!r} is not an ISO 8601 time, e.g. 2026-11-20T00:00:00Z") from None
        if start.tzinfo is None:
            raise UserError(f"--since {since!r} has no UTC offset; add Z or e.g. -05:00")
    uow, app, client = _setup()
    try:
        report = sync_shop(uow, app, client, shop, since=start,
                           progress=None if as_json else lambda r: typer.echo(
                               f"page {r.pages}: {r.orders_seen} orders read", err=True))
    except (NotFound, TikTokNotSetUp, TikTokShopError) as error:
        raise _fail(error) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=1))
    else:
        typer.echo(f"{report.orders_created} orders created, {report.orders_updated} updated; "
                   f"{report.packages_created} parcels newly followed, {report.packages_updated} changed")
        for warning in report.warnings:
            typer.echo(f"warning: order {warning['order_id']}: {warning['reason']}")
        for error in report.errors:
            typer.echo(f"error: {error.get('order_id') or ''} {error['reason']}", err=True)
    if not report.complete:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(tiktok_app_, name="tiktok")
