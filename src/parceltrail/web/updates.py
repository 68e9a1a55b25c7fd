"""The buyer's "get news of this parcel" card on ``/track/{number}``: a recipient who proved the ZIP asks
for e-mail or text updates; the address gets one confirmation link (``services.opt_ins``, notifications'
double opt-in) and hears nothing more until its owner presses the button behind that link.

One small form per channel (an e-mail field typed ``email``, a phone field typed ``tel``) so each field
has its own label, keyboard and error, and nothing needs JavaScript. The forms are ``novalidate``: the
server's answer, in the page's language and next to the field, is the only error a buyer sees. Same
protections as the page's other forms: CSRF token and Origin check, proof of the ZIP (``pt_proof``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from parceltrail.services import InvalidInput
from parceltrail.services.opt_ins import Asked, opt_in_channels
from parceltrail.store import UnitOfWork


@dataclass(frozen=True, slots=True)
class Updates:
    """What the updates card shows: the channels offered, and the answer to the last request if any."""

    channels: tuple[str, ...] = ()
    asked: Asked | None = None
    error: str | None = None
    """A catalogue key: ``updates.bad_email``, ``updates.bad_phone``, ``updates.taken``, ...."""
    channel: str | None = None
    typed: str = ""


def secret_key(request: Request) -> str | None:
    key = request.app.state.settings.secret_key
    return key.get_secret_value() if key else None


def email_enabled(request: Request) -> bool:
    return request.app.state.settings.smtp_url is not None


def offered(request: Request, shop_id: str) -> tuple[str, ...]:
    """E-mail when the server has SMTP, text when the shop has an SMS gateway; nothing without a secret key,
    because the confirmation links are signed with it."""
    if secret_key(request) is None:
        return ()
    return opt_in_channels(UnitOfWork(request.app.state.engine), shop_id, email_enabled(request))


def error_key(problem: InvalidInput, channel: str) -> str:
    """The catalogue key for a refused address: the channel not offered, or the field's expected form."""
    if "channel" in {e.field for e in problem.errors}:
        return "updates.no_channel"
    return "updates.bad_phone" if channel == "sms" else "updates.bad_email"
