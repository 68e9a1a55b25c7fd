"""A shop's own delivery history, and training its delivery-date model from it.

Until a shop has ``eta.MIN_ROWS`` delivered packages its estimates come from carrier standards; after
``parceltrail eta train`` they blend toward its own model, fully so from 500 deliveries
(``eta.predict``). The model is stored in the database as versioned JSON, never pickled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from parceltrail import eta
from parceltrail.core import Address
from parceltrail.eta.predict import FULL_TRUST_ROWS
from parceltrail.eta.stats import StatsSnapshot
from parceltrail.eta.training import Progress, TrainConfig
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import InvalidInput, NotFound
from parceltrail.services.estimates import place_of, zone_of
from parceltrail.services.track_record import MomentRecord, track_record
from parceltrail.store import UnitOfWork
from parceltrail.store.history import ModelInfo


def shop_in_flight(uow: UnitOfWork, shop_id: str) -> list[eta.InFlight]:
    """The shop's packages not delivered yet: they tell how much of each recent cohort has not arrived
    (a lost parcel too: it was in flight through every cohort window it fell in)."""
    with uow.read():
        rows = uow.history.in_flight(shop_id)
    out = []
    for r in rows:
        zone, dest = _destination(r)
        out.append(eta.InFlight(
            purchased_at=r.created_at.astimezone(zone),
            destination=dest,
            handed_over_at=r.handed_over_at.astimezone(zone) if r.handed_over_at else None,
        ))
    return out


def _destination(row: Any) -> tuple[ZoneInfo, eta.Place]:
    """A package row's destination zone (its times are read there) and place."""
    destination = Address(postal_code=row.dest_postal_code, country=row.dest_country)
    return zone_of(destination), place_of(destination)


def shop_history(uow: UnitOfWork, shop_id: str) -> list[eta.HistoryRow]:
    """Every delivered package of the shop as a history row, times in the destination's zone."""
    with uow.read():
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        rows = uow.history.delivered(shop_id)
    out = []
    for r in rows:
        zone, dest = _destination(r)
        out.append(eta.HistoryRow(
            package_id=r.id,
            purchased_at=r.created_at.astimezone(zone),
            delivered_at=r.delivered_at.astimezone(zone),
            origin=place_of(Address(postal_code=r.origin_postal_code, country=r.origin_country), dest.country),
            destination=dest,
            handed_over_at=r.handed_over_at.astimezone(zone) if r.handed_over_at else None,
            seller_id=shop_id,
            carrier=r.carrier,
            service=r.service,
        ))
    return out


DEFAULT_SPREAD = {"source": "default"}  # training.CHOSEN; models trained before --own-spread existed too


@dataclass(frozen=True, slots=True)
class TrainedModel:
    info: ModelInfo
    facts: dict


def train_shop_model(
    uow: UnitOfWork, shop_id: str, progress: Progress | None = None, own_spread: bool = False
) -> TrainedModel:
    """Train and store the shop's model. With ``own_spread`` its windows and promises are as wide as its own
    held-out months call for (``eta.own_spread``), not the shipped defaults; the model's facts say which."""
    rows = shop_history(uow, shop_id)
    if len(rows) < eta.MIN_ROWS:
        raise InvalidInput(f"shop {shop_id} has {len(rows)} delivered packages; training needs at least "
                           f"{eta.MIN_ROWS} (until then estimates use carrier standards)")
    # One thread for small histories: LightGBM's OpenMP threads spin-wait, and on a busy machine two of
    # them made 120 rows take 30 s instead of half a second.
    config = TrainConfig(num_threads=1) if len(rows) < 5_000 else TrainConfig()
    in_flight = shop_in_flight(uow, shop_id)
    spread = dict(DEFAULT_SPREAD)
    try:
        if own_spread:
            chosen = eta.own_spread(rows, max(r.delivered_at for r in rows), config, in_flight, progress)
            config = replace(config, calibration=chosen.calibration)
            spread = chosen.to_json()
        model = eta.train(rows, config=config, progress=progress, in_flight=in_flight)
    except ValueError as error:
        raise InvalidInput(f"cannot train on this shop's history: {error}") from None
    model.facts["spread"] = spread
    now = utcnow(shop_id)
    with uow:
        uow.history.put_model(shop_id, now, model.n_rows, json.dumps(model.to_json(), separators=(",", ":")))
        uow.commit()
    return TrainedModel(ModelInfo(shop_id, now, model.n_rows), dict(model.facts))


@dataclass(frozen=True, slots=True)
class ModelStatus:
    delivered: int
    model: ModelInfo | None
    source: str
    """What a new estimate for this shop rests on now: carrier_standard, blended or model."""
    network: dict[str, dict[str, float | int | None]]
    """Per destination country, how the shop's parcels are moving as of the model's history (``StatsSnapshot.network``)."""
    track_record: dict[str, MomentRecord]
    """How the first estimates at order time and at handoff held for the last 30 days' deliveries."""
    refused: str | None = None
    """Why a stored model is not used (a file this version cannot read); None when it is, or there is none."""
    spread: dict | None = None
    """Where the model's window and promise widths come from (its facts' "spread"); None without a usable model."""


def model_status(uow: UnitOfWork, shop_id: str) -> ModelStatus:
    with uow.read():
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
        delivered = uow.history.delivered_count(shop_id)
        info = uow.history.model_info(shop_id)
        body = uow.history.model_body(shop_id) if info is not None else None
    data = json.loads(body) if body else None
    refused = _refusal(data) if info is not None else None
    if info is None or refused is not None:
        return ModelStatus(delivered, info, "carrier_standard", {}, track_record(uow, shop_id), refused)
    source = "model" if info.n_rows >= FULL_TRUST_ROWS else "blended"
    network = StatsSnapshot.from_json(data["snapshot"]).network()
    spread = data.get("facts", {}).get("spread", DEFAULT_SPREAD)
    return ModelStatus(delivered, info, source, network, track_record(uow, shop_id), spread=spread)


def _refusal(data: object) -> str | None:
    """Why this parceltrail cannot read a stored model file (an older one waits for retraining), or None
    when it can."""
    try:
        eta.check_header(data)
    except eta.ModelFileError as error:
        return str(error)
    return None


def refresh_shop_models(uow: UnitOfWork) -> int:
    """Re-read every shop model's lane and seller history as of now, keeping its trees.

    The trees learned from history of the same age (``TrainConfig.staleness_days``), so the daily
    worker job keeps each model as fresh as it was trained to be; retraining stays a deliberate act
    (``parceltrail eta train``). A shop retrained meanwhile keeps its new model. Returns how many
    models were refreshed.
    """
    with uow.read():
        infos = uow.history.models()
    refreshed = 0
    for info in infos:
        with uow.read():
            body = uow.history.model_body(info.shop_id)
        if body is None or _refusal(data := json.loads(body)) is not None:
            continue
        now = utcnow(info.shop_id)
        refreshed_body = eta.refresh_file(data, shop_history(uow, info.shop_id), now,
                                          shop_in_flight(uow, info.shop_id))
        with uow:
            if uow.history.put_history(info.shop_id, info.trained_at, now,
                                       json.dumps(refreshed_body, separators=(",", ":"))):
                refreshed += 1
            uow.commit()
    return refreshed
