"""Read answers written as JSON straight from the domain's values.

A read answer holds hundreds of objects (a page of 50 packages, each with its estimate, tracking and
warnings). Built as response models, FastAPI validated each, validated the whole again against
``response_model`` and serialised it in another step: most of a read's CPU (bench/load.py). The read routes
build the same shape as plain dicts (the ``view`` functions in ``api.schemas``) and return them through
``as_json``, which serialises in one pass in pydantic-core (times and dates exactly as the models write
them). ``response_model`` still documents the body in OpenAPI; tests/unit/test_answer_views.py holds each
view to its model.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic_core import to_json


def as_json(body: Any, status_code: int = 200) -> Response:
    return Response(to_json(body), status_code=status_code, media_type="application/json")
