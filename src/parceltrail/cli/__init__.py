"""Typer commands: thin wrappers that parse arguments, call a service and print.

Every module in this package that defines ``register(app)`` is picked up by ``cli.main``, so a
capability adds its commands by adding one module here, without editing a shared list.
Modules import heavy libraries inside their commands, not at import time: ``parceltrail --help``
must stay fast.
"""
