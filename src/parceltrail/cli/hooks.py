"""``parceltrail hooks``: set up, check and look after carrier push (``POST /v1/hooks/{carrier}``).

``secret`` mints an endpoint secret, ``send`` signs a body with the configured secret and posts it (to
check a set-up end to end), ``status`` shows the inbox, ``retry`` gives a failed delivery another go.
Secrets come from ``PARCELTRAIL_HOOK_SECRETS`` and are never printed back.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.settings import get_settings

hooks_app = typer.Typer(help="Carrier push: secrets, test deliveries, the inbox.", no_args_is_help=True)


@hooks_app.command("secret")
def secret_command() -> None:
    """Print a new random secret (whsec_...) for the carrier and PARCELTRAIL_HOOK_SECRETS."""
    typer.echo("whsec_" + base64.b64encode(secrets.token_bytes(32)).decode())


@hooks_app.command("send")
def send_command(
    carrier: Annotated[str, typer.Argument(help="Carrier code, e.g. sandbox")],
    body_file: Annotated[Path, typer.Argument(help="The body to push: the carrier's tracking answer (JSON)",
                                              exists=True, dir_okay=False, readable=True)],
    url: Annotated[str, typer.Option("--url", help="The parceltrail server")] = "http://127.0.0.1:8000",
    delivery_id: Annotated[str | None, typer.Option("--id", help="webhook-id (default: a fresh one)")] = None,
) -> None:
    """Sign a body with the carrier's configured secret and push it as the carrier would; print the answer."""
    import httpx

    from parceltrail.services.clock import WallClock
    from parceltrail.services.hook_signatures import scheme_for

    secret = get_settings().hook_secrets.get(carrier)
    if secret is None:
        raise UserError(f"no push secret for {carrier!r} in PARCELTRAIL_HOOK_SECRETS")
    body = body_file.read_bytes()
    delivery = delivery_id or f"msg_{secrets.token_hex(12)}"
    try:
        headers = scheme_for(carrier).headers(secret.get_secret_value(), delivery, WallClock().now(), body)
    except ValueError as error:
        problem = f"the secret for {carrier!r} in PARCELTRAIL_HOOK_SECRETS is not usable ({error})"
        raise UserError(problem) from None
    try:
        response = httpx.post(f"{url.rstrip('/')}/v1/hooks/{carrier}", content=body, timeout=10,
                              headers={"content-type": "application/json", **headers})
    except httpx.HTTPError as error:
        raise UserError(f"could not reach {url}: {error}") from None
    typer.echo(f"{response.status_code} {response.text}")
    if response.status_code >= 400:
        raise typer.Exit(1)


@hooks_app.command("status")
def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Failed deliveries to list")] = 20,
) -> None:
    """How many deliveries are pending, done and failed, and why the newest failures failed."""
    from parceltrail.services.hooks import MAX_ATTEMPTS, inbox_status
    from parceltrail.store import UnitOfWork

    status = inbox_status(UnitOfWork(open_database()), limit)
    failed = [{"id": d.id, "carrier": d.carrier, "delivery_id": d.delivery_id, "attempts": d.attempts,
               "given_up": d.attempts >= MAX_ATTEMPTS, "received_at": d.received_at.isoformat(),
               "error": d.error} for d in status.failed]
    if as_json:
        typer.echo(json.dumps({"counts": status.counts, "failed": failed}, indent=1))
        return
    counts = ", ".join(f"{status.counts.get(s, 0)} {s}" for s in ("pending", "done", "failed"))
    typer.echo(f"push inbox: {counts}")
    for d in failed:
        state = "given up" if d["given_up"] else f"attempt {d['attempts']} of {MAX_ATTEMPTS}"
        typer.echo(f"  #{d['id']} {d['carrier']} {d['delivery_id'] or '-'} ({state}): {d['error']}")


@hooks_app.command("retry")
def retry_command(
    inbox_id: Annotated[int, typer.Argument(help="The delivery's inbox id (from status)")],
) -> None:
    """Give a failed delivery a fresh set of attempts; the worker takes it up within a minute."""
    from parceltrail.services import NotFound
    from parceltrail.services.hooks import retry_delivery
    from parceltrail.store import UnitOfWork

    try:
        retry_delivery(UnitOfWork(open_database()), inbox_id)
    except NotFound as error:
        raise UserError(str(error)) from None
    typer.echo(f"delivery {inbox_id} is pending again")


def register(app: typer.Typer) -> None:
    app.add_typer(hooks_app, name="hooks")
