"""docs/carriers.md shows the mapping tables exactly as the code has them."""

from __future__ import annotations

from pathlib import Path

from parceltrail.carriers.registry import tables_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "carriers.md"


def test_docs_mapping_tables_match_the_code():
    text = DOC.read_text(encoding="utf-8")
    start = text.index("-->\n", text.index("<!-- tables: generated")) + len("-->\n")
    end = text.index("<!-- tables: end -->")
    assert text[start:end].strip() == tables_markdown().strip(), "run `parceltrail carriers tables` into docs/carriers.md"
