"""The exception detector (pure): which parcels need the seller, why, and since when.

``detect`` (or ``Detector`` for many "now"s over one set of events) returns open ``Flag``s; the rules,
thresholds and the TikTok sources behind them are in docs/exceptions.md.
"""

from parceltrail.core.flags.detect import Detector, detect
from parceltrail.core.flags.model import (
    SEVERITY_RANK,
    Calendars,
    EstimatedDelivery,
    Flag,
    FlagType,
    Locate,
    OrderContext,
    Point,
    Severity,
    Shipment,
    WorkingDays,
    nowhere,
)
from parceltrail.core.flags.norms import PRIOR_HOURS, PRIOR_NORMS, Phase, StaleNorms, learn_norms
from parceltrail.core.flags.policy import DEFAULT_POLICY, Policy
from parceltrail.core.flags.waits import waits_of
from parceltrail.core.flags.worktime import add_working_hours, working_hours

__all__ = [
    "DEFAULT_POLICY", "PRIOR_HOURS", "PRIOR_NORMS", "SEVERITY_RANK", "Calendars", "Detector", "EstimatedDelivery",
    "Flag", "FlagType", "Locate", "OrderContext", "Phase", "Point", "Policy", "Severity", "Shipment", "StaleNorms",
    "WorkingDays", "add_working_hours", "detect", "learn_norms", "nowhere", "waits_of", "working_hours",
]
