"""Seller staff: accounts per shop with a role, argon2 password hashes, sign-in, notes on packages.

argon2id (argon2-cffi's defaults: RFC 9106's low-memory profile) because staff passwords, unlike API
keys, are chosen by people and must resist offline guessing. An unknown e-mail still costs one hash, so
response time does not tell which e-mails have accounts. Hashes are upgraded on sign-in when the
parameters change.
"""

from __future__ import annotations

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.store import UnitOfWork
from parceltrail.store.ids import new_id
from parceltrail.store.staff import ROLES, Note, Staff

MIN_PASSWORD = 10
MAX_NOTE = 4000
_HASHER = PasswordHasher()


@cache
def _dummy() -> str:
    """The hash an unknown e-mail is checked against. Made on the first sign-in, not at import: every
    CLI command, worker and server imports this module, and one argon2 hash is a third of a CPU second."""
    return _HASHER.hash("not a password anyone has")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}")


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    if not EMAIL.fullmatch(email):
        raise InvalidInput("e-mail is not valid", [FieldError("email", "expected an address like ops@example.com")])
    return email


def create_staff(uow: UnitOfWork, shop_id: str, email: str, password: str, role: str = "owner") -> Staff:
    email = normalize_email(email)
    if role not in ROLES:
        raise InvalidInput("role is not valid", [FieldError("role", f"expected one of: {', '.join(ROLES)}")])
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password is too short", [FieldError("password", f"expected at least {MIN_PASSWORD} characters")])
    now = utcnow()
    member = Staff(new_id("staff"), shop_id, email, role, now, now)
    password_hash = _HASHER.hash(password)
    with uow:
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        if uow.staff.by_email(email) is not None:
            raise InvalidInput("this e-mail already has an account", [FieldError("email", "use another address")])
        uow.staff.add(member, password_hash)
        uow.commit()
    return member


def set_password(uow: UnitOfWork, staff_id: str, password: str) -> None:
    """Replace a password (and end the account's sessions, as any password change should)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password is too short", [FieldError("password", f"expected at least {MIN_PASSWORD} characters")])
    now = utcnow()
    with uow:
        if uow.staff.get(staff_id) is None:
            raise NotFound("staff", staff_id)
        uow.staff.set_password_hash(staff_id, _HASHER.hash(password))
        uow.staff.end_sessions(staff_id, now)
        uow.commit()


def demo_owner(uow: UnitOfWork, shop_id: str, email: str) -> str:
    """The demo shop's owner account with a fresh random password each start; returns the password."""
    import secrets

    password = secrets.token_urlsafe(12)
    with uow.read():
        found = uow.staff.by_email(email)
    if found is None:
        create_staff(uow, shop_id, email, password, "owner")
    else:
        set_password(uow, found[0].id, password)
    return password


def sign_in(uow: UnitOfWork, email: str, password: str) -> Staff | None:
    """The staff member whose e-mail and password these are, or None (and the same work either way)."""
    try:
        email = normalize_email(email)
    except InvalidInput:
        email = ""
    dummy = _dummy()  # first, whoever signs in: the first sign-in costs the same for any e-mail
    with uow.read():
        found = uow.staff.by_email(email) if email else None
    stored = found[1] if found else dummy
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if found is None:
        return None
    member = found[0]
    with uow:
        uow.staff.logged_in(member.id, utcnow(), _HASHER.hash(password) if _HASHER.check_needs_rehash(stored) else None)
        uow.commit()
    return member


def get_staff(uow: UnitOfWork, staff_id: str) -> Staff | None:
    with uow.read():
        return uow.staff.get(staff_id)


def shop_staff(uow: UnitOfWork, shop_id: str) -> list[Staff]:
    with uow.read():
        return uow.staff.of_shop(shop_id)


def end_sessions(uow: UnitOfWork, staff_id: str) -> None:
    """Sign this person out everywhere: every session cookie issued before now stops working."""
    with uow:
        uow.staff.end_sessions(staff_id, utcnow())
        uow.commit()


def add_note(uow: UnitOfWork, member: Staff, package_id: str, body: str) -> None:
    text = body.strip()
    if not text or len(text) > MAX_NOTE:
        raise InvalidInput("note is not valid", [FieldError("body", f"expected 1 to {MAX_NOTE} characters")])
    with uow:
        if uow.packages.get(member.shop_id, package_id) is None:
            raise NotFound("package", package_id)
        uow.staff.add_note(package_id, member.id, text, utcnow())
        uow.commit()


def package_notes(uow: UnitOfWork, shop_id: str, package_id: str) -> list[Note]:
    with uow.read():
        if uow.packages.get(shop_id, package_id) is None:
            raise NotFound("package", package_id)
        return uow.staff.notes(package_id)
