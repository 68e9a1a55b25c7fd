from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
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
    assert header["format"] == "parceltrail-eta-model" and header["version"] == 3 and header["target"] == "log_ratio_to_recent"
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


def test_refresh_rereads_history_without_retraining(shop_model: Model) -> None:
    from dataclasses import replace as copy

    from parceltrail.eta.training import refresh

    from .synthetic import history

    later = datetime(2025, 3, 1, tzinfo=UTC)
    # the same shop's lanes suddenly take two extra days
    slower = [copy(r, delivered_at=r.delivered_at + timedelta(days=2)) for r in history(n=600, seed=9)]
    refreshed = refresh(shop_model, slower, later)
    assert refreshed.boosters is shop_model.boosters
    assert refreshed.snapshot.as_of > shop_model.snapshot.as_of
    key = "seller_total/shop"
    assert refreshed.snapshot.table[key][1] > shop_model.snapshot.table[key][1]
