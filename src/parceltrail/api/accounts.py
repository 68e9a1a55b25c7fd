"""Routes under /v1/carrier-accounts: a shop connects its own carrier accounts for polling."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from parceltrail.api.deps import AppSettings, ShopId, Uow
from parceltrail.api.schemas import NO_CONTROL, CarrierPath, Strict
from parceltrail.services.accounts import list_accounts, remove_account, set_account
from parceltrail.store.accounts import CarrierAccount

_ONE_OF = [
    {"required": ["credentials"], "properties": {"credentials": {"type": "object"}, "env_prefix": {"type": "null"}}},
    {"required": ["env_prefix"], "properties": {"env_prefix": {"type": "string"}, "credentials": {"type": "null"}}},
]

router = APIRouter(prefix="/v1/carrier-accounts", tags=["carrier accounts"])


class AccountBody(Strict):
    """Exactly one of ``credentials`` or ``env_prefix``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"oneOf": _ONE_OF})

    credentials: dict[str, Annotated[str, Field(max_length=2000, pattern=NO_CONTROL)]] | None = Field(
        None, description="The carrier's credential fields, e.g. {client_id, client_secret}; stored encrypted. "
        "Not base_url: where requests go is the operator's PARCELTRAIL_<CARRIER>_BASE_URL",
        examples=[{"client_id": "abc", "client_secret": "..."}])
    env_prefix: str | None = Field(
        None, pattern=r"^[A-Z][A-Z0-9_]{1,100}_$",
        description="Or: the prefix of environment variables that hold them, inside the shop's namespace "
        "PARCELTRAIL_SHOP_<SHOP ID>_ (the id upper-cased)",
        examples=["PARCELTRAIL_SHOP_SHOP_01JB3M6Q0ZKX4W5T8N9P2R7VYC_UPS_"])


class AccountOut(BaseModel):
    """A connected account. Secrets never come back: ``stored`` says how they are kept."""

    carrier: str
    stored: str  # encrypted | environment
    env_prefix: str | None
    updated_at: datetime

    @classmethod
    def of(cls, account: CarrierAccount) -> AccountOut:
        return cls(carrier=account.carrier, stored="environment" if account.env_ref else "encrypted",
                   env_prefix=account.env_ref, updated_at=account.updated_at)


@router.put("/{carrier}", response_model=AccountOut)
def put_account(carrier: CarrierPath, body: AccountBody, shop_id: ShopId, uow: Uow, settings: AppSettings) -> AccountOut:
    """Connect (or replace) this shop's account with a carrier; polling uses it from the next check on."""
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    return AccountOut.of(set_account(uow, shop_id, carrier.lower(), key, body.credentials, body.env_prefix))


@router.get("", response_model=list[AccountOut])
def get_accounts(shop_id: ShopId, uow: Uow) -> list[AccountOut]:
    return [AccountOut.of(a) for a in list_accounts(uow, shop_id)]


@router.delete("/{carrier}", status_code=204)
def delete_account(carrier: CarrierPath, shop_id: ShopId, uow: Uow) -> Response:
    remove_account(uow, shop_id, carrier.lower())
    return Response(status_code=204)
