"""RFC 9457 problem+json for every error the API returns, with a message a person can act on.

Three things live here so every router gets them without asking: the exception handlers, the
catch-all for unexpected errors (``ServerErrors``: a problem+json 500 that leaves the keep-alive
connection usable), and the OpenAPI patch that declares the problem bodies on every operation in
place of FastAPI's ``HTTPValidationError``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parceltrail.services import Conflict, InvalidInput, NotFound

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("parceltrail.api")

# Pydantic's wording for a few error types, replaced by what the caller should send instead.
_TIME = "expected an ISO 8601 time with a UTC offset, e.g. 2026-11-20T14:05:00-05:00"
_BETTER = {
    "timezone_aware": _TIME,
    "datetime_from_date_parsing": _TIME,
    "datetime_parsing": _TIME,
    "datetime_type": _TIME,
    "missing": "this field is required",
    "extra_forbidden": "unknown field; check the spelling against /openapi.json",
}

TITLES = {
    400: "Bad request", 401: "Unauthorized", 404: "Not found", 405: "Method not allowed", 409: "Conflict",
    413: "Body too large", 422: "Invalid input", 429: "Too many requests", 500: "Server error",
    503: "Service unavailable",
}

DECLARED: dict[int, str] = {
    400: "Malformed request: the body is not JSON, or a query parameter this operation does not take",
    401: "No API key, or an unknown, revoked or expired one (WWW-Authenticate: Bearer)",
    404: "No such thing in this shop (another shop's ids answer exactly the same)",
    409: "The request conflicts with what is stored; `errors` names the fields",
    413: "The body is larger than the server accepts",
    422: "A field is wrong; `errors` names each one and what was expected. Nothing was stored",
    429: "Rate limit reached; wait the Retry-After seconds",
    500: "Unexpected server error; nothing was half-stored and the connection stays usable",
}
"""Declared on every operation, so a client generator sees the one error shape the API really sends."""

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. `errors` lists field-level problems (empty when there are none).",
    "type": "object",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string", "examples": ["/problems/invalid-input"]},
        "title": {"type": "string", "examples": ["Invalid input"]},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "examples": [422]},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string", "examples": ["events[1].occurred_at"]},
                           "message": {"type": "string", "examples": [_TIME]}},
        }},
    },
    "additionalProperties": True,
}


class ProblemError(Exception):
    """Raised by route code or dependencies for an answer that is neither a service error nor validation."""

    def __init__(self, status: int, detail: str, errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None, title: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title or TITLES.get(status, "Error")
        self.detail = detail
        self.errors = errors or []
        self.headers = headers


def problem_body(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None,
                 **extra: Any) -> dict[str, Any]:
    return {
        "type": f"/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors or [],
        **extra,
    }


def problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(problem_body(status, title, detail, errors, **extra), status_code=status,
                        media_type=MEDIA_TYPE, headers=headers)


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


def field_errors(fields: list[tuple[str, str]]) -> tuple[str, list[dict[str, str]]]:
    """A summary line and the ``errors`` list for (field, message) pairs."""
    errors = [{"field": f, "message": m} for f, m in fields]
    summary = "; ".join(f"{f}: {m}" for f, m in fields[:3])
    more = f" (and {len(fields) - 3} more)" if len(fields) > 3 else ""
    return summary + more, errors


async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if any(e["type"] == "json_invalid" for e in errors):
        where = next(e for e in errors if e["type"] == "json_invalid")
        reason = where.get("ctx", {}).get("error", "syntax error")
        return problem(400, "Malformed JSON", f"the request body is not valid JSON ({reason}); nothing was stored")
    summary, fields = field_errors([(_field_path(tuple(e["loc"])), _message(e)) for e in errors])
    return problem(422, "Invalid input", f"{summary}; nothing was stored", fields)


async def _invalid(_: Request, exc: InvalidInput) -> JSONResponse:
    fields = [{"field": e.field, "message": e.message} for e in exc.errors]
    return problem(422, "Invalid input", str(exc) + "; nothing was stored", fields)


async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
    return problem(404, "Not found", f"{exc} in this shop")


async def _conflict(_: Request, exc: Conflict) -> JSONResponse:
    fields = [{"field": e.field, "message": e.message} for e in exc.errors]
    return problem(409, "Conflict", str(exc), fields, **exc.extra)


async def _problem_error(_: Request, exc: ProblemError) -> JSONResponse:
    return problem(exc.status, exc.title, exc.detail, exc.errors, headers=exc.headers)


def _allowed_methods(request: Request) -> str:
    """The methods the OpenAPI document declares for this path's most specific template
    (``/v1/orders/import`` rather than ``/v1/orders/{order_id}``): Starlette's own 405 names only the
    first matching route's methods."""
    path = request.scope.get("path", "")
    matching = [template for template in request.app.openapi().get("paths", {})
                if re.fullmatch(re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)), path)]
    if not matching:
        return ""
    template = min(matching, key=lambda t: t.count("{"))
    operations = request.app.openapi()["paths"][template]
    return ", ".join(sorted(m.upper() for m in operations if m in ("get", "put", "post", "delete", "patch")))


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    title = TITLES.get(exc.status_code, "Error")
    headers = dict(getattr(exc, "headers", None) or {})
    detail = str(exc.detail)
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
        detail = f"{request.method} is not served here; this path takes {headers['Allow']}"
    return problem(exc.status_code, title, detail, headers=headers or None)


class ServerErrors:
    """Outermost guard: an unexpected exception becomes a problem+json 500 and is logged once.

    Starlette's own error middleware answers 500 in text/plain and re-raises, and uvicorn then closes the
    keep-alive connection; here the exception stops, so the client's connection stays usable.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                return  # the answer went out already (a background task failed): keep the connection
            response = problem(500, "Server error",
                               "an unexpected error stopped this request; nothing was half-stored. "
                               "The error is logged on the server; try again, and report it if it persists")
            await response(scope, receive, send)


_HTML = "text/html"


def _problem_content(html: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    if html:
        content[_HTML] = {"schema": {"type": "string"}}
    return content


def _html_page(responses: dict[str, Any]) -> bool:
    """An operation whose successful answers are HTML (a page a person opens from an email): its own errors
    are pages too, while a malformed request still gets problem+json."""
    kinds = [set(r.get("content", {})) for code, r in responses.items() if code.startswith("2")]
    return bool(kinds) and all(kind == {_HTML} for kind in kinds)


def _rename_schema(schema: Any, old: str, new: str) -> Any:
    """``schema`` with every ``$ref`` to component ``old`` pointing at ``new``."""
    if isinstance(schema, dict):
        return {k: (f"#/components/schemas/{new}" if k == "$ref" and v == f"#/components/schemas/{old}"
                    else _rename_schema(v, old, new)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rename_schema(v, old, new) for v in schema]
    return schema


def declare_problems(schema: dict[str, Any], page_size_max: int | None = None) -> dict[str, Any]:
    """Every operation answers the ``DECLARED`` errors as problem+json; FastAPI's validation schemas go;
    every ``limit`` parameter says the server's page size maximum. A model of the app's own that is also
    called ``Problem`` (the kind of problem a case is about) is renamed, so it never replaces this one."""
    taken = schema.get("components", {}).get("schemas", {}).get("Problem")
    if taken is not None and taken is not PROBLEM_SCHEMA:
        renamed = "ProblemEnum" if "enum" in taken else "ProblemModel"
        schema = _rename_schema(schema, "Problem", renamed)
        schema["components"]["schemas"][renamed] = schema["components"]["schemas"].pop("Problem")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Problem"] = PROBLEM_SCHEMA
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch", "head", "options"):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "limit" and parameter.get("in") == "query" and page_size_max:
                    parameter["schema"].setdefault("maximum", page_size_max)
            responses = operation.setdefault("responses", {})
            html = _html_page(responses)
            for code, meaning in DECLARED.items():
                declared = responses.get(str(code))
                own = declared.get("description") if declared and str(code) != "422" else None
                responses[str(code)] = {"description": own or meaning, "content": _problem_content(html)}
            for code, declared in responses.items():
                if code[0] in "45" and "content" not in declared:
                    declared["content"] = _problem_content(html)
    return schema


def _documented(app: FastAPI, build: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            settings = getattr(app.state, "settings", None)
            app.openapi_schema = declare_problems(build(), getattr(settings, "page_size_max", None))
        return app.openapi_schema

    return openapi


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(InvalidInput, _invalid)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(ProblemError, _problem_error)
    app.openapi = _documented(app, app.openapi)  # type: ignore[method-assign]
