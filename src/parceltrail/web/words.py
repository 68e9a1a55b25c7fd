"""The pages' words in each locale (English, and Spanish for the second locale), chosen by ``?lang=``.

A dict per locale, not gettext: two small catalogues that a test checks for the same keys are easier to
keep complete than .po files, and a missing key fails loudly (KeyError) instead of showing English.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from parceltrail.web.locales import CATALOGUES, DEFAULT

LOCALES = tuple(CATALOGUES)


def locale_of(request: Request) -> str:
    """``?lang=`` when it names a locale we have, else the browser's first one we have, else English."""
    asked = request.query_params.get("lang", "").lower()[:2]
    if asked in CATALOGUES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in CATALOGUES:
            return code
    return DEFAULT


def translator(lang: str) -> Callable[..., str]:
    catalogue = CATALOGUES[lang]

    def t(key: str, **values: object) -> str:
        text = catalogue[key]
        return text.format(**values) if values else text

    return t
