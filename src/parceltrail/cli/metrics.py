"""``parceltrail metrics``: a shop's TikTok Shop fulfillment metrics, counted before TikTok does."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from parceltrail.cli.errors import UserError


def _metric_json(m) -> dict:
    iso = (lambda t: t.isoformat() if t else None)  # noqa: E731
    return {"value": m.value, "numerator": m.numerator, "denominator": m.denominator, "threshold": m.threshold,
            "breached": m.breached, "projected_value": m.projected_value, "projected_breach": m.projected_breach,
            "breach_at": iso(m.breach_at), "window": {"start": iso(m.window_start), "end": iso(m.window_end)},
            "orders": [{"order_id": o.order_id, "why": o.why, "when": iso(o.when)} for o in m.movers]}


def guard_json(g) -> dict:
    return {"as_of": g.now.isoformat(), "late_dispatch_rate": _metric_json(g.ldr),
            "valid_tracking_rate": _metric_json(g.vtr), "on_time_delivery_rate": _metric_json(g.otdr),
            "auto_cancel_risk": [{"order_id": o.order_id, "why": o.why, "when": o.when.isoformat() if o.when else None}
                                 for o in g.auto_cancel_risk]}


def metrics_command(
    shop: Annotated[str, typer.Option("--shop", help="The shop id")],
    ldr_max: Annotated[float, typer.Option("--ldr-max", help="Late Dispatch Rate threshold")] = 0.04,
    vtr_min: Annotated[float, typer.Option("--vtr-min", help="Valid Tracking Rate threshold")] = 0.95,
    otdr_min: Annotated[float, typer.Option("--otdr-min", help="On-Time Delivery Rate threshold")] = 0.80,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Late Dispatch Rate, Valid Tracking Rate, On-Time Delivery Rate and orders at auto-cancel risk: today's
    value, the projection from parcels in flight, and the orders that move each number."""
    from parceltrail.cli.context import open_database
    from parceltrail.core.metrics import Thresholds
    from parceltrail.services import NotFound
    from parceltrail.services.metrics import tiktok_metrics
    from parceltrail.store import UnitOfWork

    for name, value in (("--ldr-max", ldr_max), ("--vtr-min", vtr_min), ("--otdr-min", otdr_min)):
        if not 0 <= value <= 1:
            raise UserError(f"{name} {value}: expected a share between 0 and 1, e.g. 0.04")
    try:
        g = tiktok_metrics(UnitOfWork(open_database()), shop,
                           thresholds=Thresholds(ldr_max=ldr_max, vtr_min=vtr_min, otdr_min=otdr_min))
    except NotFound as error:
        raise UserError(str(error)) from None
    if as_json:
        typer.echo(json.dumps(guard_json(g), indent=1))
        return
    for m, label in ((g.ldr, "Late Dispatch Rate"), (g.vtr, "Valid Tracking Rate"), (g.otdr, "On-Time Delivery Rate")):
        sign = "<=" if not m.higher_is_better else ">="
        today = "no orders yet" if m.value is None else f"{m.value:.1%} ({m.numerator}/{m.denominator})"
        status = "BREACHED" if m.breached else ("will breach" if m.projected_breach else "ok")
        projected = "" if m.projected_value is None else f"; projected {m.projected_value:.1%}"
        when = f", from {m.breach_at:%b %d %H:%M} UTC" if m.breach_at and not m.breached else ""
        typer.echo(f"{label}: {today}{projected} (TikTok: {sign} {m.threshold:.0%}) {status}{when}")
        for o in m.movers[:10]:
            typer.echo(f"    {o.order_id}: {o.why}")
    typer.echo(f"Orders at auto-cancel risk: {len(g.auto_cancel_risk)}")
    for o in g.auto_cancel_risk[:10]:
        typer.echo(f"    {o.order_id}: {o.why}")


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics_command)
