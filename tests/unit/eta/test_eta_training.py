import numpy as np

from parceltrail.eta.training import censoring_weights


def test_slow_parcels_near_the_cutoff_stand_for_the_ones_not_delivered_yet() -> None:
    # follow-up: days between purchase and the training cut-off; duration: days to delivery
    follow_up = np.array([100.0, 90.0, 40.0, 10.0, 5.0])
    duration = np.array([3.0, 30.0, 3.0, 3.0, 3.0])
    weights = censoring_weights(follow_up, duration, np.ones(5))
    # a 3-day parcel could be seen for all five orders; a 30-day one only for the three oldest
    assert weights[0] == 1.0
    assert weights[1] == 5 / 3
    assert (weights >= 1.0).all()
