"""Catalogues of the pages' words, one module per locale; every locale has exactly English's keys."""

from parceltrail.web.locales import en, es

DEFAULT = "en"
CATALOGUES: dict[str, dict[str, str]] = {"en": en.WORDS, "es": es.WORDS}
