"""Staff sessions in signed cookies: who is signed in, checked on every dashboard request.

The cookie (``pt_session``: HttpOnly, SameSite=Lax, Secure over HTTPS, path /app) holds the staff id and
when it was issued, signed with the pages' key; it expires after 12 hours. Signing out everywhere moves
the account's ``sessions_since`` forward, so older cookies stop working in every process at once.
"""

from __future__ import annotations

import time

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from parceltrail.services.staff import get_staff
from parceltrail.store import UnitOfWork
from parceltrail.store.staff import Staff
from parceltrail.web.keys import page_key, set_cookie

COOKIE = "pt_session"
MAX_AGE = 12 * 3600
PATH = "/app"


class SignInNeeded(Exception):
    """The request needs a signed-in staff member; the dashboard answers with the sign-in page."""


class OwnerOnly(Exception):
    """The signed-in staff member is not the shop's owner."""


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(page_key(request), salt="staff-session")


def issue(request: Request, response: Response, member: Staff) -> None:
    token = _serializer(request).dumps({"s": member.id, "t": time.time()})
    set_cookie(request, response, COOKIE, token, max_age=MAX_AGE, path=PATH)


def end(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH)


def signed_in(request: Request) -> Staff | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(request).loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), str):
        return None
    member = get_staff(UnitOfWork(request.app.state.engine), data["s"])
    if member is None or float(data.get("t", 0)) < member.sessions_since.timestamp():
        return None
    return member


def require_staff(request: Request) -> Staff:
    member = signed_in(request)
    if member is None:
        raise SignInNeeded
    request.state.staff = member
    return member


def require_owner(request: Request) -> Staff:
    member = require_staff(request)
    if member.role != "owner":
        raise OwnerOnly
    return member
