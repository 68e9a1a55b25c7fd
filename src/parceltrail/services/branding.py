"""A shop's look on its buyers' tracking pages: name shown, brand colour, logo, support address.

The logo must be PNG, JPEG, GIF or WebP (recognised by its first bytes, not by a name or a declared
type) and at most 256 KB. SVG is refused: it can carry script, and the page serves the logo from our
own origin.
"""

from __future__ import annotations

import re

from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.staff import EMAIL
from parceltrail.store import UnitOfWork
from parceltrail.store.branding import Branding

MAX_LOGO_BYTES = 256 * 1024
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))


def logo_type(data: bytes) -> str | None:
    for magic, media in _MAGIC:
        if data.startswith(magic):
            return media
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def set_branding(uow: UnitOfWork, shop_id: str, display_name: str | None = None, colour: str | None = None,
                 support_email: str | None = None, logo: bytes | None = None, keep_logo: bool = True) -> Branding:
    """Replace the shop's branding. ``logo`` replaces the logo; ``keep_logo=False`` without one removes it."""
    errors: list[FieldError] = []
    name = " ".join((display_name or "").split()) or None
    if name and len(name) > 80:
        errors.append(FieldError("display_name", "expected at most 80 characters"))
    colour = (colour or "").strip() or None
    if colour and not _COLOUR.fullmatch(colour):
        errors.append(FieldError("colour", "expected a hex colour like #1a73e8"))
    email = (support_email or "").strip() or None
    if email and not EMAIL.fullmatch(email):
        errors.append(FieldError("support_email", "expected an e-mail address like help@example.com"))
    media = None
    if logo:
        media = logo_type(logo)
        if media is None:
            errors.append(FieldError("logo", "expected a PNG, JPEG, GIF or WebP image"))
        elif len(logo) > MAX_LOGO_BYTES:
            errors.append(FieldError("logo", f"expected at most {MAX_LOGO_BYTES // 1024} KB"))
    if errors:
        raise InvalidInput("branding is not valid", errors)
    branding = Branding(shop_id, name, colour.lower() if colour else None, media, email, utcnow())
    with uow:
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        uow.branding.put(branding, logo or None, keep_logo=keep_logo and not logo)
        uow.commit()
    return branding


def get_branding(uow: UnitOfWork, shop_id: str) -> Branding:
    with uow.read():
        return uow.branding.get(shop_id) or Branding(shop_id)


def shop_logo(uow: UnitOfWork, shop_id: str) -> tuple[bytes, str] | None:
    with uow.read():
        return uow.branding.logo(shop_id)
