"""Request dependencies: a unit of work per request, the shop behind the bearer key, and the query guard."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from parceltrail.api.problems import ProblemError
from parceltrail.api.rates import limited
from parceltrail.services import FieldError, InvalidInput, authenticate
from parceltrail.settings import Settings
from parceltrail.store import UnitOfWork

_bearer = HTTPBearer(auto_error=False, description="A shop's API key: Authorization: Bearer pt_...")


# Dependencies that do no I/O are async: FastAPI runs a sync dependency in its thread pool, and each such hop
# (a hand-off to a thread and back, under the GIL) cost more than a read's database query (bench/load.py).
async def get_uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine)


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_shop_id(
    request: Request,
    uow: Annotated[UnitOfWork, Depends(get_uow)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The shop behind the bearer key; also where the query guard runs, so every operation a shop calls with
    its key refuses parameters it does not take (and third-party callbacks and web pages, which get extra
    parameters they cannot control, are left alone)."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "send your API key as 'Authorization: Bearer <key>'", headers=challenge)
    shop_id = authenticate(uow, credentials.credentials)
    if shop_id is None:
        wait = request.app.state.rates.charge_failed_key(request.scope)
        if wait > 0:  # a wrong key also spends from its address's anonymous bucket: guessing is slow
            raise limited(wait)
        raise HTTPException(401, "the API key is not valid (unknown, revoked or expired)", headers=challenge)
    refuse_unknown_query(request)
    return shop_id


def _declared_query(route: object) -> frozenset[str]:
    """The query parameters a route's endpoint and its dependencies declare (cached on the route)."""
    known = getattr(route, "_declared_query", None)
    if known is None:
        names: set[str] = set()
        stack = [route.dependant]  # type: ignore[attr-defined]
        while stack:
            dependant = stack.pop()
            names.update(field.alias for field in dependant.query_params)
            stack.extend(dependant.dependencies)
        known = frozenset(names)
        route._declared_query = known  # type: ignore[attr-defined]
    return known


def refuse_unknown_query(request: Request) -> None:
    """400 naming every query parameter the operation does not take: a misspelt filter (``?stauts=``) must
    not silently return the unfiltered list. Runs for every route that takes an API key (``ShopId``), so
    every router added later has it."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant") or not request.query_params:
        return
    known = _declared_query(route)
    unknown = sorted(set(request.query_params.keys()) - known)
    if unknown:
        takes = f"it takes: {', '.join(sorted(known))}" if known else "it takes none"
        raise ProblemError(
            400, f"unknown query parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; {takes}",
            [{"field": name, "message": f"this operation takes no '{name}' parameter; {takes}"} for name in unknown],
            title="Unknown query parameter",
        )


async def page_limit(
    request: Request,
    limit: Annotated[int, Query(ge=1, description="Items per page (the server's maximum is in the schema)")] = 50,
) -> int:
    """The page size every list takes, capped by ``PARCELTRAIL_PAGE_SIZE_MAX`` (declared in the OpenAPI too)."""
    maximum = request.app.state.settings.page_size_max
    if limit > maximum:
        raise InvalidInput("limit is too large", [FieldError("limit", f"expected 1 to {maximum}")])
    return limit


Uow = Annotated[UnitOfWork, Depends(get_uow)]
ShopId = Annotated[str, Depends(get_shop_id)]
AppSettings = Annotated[Settings, Depends(get_settings)]
PageLimit = Annotated[int, Depends(page_limit)]
