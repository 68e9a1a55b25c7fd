"""The ``parceltrail`` console script: discovers command modules and turns user errors into one line."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

import parceltrail.cli as cli_package
from parceltrail.cli.errors import UserError

app = typer.Typer(
    name="parceltrail",
    help="Package tracking for online sellers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda m: m.name):
        if info.name in ("main", "errors"):
            continue
        module = importlib.import_module(f"parceltrail.cli.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_commands()


def main() -> None:
    try:
        app()
    except UserError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
