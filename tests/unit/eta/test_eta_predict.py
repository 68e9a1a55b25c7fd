from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from parceltrail.eta import (
    CarrierStandards,
    Model,
    Place,
    PredictionInput,
    Scan,
    calendar_for,
    predict,
    predict_many,
    train,
)
from parceltrail.eta.training import MIN_ROWS

from .conftest import FAST
from .synthetic import DESTINATIONS, ORIGIN, history

FAR = DESTINATIONS[-1][0]  # San Francisco


def order(at: datetime, dest: Place = FAR, **extra: object) -> PredictionInput:
    return PredictionInput(purchased_at=at, origin=ORIGIN, destination=dest, seller_id="shop",
                           carrier="ups", service="ground", weight_g=520.0, **extra)  # type: ignore[arg-type]


def dates(estimate) -> list[date]:
    return [estimate.earliest, estimate.likely, estimate.latest, estimate.promise]


def test_quantiles_are_monotone_for_every_moment_and_source(shop_model: Model) -> None:
    base = datetime(2024, 12, 2, 10, tzinfo=UTC)
    inputs = [order(base + timedelta(hours=7 * k), dest) for k in range(20) for dest, _, _ in DESTINATIONS]
    inputs += [replace(i, handed_over_at=i.purchased_at + timedelta(days=1)) for i in inputs]
    for source in (shop_model, CarrierStandards()):
        for estimate in predict_many(source, inputs):
            assert estimate.earliest <= estimate.likely <= estimate.latest <= estimate.promise


def test_no_delivery_predicted_on_a_sunday_or_holiday(shop_model: Model) -> None:
    cal = calendar_for("US", "CA")
    # orders around Thanksgiving and Christmas 2024, at all hours
    start = datetime(2024, 11, 20, tzinfo=UTC)
    inputs = [order(start + timedelta(hours=5 * k)) for k in range(200)]
    for source in (shop_model, CarrierStandards()):
        for estimate in predict_many(source, inputs):
            for day in dates(estimate):
                assert day.weekday() != 6
                assert cal.is_business_day(day), day
    assert date(2024, 11, 28) not in {d for e in predict_many(shop_model, inputs) for d in dates(e)}


def test_saturday_is_predicted_only_for_a_service_that_delivers_then() -> None:
    services = (("usps", "ground_advantage"), ("ups", "ground"))
    model = train(history(services=services, seed=5), as_of=datetime(2024, 12, 1, tzinfo=UTC), config=FAST)
    start = datetime(2024, 11, 20, tzinfo=UTC)
    for carrier, service in services:
        inputs = [replace(order(start + timedelta(hours=5 * k)), carrier=carrier, service=service) for k in range(200)]
        for source in (model, CarrierStandards()):
            days = [day for estimate in predict_many(source, inputs) for day in dates(estimate)]
            assert all(day.weekday() != 6 for day in days) and date(2024, 11, 28) not in days
            saturdays = sum(day.weekday() == 5 for day in days)
            assert saturdays > 0 if carrier == "usps" else saturdays == 0, (carrier, type(source).__name__, saturdays)


def test_scan_near_destination_narrows_the_window(shop_model: Model) -> None:
    handed = datetime(2024, 12, 3, 12, tzinfo=UTC)
    at_handoff = predict(shop_model, order(handed - timedelta(days=1), handed_over_at=handed))
    near = Place(country="US", region="CA", postal_code="94107", lat=37.76, lon=-122.40)
    scanned = predict(shop_model, order(
        handed - timedelta(days=1), handed_over_at=handed, previous=at_handoff,
        last_scan=Scan(occurred_at=handed + timedelta(days=2), status="in_transit", place=near),
    ))
    assert (scanned.latest - scanned.earliest) < (at_handoff.latest - at_handoff.earliest)
    assert scanned.earliest >= (handed + timedelta(days=2)).date()
    assert scanned.reason.startswith("scanned at 94107")
    assert "likely date" in scanned.reason


def test_new_shop_predicts_from_carrier_standards_and_says_so() -> None:
    estimate = predict(CarrierStandards(), order(datetime(2024, 12, 2, 10, tzinfo=UTC)))
    assert estimate.source == "carrier_standard"
    assert estimate.confidence in ("medium", "low")
    # UPS Ground coast to coast is 5 business days after a day of handling
    assert estimate.likely == calendar_for("US", "CA").add_business_days(date(2024, 12, 2), 6)


def test_small_history_is_blended_large_history_is_trusted(shop_model: Model) -> None:
    small = train(history(n=120), as_of=datetime(2024, 12, 1, tzinfo=UTC), config=FAST)
    item = order(datetime(2024, 12, 2, 10, tzinfo=UTC))
    assert predict(small, item).source == "blended"
    assert predict(shop_model, item).source == "model"
    with pytest.raises(ValueError, match=f"at least {MIN_ROWS}"):
        train(history(n=MIN_ROWS - 1), config=FAST)


def test_learned_model_beats_the_prior_on_its_own_lanes(shop_model: Model) -> None:
    later = [r for r in history(n=400, seed=11, days=20)]
    shifted = [replace(r, purchased_at=r.purchased_at + timedelta(days=335),
                       handed_over_at=r.handed_over_at + timedelta(days=335),  # type: ignore[operator]
                       delivered_at=r.delivered_at + timedelta(days=335)) for r in later]
    inputs = [replace(order(r.purchased_at, r.destination), origin=r.origin) for r in shifted]

    def mae(source: object) -> float:
        estimates = predict_many(source, inputs)  # type: ignore[arg-type]
        return sum(abs((e.likely - r.delivered_at.date()).days) for e, r in zip(estimates, shifted)) / len(shifted)

    assert mae(shop_model) < mae(CarrierStandards())


def test_out_for_delivery_and_delivered_scans_fix_the_date(shop_model: Model) -> None:
    scan_at = datetime(2024, 12, 5, 8, tzinfo=UTC)
    item = order(scan_at - timedelta(days=3), last_scan=Scan(scan_at, "out_for_delivery"))
    estimate = predict(shop_model, item)
    assert estimate.likely == date(2024, 12, 5) and estimate.latest == date(2024, 12, 6)
    done = predict(shop_model, replace(item, last_scan=Scan(scan_at, "delivered")))
    assert dates(done) == [date(2024, 12, 5)] * 4 and done.reason == "delivered"


def test_estimate_serialises_to_the_live_tracking_shape(shop_model: Model) -> None:
    payload = predict(shop_model, order(datetime(2024, 12, 2, 10, tzinfo=UTC))).to_dict()
    assert set(payload) == {"earliest", "likely", "latest", "promise", "confidence", "source", "revised_at", "reason"}
    assert payload["revised_at"] == "2024-12-02T10:00:00+00:00"
    assert date.fromisoformat(payload["likely"]) >= date(2024, 12, 2)


def test_refreshed_history_never_reads_a_delivery_after_the_prediction(shop_model: Model) -> None:
    from parceltrail.eta.features import index_history

    rows = history(n=600, seed=5, days=330)
    at = datetime(2024, 11, 1, 10, tzinfo=UTC)
    inputs = [order(at, dest) for dest, _, _ in DESTINATIONS]
    # orders bought after the history's moment: neither their handoff nor their delivery was known
    known = [r for r in rows if r.purchased_at < at - timedelta(days=1)]
    later = [r for r in rows if r.purchased_at >= at - timedelta(days=1)]
    assert known and later
    with_known = predict_many(shop_model, inputs, index_history(known, 14), history_lag_days=1.0)
    with_all = predict_many(shop_model, inputs, index_history(rows, 14), history_lag_days=1.0)
    assert [e.to_dict() for e in with_known] == [e.to_dict() for e in with_all]
    # while a delivery the history could have known does move the estimate
    recent = [r for r in known if r.delivered_at < at - timedelta(days=1)]
    thinner = predict_many(shop_model, inputs, index_history(recent[: len(recent) // 2], 14), history_lag_days=1.0)
    assert [e.to_dict() for e in thinner] != [e.to_dict() for e in with_all]


def test_one_package_scores_exactly_as_in_a_batch(shop_model: Model) -> None:
    # a single package goes through LightGBM's single-row entry point, a batch through Booster.predict
    import numpy as np

    from parceltrail.eta.backtest import as_input
    from parceltrail.eta.predict import _learned

    inputs = [as_input(r, at_handoff=i % 2 == 1) for i, r in enumerate(history(n=40, seed=11))]
    assert [predict(shop_model, item) for item in inputs] == predict_many(shop_model, inputs)
    with ThreadPoolExecutor(4) as pool:  # the API's worker threads share one model
        assert list(pool.map(lambda item: predict(shop_model, item), inputs * 5)) == predict_many(shop_model, inputs * 5)
    matrix = np.random.default_rng(5).normal(3.0, 2.0, size=(6, shop_model.boosters["placed"][0].num_feature()))
    batch = _learned(shop_model, "placed", matrix)
    one_by_one = [_learned(shop_model, "placed", matrix[i : i + 1])[0] for i in range(len(matrix))]
    assert one_by_one == batch


def test_an_estimate_made_for_a_strained_network_says_so(shop_model: Model) -> None:
    from parceltrail.eta.calibration import Calibration

    item = order(datetime(2024, 12, 2, 10, tzinfo=UTC))
    # every share is below 1.01: the model reads this network as strained
    strained = replace(shop_model, calibration={m: Calibration(1.01) for m in shop_model.calibration})
    steady = replace(shop_model, calibration={m: Calibration(0.0) for m in shop_model.calibration})
    said = predict(strained, item).reason
    assert "dates allow for" in said and ("network strained (" in said or "too few recent parcels" in said)
    assert "dates allow for" not in predict(steady, item).reason
