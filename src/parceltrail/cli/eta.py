"""``parceltrail eta``: delivery-date model commands.

``backtest`` replays the public Olist orders: train on what was known at the cut-off, score orders
placed after it, compare with the shop's own estimate and a per-lane median (docs/delivery-dates.md).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

eta_app = typer.Typer(name="eta", help="Delivery-date estimates.", no_args_is_help=True)

def register(app: typer.Typer) -> None:
    app.add_typer(eta_app, name="eta")


def _read_olist(directory: Path) -> dict[str, bytes]:
    from parceltrail.cli.errors import UserError
    from parceltrail.eta.olist import FILES

    if not directory.is_dir():
        raise UserError(f"--olist {directory}: not a directory")
    missing = [name for name in FILES.values() if not (directory / name).is_file()]
    if missing:
        raise UserError(f"--olist {directory}: missing {', '.join(missing)}")
    return {key: (directory / name).read_bytes() for key, name in FILES.items()}


def _parse_cutoff(text: str) -> datetime:
    from parceltrail.cli.errors import UserError
    from parceltrail.eta.olist import BRAZIL

    try:
        return datetime.fromisoformat(text).replace(tzinfo=BRAZIL)
    except ValueError:
        raise UserError(f"--cutoff {text!r}: expected a date like 2018-06-01") from None


def _table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Olist backtest: {result['n_train']} training orders, {result['n_test']} test orders")
    for column in ("predictor", "MAE d", "±1 d", "±2 d", "±3 d", "80% window cover", "width d", "promise met", "slack d"):
        table.add_column(column, justify="right" if column != "predictor" else "left")

    def pct(x: float | None) -> str:
        return "" if x is None else f"{100 * x:.1f}%"

    for label, key in (("model, order placed", "model"), ("model, carrier handoff", "at_carrier_handoff")):
        s = result[key]
        table.add_row(label, f"{s['mae_days']:.2f}", pct(s["within_1d"]), pct(s["within_2d"]), pct(s["within_3d"]),
                      pct(s["window"]["coverage"]), f"{s['window']['mean_width_days']:.1f}",
                      pct(s["promise"]["on_time"]), f"{s['promise']['mean_slack_days']:.1f}")
    lane, shop = result["baselines"]["lane_median"], result["baselines"]["olist_estimate"]
    table.add_row("lane median", f"{lane['mae_days']:.2f}", pct(lane["within_1d"]), pct(lane["within_2d"]),
                  pct(lane["within_3d"]), "", "", "", "")
    table.add_row("shop estimate", f"{shop['mae_days']:.2f}", "", "", "", "", "",
                  pct(shop["on_time"]), f"{shop['mean_slack_days']:.1f}")
    Console().print(table)


@eta_app.command("backtest")
def backtest(
    olist: Annotated[Path, typer.Option("--olist", help="Directory with the Olist CSVs (gzipped).")],
    cutoff: Annotated[str, typer.Option("--cutoff", help="Train on orders delivered before this date.")] = "2018-06-01",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    frozen_history: Annotated[bool, typer.Option(
        "--frozen-history", help="Freeze lane and seller history at the cut-off too (no daily refresh).")] = False,
) -> None:
    """Train on Olist orders known at the cut-off, score the orders placed after it."""
    from parceltrail.cli.errors import UserError
    from parceltrail.eta.backtest import run_backtest
    from parceltrail.eta.olist import parse_olist

    when = _parse_cutoff(cutoff)
    orders = parse_olist(_read_olist(olist))
    try:
        if as_json:
            result = run_backtest(orders.rows, orders.shop_estimates, when, frozen_history=frozen_history)
        else:
            result = _with_progress(lambda progress: run_backtest(
                orders.rows, orders.shop_estimates, when, progress=progress, frozen_history=frozen_history))
    except ValueError as error:
        raise UserError(f"--cutoff {cutoff}: {error}") from None
    if not result["n_test"]:
        raise UserError(f"--cutoff {cutoff}: no delivered orders were placed on or after the cut-off")
    if as_json:
        typer.echo(json.dumps(result))
    else:
        _table(result)


def _with_progress(run: Any) -> dict[str, Any]:
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        tasks: dict[str, Any] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task({"features": "history features", "boosters": "training"}.get(step, step),
                                           total=total)
            bar.update(tasks[step], completed=done)

        return run(progress)
