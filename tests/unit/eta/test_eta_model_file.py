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
    assert header["format"] == "parceltrail-eta-model" and header["version"] == 7 and header["target"] == "log_ratio_to_recent"
    assert loaded.calibration == shop_model.calibration and header["calibration"]["placed"]["strained_below"] > 0
    assert path.stat().st_size < 2_000_000


def test_a_file_without_a_usable_calibration_is_refused(shop_model: Model, tmp_path: Path) -> None:
    data = shop_model.to_json()
    del data["calibration"]["handoff"]
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="calibration for each of placed, handoff"):
        Model.load(missing)
    data = shop_model.to_json()
    data["calibration"]["placed"]["steady"] = [1.0, -2.0, 1.0]
    negative = tmp_path / "negative.json"
    negative.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="spread latest must be a number in"):
        Model.load(negative)


def test_a_version_4_file_keeps_the_trees_spread_and_predicts_as_it_did(shop_model: Model, tmp_path: Path) -> None:
    from dataclasses import replace

    from parceltrail.eta.calibration import Calibration

    unshrunk = replace(shop_model, calibration={m: replace(c, window_power=1.0, promise_power=1.0)
                                                for m, c in shop_model.calibration.items()})
    data = unshrunk.to_json()
    data["version"] = 4
    for calibration in data["calibration"].values():
        del calibration["window_power"], calibration["promise_power"]
    old = tmp_path / "v4.json"
    old.write_text(json.dumps(data))
    loaded = Model.load(old)
    assert all(c.powers == (1.0, 1.0, 1.0) and isinstance(c, Calibration) for c in loaded.calibration.values())
    item = order(datetime(2024, 12, 2, 10, tzinfo=UTC))
    assert predict(loaded, item) == predict(unshrunk, item)


def test_an_older_file_that_learned_from_a_saturday_carrier_is_refused(shop_model: Model, tmp_path: Path) -> None:
    data = shop_model.to_json()
    data["version"] = 5
    data["vocab"]["carrier_service"]["usps/ground_advantage"] = len(data["vocab"]["carrier_service"])
    old = tmp_path / "v5.json"
    old.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="counted days without Saturdays for usps/ground_advantage"):
        Model.load(old)
    data["version"] = 6
    old.write_text(json.dumps(data))
    assert Model.load(old).vocab["carrier_service"]["usps/ground_advantage"] >= 1


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
