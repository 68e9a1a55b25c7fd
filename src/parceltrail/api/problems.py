"""RFC 9457 problem+json for every error the API returns, with a message a person can act on."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.errors import Conflict

MEDIA_TYPE = "application/problem+json"

# Pydantic's wording for a few error types, replaced by what the caller should send instead.
_BETTER = {
    "timezone_aware": "expected an ISO 8601 time with a UTC offset, e.g. 2026-11-20T14:05:00-05:00",
    "datetime_from_date_parsing": "expected an ISO 8601 time with a UTC offset, e.g. 2026-11-20T14:05:00-05:00",
    "datetime_parsing": "expected an ISO 8601 time with a UTC offset, e.g. 2026-11-20T14:05:00-05:00",
    "missing": "this field is required",
    "extra_forbidden": "unknown field; check the spelling against /openapi.json",
}


def problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("function-after", "model-after") or str(part).startswith(("function-", "constrained-")):
            continue
        else:
            text += ("." if text else "") + str(part)
    return text or "body"


def _message(error: dict[str, Any]) -> str:
    better = _BETTER.get(error["type"])
    if better:
        return better
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if any(e["type"] == "json_invalid" for e in errors):
        where = next(e for e in errors if e["type"] == "json_invalid")
        reason = where.get("ctx", {}).get("error", "syntax error")
        return problem(400, "Malformed JSON", f"the request body is not valid JSON ({reason}); nothing was stored")
    fields = [{"field": _field_path(tuple(e["loc"])), "message": _message(e)} for e in errors]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:3])
    more = f" (and {len(fields) - 3} more)" if len(fields) > 3 else ""
    return problem(422, "Invalid input", f"{summary}{more}; nothing was stored", fields)


async def _invalid(_: Request, exc: InvalidInput) -> JSONResponse:
    fields = [{"field": e.field, "message": e.message} for e in exc.errors]
    return problem(422, "Invalid input", str(exc) + "; nothing was stored", fields)


async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
    return problem(404, "Not found", f"{exc} in this shop")


async def _conflict(_: Request, exc: Conflict) -> JSONResponse:
    return problem(409, "Conflict", str(exc))


async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    titles = {401: "Unauthorized", 404: "Not found", 405: "Method not allowed", 413: "Body too large"}
    title = titles.get(exc.status_code, "Error")
    return problem(exc.status_code, title, str(exc.detail), headers=getattr(exc, "headers", None))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(InvalidInput, _invalid)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(StarletteHTTPException, _http)
