"""The one error type commands raise for a mistake the person at the keyboard can fix.

It lives apart from ``cli.main`` because importing ``main`` registers every command module, and those
modules need this class first: any command module can then be imported on its own (a test, a tool).
"""

from __future__ import annotations


class UserError(Exception):
    """A mistake the person at the keyboard can fix; printed as one line, exit code ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
