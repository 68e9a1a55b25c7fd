"""``parceltrail eta train`` and ``parceltrail eta show``: a shop's own delivery-date model.

The commands join the ``eta`` group defined in ``cli/eta.py`` (the backtest lives there).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from parceltrail.cli.context import open_database
from parceltrail.cli.errors import UserError
from parceltrail.services import InvalidInput, NotFound
from parceltrail.store import UnitOfWork

if TYPE_CHECKING:
    from parceltrail.services.track_record import MomentRecord

Shop = Annotated[str, typer.Option("--shop", help="The shop id (shop_...)")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]
OwnSpread = Annotated[bool, typer.Option(
    "--own-spread", help="Choose how wide windows and promises are on this shop's own last months (one training "
    "per month held out; says what is missing when the history is too short) instead of the shipped defaults")]
MOMENT_NAMES = {"placed": "order placed", "handoff": "carrier handoff"}
TRACK_RECORD_LEGEND = (
    "track record: for each parcel delivered lately, the first estimate it got at two moments, judged against "
    "the day it arrived: when the order was placed (before any carrier scan), and at carrier handoff (the "
    "carrier's first scan, once the parcel is on its way; the window is narrower from there)")


def train(shop: Shop, own_spread: OwnSpread = False, as_json: AsJson = False) -> None:
    """Train the shop's delivery-date model on its delivered packages; new estimates use it at once."""
    from rich.progress import Progress

    from parceltrail.services.history import train_shop_model

    uow = UnitOfWork(open_database())
    try:
        if as_json:
            trained = train_shop_model(uow, shop, own_spread=own_spread)
        else:
            with Progress(transient=True) as bar:
                task = bar.add_task("training", total=None)

                def progress(step: str, done: int, total: int) -> None:
                    bar.update(task, description=step, completed=done, total=total)

                trained = train_shop_model(uow, shop, progress=progress, own_spread=own_spread)
    except (InvalidInput, NotFound) as error:
        raise UserError(str(error)) from None
    info = trained.info
    if as_json:
        typer.echo(json.dumps({"shop_id": info.shop_id, "trained_at": info.trained_at.isoformat(),
                               "n_rows": info.n_rows, "spread": trained.facts["spread"]}))
        return
    typer.echo(f"trained on {info.n_rows} delivered packages at {info.trained_at:%Y-%m-%d %H:%M} UTC")
    typer.echo(_spread_line(trained.facts["spread"]))


def show(shop: Shop, as_json: AsJson = False) -> None:
    """What the shop's estimates rest on: its delivered history and its trained model, if any."""
    from parceltrail.services.history import model_status
    from parceltrail.services.track_record import TRACK_DAYS

    try:
        status = model_status(UnitOfWork(open_database()), shop)
    except NotFound as error:
        raise UserError(str(error)) from None
    model = status.model
    if as_json:
        typer.echo(json.dumps({
            "shop_id": shop, "delivered_packages": status.delivered, "source": status.source,
            "model": None if model is None else {
                "trained_at": model.trained_at.isoformat(), "n_rows": model.n_rows,
                "history_as_of": (model.history_as_of or model.trained_at).isoformat(),
                "network": status.network, "refused": status.refused, "spread": status.spread,
            },
            "track_record": {"days": TRACK_DAYS, **{m: r.to_dict() for m, r in status.track_record.items()}},
        }))
        return
    typer.echo(f"delivered packages: {status.delivered}")
    if model is None:
        typer.echo("model: none yet; estimates use carrier standards (train with: parceltrail eta train --shop ID)")
    else:
        typer.echo(f"model: trained {model.trained_at:%Y-%m-%d %H:%M} UTC on {model.n_rows} deliveries; "
                   f"history read {(model.history_as_of or model.trained_at):%Y-%m-%d %H:%M} UTC")
        if status.refused:
            typer.echo(f"model not used: {status.refused}; estimates use carrier standards until it is trained "
                       "again (parceltrail eta train --shop ID)")
        else:
            typer.echo(_spread_line(status.spread))
        for country, flow in status.network.items():
            typer.echo(f"network {country}: {_flow_line(flow)}")
    typer.echo(f"new estimates come from: {status.source}")
    typer.echo(TRACK_RECORD_LEGEND)
    for moment, record in status.track_record.items():
        typer.echo(_record_line(moment, record, TRACK_DAYS))
        if record.by_lane_length:
            typer.echo("  by lane length: " + "; ".join(
                _lane_part(lane, r) for lane, r in record.by_lane_length.items()))


def _record_line(moment: str, record: MomentRecord, days: int) -> str:
    """Did the estimates keep their claims on this shop's own parcels?"""
    head = f"track record, {MOMENT_NAMES[moment]}, last {days} days:"
    if not record.delivered:
        return f"{head} no delivered package had an estimate then"
    return (f"{head} {record.delivered} delivered; {record.inside_window:.0%} inside the window (claim 80%), "
            f"promise met {record.promise_met:.0%} (claim 95%, mean slack {record.mean_promise_slack_days:g} d), "
            f"likely day within ±1 day {record.likely_within_1d:.0%}"
            + (f"; {' and '.join(record.short_of_claim)} short of the claim beyond chance" if record.short_of_claim else "")
            + (f"; {' and '.join(record.beyond_claim)} held more than claimed beyond chance (wider than need be)"
               if record.beyond_claim else "")
            + (": the spread may not fit this shop's network (parceltrail eta train --own-spread chooses it on the "
               "shop's latest months)" if record.short_of_claim or record.beyond_claim else ""))


def _spread_line(spread: dict) -> str:
    """Where the width of windows and promises comes from, and how it held where it was chosen."""
    if spread.get("source") != "own_months":
        return ("spread: the shipped defaults (chosen on Olist's months; parceltrail eta train --own-spread "
                "chooses one on this shop's months)")
    months, held_at = spread["months"], spread["held"]
    held = "; ".join(
        f"{name}: window held {h['coverage']:.0%} ({h['width']:.1f} d wide), promise met {h['on_time']:.0%} "
        f"(slack {h['slack']:.1f} d)" if (h := held_at.get(moment)) else f"{name}: the shipped defaults (too few handoffs)"
        for moment, name in MOMENT_NAMES.items())
    return f"spread: chosen on this shop's months {months[0]} to {months[-1]} ({spread['orders']} orders); {held}"


def _lane_part(lane: str, record: MomentRecord) -> str:
    name = lane.replace("_to_", "-").replace("_", " ")
    flags = f" ({' and '.join(record.short_of_claim)} short of the claim)" if record.short_of_claim else ""
    flags += f" ({' and '.join(record.beyond_claim)} wider than need be)" if record.beyond_claim else ""
    return (f"{name}: {record.delivered} delivered, {record.inside_window:.0%} inside the window, "
            f"promise met {record.promise_met:.0%}{flags}")


def _flow_line(flow: dict) -> str:
    """One line an operator can read: how long orders are taking now, and how much is still out."""
    orders = flow["orders_last_3_weeks"]
    if flow["pace_days"] is None:
        return f"{orders} orders in the last 3 weeks, too few for a pace"
    parts = [f"{flow['pace_days']:g} working days from order to door (median of {orders} orders of the last 3 weeks)"]
    if flow.get("handoff_pace_days") is not None:
        parts.append(f"{flow['handoff_pace_days']:g} from handoff (the carrier's first scan) to door")
    if flow["delivered_of_placed_5_10_days_ago"] is not None:
        parts.append(f"{flow['delivered_of_placed_5_10_days_ago']:.0%} of orders placed 5-10 days ago delivered")
    if flow["order_surge"] is not None:
        parts.append(f"this week's orders {flow['order_surge']:.1f}x the usual")
    return "; ".join(parts)


def register(app: typer.Typer) -> None:
    from parceltrail.cli.eta import eta_app

    eta_app.command("train")(train)
    eta_app.command("show")(show)
