"""How far the window and the promise sit from the likely day, by the state of the network.

The boosters are trained at P10, P50, P90 and P95. On the validation months their own P10-P90 held
77-84% of order-time deliveries in steady months and 67-69% in jams, and for skewed days P10-P90 is
not the narrowest window that holds 80% anyway. So each output is moved along its own side of the median, in log days: earliest = m - s * (m - P10),
latest = m + s * (P90 - m), promise = m + s * (P95 - m), with one scale per side, moment and regime,
chosen on validation months so the window holds 80% of deliveries and the promise 95% *within each
regime*, as narrow as that allows (bench/eta_tune.py; docs/delivery-dates.md).

The regime is read at prediction time from the flow features: the share of the destination's
orders placed 10-20 days ago (handoffs 7-14 days ago) already delivered. Below the threshold the
network is strained; with too few recent orders to tell, it is treated as strained too.
Scaling in log days keeps the outputs ordered (every scale is positive) and makes the same scale
mean the same thing on a 2-day lane and a 20-day one.

The boosters' distances vary more from parcel to parcel than outcomes do: on the validation months
their widest third of P95s was met 98% of the time and their narrowest third 92%. So a distance d
(in log days) is also shrunk toward a common one by a power p per moment, one for the window's two
sides and one for the promise: d' = s * REF * (d / REF) ** p. p = 1 keeps the trees' spread, p = 0
would ignore it; REF is the boosters' typical distance, so a scale keeps its meaning there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from parceltrail.eta.features import FEATURE_NAMES, HANDOFF, PLACED

REGIME_FEATURE = {PLACED: "placed_late_delivered", HANDOFF: "handed_late_delivered"}
_SIDES = [0, 2, 3]  # earliest, latest, promise: the likely day (column 1) never moves
_COHORT = {PLACED: "orders placed 10-20 days ago", HANDOFF: "parcels handed over 7-14 days ago"}
_REGIME_COLUMN = {m: FEATURE_NAMES[m].index(name) for m, name in REGIME_FEATURE.items()}
REF = 0.5  # log days: about the median distance of the boosters' P10, P90 and P95 from their P50


def _positive_up_to(owner: object, kind: str, names: tuple[str, ...], top: float) -> None:
    """Refuse a field that is not a number in (0, top], naming it."""
    for name in names:
        value = getattr(owner, name)
        if not (isinstance(value, (int, float)) and 0 < value <= top):
            raise ValueError(f"{kind} {name} must be a number in (0, {top:g}], got {value!r}")


@dataclass(frozen=True, slots=True)
class Spread:
    """Scales of the trees' own distances from the median: 1.0 keeps a booster's quantile as trained."""

    earliest: float = 1.0
    latest: float = 1.0
    promise: float = 1.0

    @property
    def vector(self) -> tuple[float, float, float]:
        return (self.earliest, self.latest, self.promise)

    def __post_init__(self) -> None:
        _positive_up_to(self, "spread", ("earliest", "latest", "promise"), 10)


@dataclass(frozen=True, slots=True)
class Calibration:
    """One moment's spreads: ``steady`` where the late cohort's delivered share is at least
    ``strained_below``, ``strained`` elsewhere (0.0: one spread for every regime); the trees'
    distances shrunk by ``window_power`` (earliest and latest) and ``promise_power``, in (0, 1]."""

    strained_below: float = 0.0
    steady: Spread = Spread()
    strained: Spread = Spread()
    window_power: float = 1.0
    promise_power: float = 1.0

    def __post_init__(self) -> None:
        _positive_up_to(self, "calibration", ("window_power", "promise_power"), 1)

    @property
    def powers(self) -> tuple[float, float, float]:
        return (self.window_power, self.window_power, self.promise_power)

    def strained_rows(self, moment: str, matrix: np.ndarray) -> np.ndarray:
        return strained(matrix[:, _REGIME_COLUMN[moment]], self.strained_below)

    def notes(self, moment: str, matrix: np.ndarray) -> list[str]:
        """Why an estimate allows for a slow network: one reason suffix per row, empty where steady."""
        shares = matrix[:, _REGIME_COLUMN[moment]]
        out = []
        for share, slow in zip(shares, self.strained_rows(moment, matrix), strict=True):
            if not slow:
                out.append("")
            elif np.isnan(share):
                out.append("; too few recent parcels to tell how the network is moving: dates allow for a slow one")
            else:
                out.append(f"; network strained ({share:.0%} of {_COHORT[moment]} delivered): dates allow for it")
        return out

    def apply(self, moment: str, matrix: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Working days for (earliest, likely, latest, promise) from the boosters' (P10, P50, P90, P95)."""
        logs = np.log1p(np.maximum(days, 0.0))
        scales = np.where(self.strained_rows(moment, matrix)[:, None], self.strained.vector, self.steady.vector)
        out = np.expm1(logs)  # the likely day as it went into the log, then each side moved from it
        out[:, _SIDES] = moved_days(logs, _SIDES, scales, self.powers)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "strained_below": self.strained_below,
            "steady": list(self.steady.vector),
            "strained": list(self.strained.vector),
            "window_power": self.window_power,
            "promise_power": self.promise_power,
        }

    @classmethod
    def from_json(cls, data: Any) -> Calibration:
        """A file written before the powers existed (model version 4) keeps the trees' spread: 1.0."""
        try:
            return cls(float(data["strained_below"]), Spread(*map(float, data["steady"])),
                       Spread(*map(float, data["strained"])), float(data.get("window_power", 1.0)),
                       float(data.get("promise_power", 1.0)))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ValueError(f"calibration: expected strained_below, two spreads of three scales and two powers ({error})") from None


def moved_days(logs: np.ndarray, sides: list[int], scales: Any, powers: Any = 1.0) -> np.ndarray:
    """Working days of the outputs in ``sides`` (columns of log1p days, the likely day in column 1)
    moved from the likely day: each distance d becomes scale * REF * (d / REF) ** power, on its own
    side; never before the clock start."""
    likely = logs[:, 1:2]
    distance = logs[:, sides] - likely
    shrink = (np.maximum(np.abs(distance), 1e-9) / REF) ** (np.asarray(powers) - 1.0)  # 1.0 where power is 1
    return np.maximum(np.expm1(likely + scales * distance * shrink), 0.0)


def strained(share: np.ndarray, strained_below: float) -> np.ndarray:
    """Rows in a strained network. With a threshold, a share too few orders to tell (NaN) counts as
    strained; without one (0.0), no row does."""
    if strained_below <= 0:
        return np.zeros(len(share), dtype=bool)
    return ~(share >= strained_below)


IDENTITY = {PLACED: Calibration(), HANDOFF: Calibration()}
