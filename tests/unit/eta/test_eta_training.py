from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from parceltrail.eta.training import censoring_weights, train


def test_slow_parcels_near_the_cutoff_stand_for_the_ones_not_delivered_yet() -> None:
    # follow-up: days between purchase and the training cut-off; duration: days to delivery
    follow_up = np.array([100.0, 90.0, 40.0, 10.0, 5.0])
    duration = np.array([3.0, 30.0, 3.0, 3.0, 3.0])
    weights = censoring_weights(follow_up, duration, np.ones(5))
    # a 3-day parcel could be seen for all five orders; a 30-day one only for the three oldest
    assert weights[0] == 1.0
    assert weights[1] == 5 / 3
    assert (weights >= 1.0).all()


def test_a_history_without_pickup_scans_trains_order_time_and_leaves_handoff_to_carrier_standards(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    from parceltrail.eta import Model, predict

    from .conftest import FAST
    from .synthetic import history
    from .test_eta_predict import order

    rows = [replace(r, handed_over_at=None) for r in history(n=600)]  # a carrier that never scans the pickup
    model = train(rows, as_of=datetime(2024, 12, 1, tzinfo=UTC), config=FAST)
    assert set(model.boosters) == {"placed"}
    model.save(tmp_path / "m.json")
    loaded = Model.load(tmp_path / "m.json")
    placed = order(datetime(2024, 12, 2, 10, tzinfo=UTC))
    assert predict(loaded, placed).source == "model"  # 600 deliveries: trusted in full at order time
    at_handoff = predict(loaded, replace(placed, handed_over_at=datetime(2024, 12, 3, 9, tzinfo=UTC)))
    assert at_handoff.source == "carrier_standard" and at_handoff.earliest <= at_handoff.promise
