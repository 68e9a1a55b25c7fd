from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from parceltrail.eta import Model, ModelFileError, predict

from .test_eta_predict import order


def test_saved_model_predicts_the_same_after_loading(shop_model: Model, tmp_path: Path) -> None:
    path = tmp_path / "shop.eta.json"
    shop_model.save(path)
    loaded = Model.load(path)
    item = order(datetime(2024, 12, 2, 10, tzinfo=UTC))
    assert predict(loaded, item) == predict(shop_model, item)
    header = json.loads(path.read_text())
    assert header["format"] == "parceltrail-eta-model" and header["version"] == 1
    assert path.stat().st_size < 2_000_000


def test_unknown_version_and_foreign_files_are_refused(shop_model: Model, tmp_path: Path) -> None:
    data = shop_model.to_json()
    data["version"] = 99
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="version 99"):
        Model.load(newer)
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(b"\x80\x04\x95")
    with pytest.raises(ModelFileError, match="not a parceltrail"):
        Model.load(pickled)
