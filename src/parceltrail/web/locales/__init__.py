"""Catalogues of the pages' words, one module per locale and part; every locale has exactly English's keys.

The buyer page and the first dashboard pages are in ``en``/``es``; the dashboard pages for other areas'
features (scorecards, exceptions, metric guard, keys) in ``more_en``/``more_es``; proof of delivery and
payment release in ``proof_en``/``proof_es``; the pages about notifications (the buyer's opt-in, channels
and previews) in ``notify_en``/``notify_es``, so no catalogue grows past a screenful of scrolling.
"""

from parceltrail.web.locales import en, es, more_en, more_es, notify_en, notify_es, proof_en, proof_es

DEFAULT = "en"
CATALOGUES: dict[str, dict[str, str]] = {"en": en.WORDS | more_en.WORDS | proof_en.WORDS | notify_en.WORDS,
                                         "es": es.WORDS | more_es.WORDS | proof_es.WORDS | notify_es.WORDS}
