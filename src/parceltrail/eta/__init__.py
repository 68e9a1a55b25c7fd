"""Delivery-date prediction that is honest about its uncertainty (pure: no I/O, clock or randomness).

Learn from a shop's delivered packages (:func:`train`), predict at order, handoff and each scan
(:func:`predict`), fall back to carrier standards for a new shop (:class:`CarrierStandards`).
"""

from parceltrail.eta.calendar import DeliveryCalendar, calendar_for
from parceltrail.eta.history import HistoryRow, InFlight, Place
from parceltrail.eta.model import Model, ModelFileError, check_header
from parceltrail.eta.own_spread import OwnSpread, own_spread
from parceltrail.eta.predict import Estimate, PredictionInput, Scan, predict, predict_many
from parceltrail.eta.prior import CarrierStandards
from parceltrail.eta.training import MIN_ROWS, TrainConfig, refresh, refresh_file, train

__all__ = [
    "MIN_ROWS", "CarrierStandards", "DeliveryCalendar", "Estimate", "HistoryRow", "InFlight", "Model",
    "ModelFileError", "OwnSpread", "Place", "PredictionInput", "Scan", "TrainConfig", "calendar_for", "check_header",
    "own_spread", "predict", "predict_many", "refresh", "refresh_file", "train",
]
