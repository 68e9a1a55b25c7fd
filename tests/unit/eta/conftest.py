from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parceltrail.eta import Model, TrainConfig, train

from .synthetic import history

FAST = TrainConfig(num_trees=60, staleness_days=10, censor_days=0, half_life_days=365, min_data_in_leaf=20)


@pytest.fixture(scope="session")
def shop_model() -> Model:
    """A model trained on 1500 synthetic deliveries (enough to be trusted without the prior)."""
    return train(history(), as_of=datetime(2024, 12, 1, tzinfo=UTC), config=FAST)
