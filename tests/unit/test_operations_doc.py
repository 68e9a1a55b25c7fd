"""docs/operations.md names every setting the service reads (issue 25: "what each limit and setting is")."""

from __future__ import annotations

from pathlib import Path

from parceltrail.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def test_every_setting_is_documented_in_operations_md():
    text = DOC.read_text()
    missing = [f"PARCELTRAIL_{name.upper()}" for name in Settings.model_fields
               if f"PARCELTRAIL_{name.upper()}" not in text]
    assert missing == [], f"add these settings to the table in docs/operations.md: {', '.join(missing)}"
