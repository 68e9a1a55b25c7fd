"""Jinja2 pages: one environment, autoescaped, with the request's locale, CSP nonce and CSRF token.

Server-rendered HTML is the whole interface (the buyer page works without JavaScript); a page is a
template plus a view model that a service built, so nothing here queries the store.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

import parceltrail
from parceltrail.web import words
from parceltrail.web.csrf import FIELD, CsrfToken
from parceltrail.web.dates import Formatter
from parceltrail.web.security import nonce_of

ENV = Environment(
    loader=PackageLoader("parceltrail.web", "templates"),
    autoescape=select_autoescape(("html", "svg")),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def static(path: str) -> str:
    """A static asset's URL, versioned so a new release is never served a stale cached file."""
    return f"/static/{path}?v={parceltrail.__version__}"


ENV.globals["static"] = static


def _kept(request: Request, names: tuple[str, ...]) -> str:
    """The query parameters a form posts back to (the language asked for, the shop named in the link)."""
    kept = {n: request.query_params[n] for n in names if request.query_params.get(n)}
    return ("?" + urlencode(kept)) if kept else ""


def page(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
         **context: Any) -> HTMLResponse:
    lang = words.locale_of(request)
    token = CsrfToken(request)
    html = ENV.get_template(template).render(
        request=request, nonce=nonce_of(request.scope), lang=lang, t=words.translator(lang), fmt=Formatter(lang),
        csrf_token=token, csrf_field=FIELD, lang_query=_kept(request, ("lang",)),
        keep_query=_kept(request, ("shop", "lang")), **context,
    )
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["cache-control"] = "no-store"
    token.set_cookie(response)
    return response
