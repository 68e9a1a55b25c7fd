"""docs/carriers.md shows each carrier's mapping tables exactly as the code has them."""

from __future__ import annotations

from pathlib import Path

import pytest

from parceltrail.carriers import CARRIERS
from parceltrail.carriers.registry import tables_markdown
from tests.unit.carriers.conftest import OWN

DOC = Path(__file__).resolve().parents[3] / "docs" / "carriers.md"


@pytest.mark.parametrize("code", OWN)
def test_docs_mapping_tables_match_the_code(code):
    text = DOC.read_text(encoding="utf-8")
    tables = text[text.index("<!-- tables: generated") : text.index("<!-- tables: end -->")]
    assert tables_markdown([CARRIERS[code]]).strip() in tables, (
        f"run `parceltrail carriers tables {code}` into docs/carriers.md"
    )
