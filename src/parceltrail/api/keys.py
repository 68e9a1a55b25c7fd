"""Routes under /v1/keys: a shop's API keys. A key is shown once, when minted; afterwards its id and first
characters identify it. Rolling mints a new key and lets the old one work for a grace period."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from parceltrail.api.deps import ShopId, Uow
from parceltrail.api.schemas import PathId, Strict
from parceltrail.services import list_keys, mint_key, revoke_key, roll_key
from parceltrail.services.clock import WallClock
from parceltrail.services.shops import MAX_GRACE, NewKey
from parceltrail.store.shops import ApiKey

router = APIRouter(prefix="/v1/keys", tags=["API keys"])


class KeyOut(BaseModel):
    id: str
    prefix: str = Field(description="The key's first characters, to tell keys apart; the key itself is never shown again")
    state: str = Field(description="active, expiring (works until expires_at), expired or revoked")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> KeyOut:
        return cls(id=key.id, prefix=key.prefix, state=key.state(WallClock().now()), created_at=key.created_at,
                   expires_at=key.expires_at, revoked_at=key.revoked_at)


class NewKeyOut(KeyOut):
    api_key: str = Field(description="The new key, shown only now: store it; only its hash is kept")

    @classmethod
    def minted(cls, new: NewKey) -> NewKeyOut:
        return cls(**KeyOut.of(new.key).model_dump(), api_key=new.api_key)


class RollBody(Strict):
    grace_seconds: int = Field(0, ge=0, le=int(MAX_GRACE.total_seconds()), examples=[3600],
                               description="How long the old key keeps working (0: it ends now)")


@router.get("", response_model=list[KeyOut])
def get_keys(shop_id: ShopId, uow: Uow) -> list[KeyOut]:
    """This shop's keys, oldest first: id, first characters, state and dates (never the keys)."""
    return [KeyOut.of(k) for k in list_keys(uow, shop_id)]


@router.post("", status_code=201, response_model=NewKeyOut)
def create_key(shop_id: ShopId, uow: Uow) -> NewKeyOut:
    """Mint another key for this shop; ``api_key`` is shown only in this answer."""
    return NewKeyOut.minted(mint_key(uow, shop_id))


@router.post("/{key_id}/roll", status_code=201, response_model=NewKeyOut)
def roll(key_id: PathId, shop_id: ShopId, uow: Uow, body: RollBody | None = None) -> NewKeyOut:
    """Replace a key: a new key now, and the old one keeps working for ``grace_seconds`` (default 0)."""
    grace = timedelta(seconds=body.grace_seconds if body else 0)
    return NewKeyOut.minted(roll_key(uow, key_id, grace, shop_id=shop_id))


@router.delete("/{key_id}", status_code=204)
def revoke(key_id: PathId, shop_id: ShopId, uow: Uow) -> Response:
    """End a key now. Requests with it answer 401 from here on (also this shop's own, if it is the key in use)."""
    revoke_key(uow, key_id, shop_id=shop_id)
    return Response(status_code=204)
