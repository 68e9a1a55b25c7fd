"""Request dependencies: a unit of work per request and the shop behind the bearer key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from parceltrail.services import authenticate
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork

_bearer = HTTPBearer(auto_error=False, description="A shop's API key: Authorization: Bearer pt_...")


def get_uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_shop_id(
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "send your API key as 'Authorization: Bearer <key>'", headers=challenge)
    shop_id = authenticate(uow, credentials.credentials)
    if shop_id is None:
        raise HTTPException(401, "the API key is not valid (unknown or revoked)", headers=challenge)
    return shop_id


Uow = Annotated[UnitOfWork, Depends(get_uow)]
ShopId = Annotated[str, Depends(get_shop_id)]
AppSettings = Annotated[Settings, Depends(get_settings)]
