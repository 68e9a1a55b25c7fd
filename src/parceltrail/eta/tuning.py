"""Choosing how wide windows and promises are: scales and powers (eta.calibration) from predictions
of orders whose outcome is known, e.g. months the boosters were not trained on.

``choose`` takes, per month and moment, a ``Sample``: each order's booster quantiles (log working
days), its regime share, lane-length class, the dates k working days after its clock start, and its
delivery date. Per moment, every candidate regime threshold splits the orders into steady and
strained. For each window power and regime, the earliest and latest scales are the pair whose window
holds at least 80% of that regime's orders (pooled over the months) at the least mean width; the
power kept is the one whose windows are narrowest on average over the months. Then, for each
promise power, the promise scale per regime is the smallest met by at least 95% of them, and the
power kept is the one with the least mean slack. The threshold kept is the one whose windows and
promises are together the narrowest (mean window width plus mean promise slack, each a mean over
the months). Scores keep the dates in order as predictions do (a promise never before the latest
day). ``hindsight`` measures what recalibrating month by month could save at most. bench/eta_tune.py
feeds it the ten Olist validation months; the figures it prints are docs/delivery-dates.md's. Kept
in the package, with tests, because it decides what ships.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from parceltrail.eta.calibration import Calibration, Spread, moved_days
from parceltrail.eta.calibration import strained as strained_share
from parceltrail.eta.features import MOMENTS
from parceltrail.eta.history import LANE_LENGTHS

THRESHOLDS = (0.0, 0.55, 0.6, 0.65, 0.7, 0.75)  # 0.0: one spread for every regime
SCALES = np.round(np.arange(0.5, 3.0001, 0.05), 2)
POWERS = (1.0, 0.75, 0.5, 0.25)  # 1.0: the trees' own spread (eta.calibration)
HORIZON = 90  # working days a date table reaches; a longer quantile is clipped to it
KEYS = ("coverage", "width", "on_time", "slack")  # what scores() measures, per order then averaged
SPREAD_THIRDS = ("narrowest_third", "middle_third", "widest_third")  # by_class: thirds of the P95 distance


@dataclass
class Sample:
    """One month's validation orders at one moment: the boosters' log days, regime share, outcome."""

    logs: np.ndarray  # n x 4: log1p working days of P10, P50, P90, P95
    share: np.ndarray  # the regime feature (NaN: too few orders to tell)
    lane: np.ndarray  # lane-length class name (eta.history.lane_length)
    days_table: np.ndarray  # n x (HORIZON + 1): the date (ordinal) k working days after each clock start
    actual: np.ndarray  # delivery date ordinals

    def dates(self, side: int, scale: float, power: float = 1.0) -> np.ndarray:
        days = moved_days(self.logs, [side], scale, power)[:, 0]
        k = np.clip(np.floor(days + 0.5).astype(int), 0, HORIZON)
        return np.take_along_axis(self.days_table, k[:, None], 1)[:, 0]

    def regime(self, threshold: float, strained: bool) -> Sample:
        rows = strained_share(self.share, threshold)
        if not strained:
            rows = ~rows
        return Sample(*(getattr(self, f)[rows] for f in FIELDS))

    def regimes(self, threshold: float) -> tuple[Sample, Sample]:
        """The steady orders, then the strained ones."""
        return self.regime(threshold, False), self.regime(threshold, True)


FIELDS = ("logs", "share", "lane", "days_table", "actual")


def pooled(samples: list[Sample]) -> Sample:
    return Sample(*(np.concatenate([getattr(s, f) for s in samples]) for f in FIELDS))


def narrowest_window(sample: Sample, power: float) -> tuple[float, float]:
    """Earliest and latest scales whose window holds 80% at the least mean width; with no pair
    reaching 80%, the widest window tried."""
    low = np.stack([sample.dates(0, s, power) for s in SCALES], 1)
    high = np.stack([sample.dates(2, s, power) for s in SCALES], 1)
    after_low = (low <= sample.actual[:, None]).astype(np.float64)
    before_high = (high >= sample.actual[:, None]).astype(np.float64)
    coverage = after_low.T @ before_high / len(sample.actual)
    width = high.mean(0)[None, :] - low.mean(0)[:, None]
    width = np.where(coverage >= 0.8, width, np.inf)
    i, j = np.unravel_index(np.argmin(width), width.shape) if np.isfinite(width).any() else (-1, -1)
    return float(SCALES[i]), float(SCALES[j])


def smallest_promise(sample: Sample, power: float) -> float:
    """The smallest promise scale met by 95% (the largest tried if none is)."""
    met = np.asarray([(sample.dates(3, s, power) >= sample.actual).mean() for s in SCALES])
    return float(SCALES[int(np.argmax(met >= 0.95)) if (met >= 0.95).any() else -1])


def calibrate(
    months: list[Sample], threshold: float, powers: tuple[float, ...] = POWERS
) -> tuple[Calibration, dict[str, float]]:
    """The narrowest window power and scales, then the promise's, for one regime threshold; with the
    means over the months."""
    everything = pooled(months)
    regimes = everything.regimes(threshold)

    def best(candidates: list[Calibration], key: str) -> tuple[Calibration, dict[str, float]]:
        means = [{k: float(np.mean([scores(m, c)[k] for m in months])) for k in KEYS} for c in candidates]
        i = int(np.argmin([m[key] for m in means]))
        return candidates[i], means[i]

    windows = []
    for power in powers:
        spreads = [Spread(*narrowest_window(r, power)) if len(r.actual) else Spread() for r in regimes]
        windows.append(Calibration(threshold, *spreads, window_power=power))
    window, _ = best(windows, "width")
    promises = []
    for power in powers:
        scales = [smallest_promise(r, power) if len(r.actual) else 1.0 for r in regimes]
        promises.append(with_promises(replace(window, promise_power=power), scales))
    return best(promises, "slack")


def with_promises(calibration: Calibration, scales: list[float | None]) -> Calibration:
    """``calibration`` with these promise scales, steady then strained (None keeps its own)."""
    steady, strained = (spread if scale is None else replace(spread, promise=scale)
                        for spread, scale in zip((calibration.steady, calibration.strained), scales, strict=True))
    return replace(calibration, steady=steady, strained=strained)


def outcomes(sample: Sample, calibration: Calibration) -> tuple[np.ndarray, Sample]:
    """Per order (in window, window width, promise met, promise slack), and the orders in that order."""
    parts, ordered = [], []
    for s, spread in zip(sample.regimes(calibration.strained_below), (calibration.steady, calibration.strained), strict=True):
        low, high = s.dates(0, spread.earliest, calibration.window_power), s.dates(2, spread.latest, calibration.window_power)
        promise = np.maximum(s.dates(3, spread.promise, calibration.promise_power), high)
        parts.append(np.column_stack([(low <= s.actual) & (s.actual <= high), high - low,
                                      promise >= s.actual, promise - s.actual]))
        ordered.append(s)
    return np.concatenate(parts), pooled(ordered)


def scores(sample: Sample, calibration: Calibration) -> dict[str, float]:
    coverage, width, on_time, slack = outcomes(sample, calibration)[0].mean(0)
    return {"coverage": coverage, "width": width, "on_time": on_time, "slack": slack}


def by_class(sample: Sample, calibration: Calibration) -> dict[str, dict[str, dict[str, float]]]:
    """Window coverage and promises met over the pooled months, per lane-length class and per third
    of the boosters' own spread (P95 over P50): where the claims hold, and whether the spread the
    trees predict is the spread that happens."""
    rows, ordered = outcomes(sample, calibration)
    spread = ordered.logs[:, 3] - ordered.logs[:, 1]
    thirds = np.digitize(spread, np.quantile(spread, [1 / 3, 2 / 3]))
    classes = {"by_lane_length": (ordered.lane, LANE_LENGTHS),
               "by_booster_spread": (np.asarray(SPREAD_THIRDS)[thirds], SPREAD_THIRDS)}
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, (labels, order) in classes.items():
        out[name] = {}
        for label in order:
            if (ours := rows[labels == label]).size:
                out[name][label] = {"n": len(ours), "coverage": round(float(ours[:, 0].mean()), 4),
                                    "on_time": round(float(ours[:, 2].mean()), 4)}
    return out


def choose(folds: list[dict[str, Sample]]) -> dict:
    """Per moment, the rule's choice and how it held. A month with no orders at a moment is left out of
    that moment; a moment no month holds is left out of the result."""
    chosen = {}
    for moment in MOMENTS:
        months = [f[moment] for f in folds if moment in f and len(f[moment].actual)]
        if not months:  # no month held this moment out (e.g. no pickup scans): nothing to choose on
            continue
        everything = pooled(months)
        best, candidates = None, []
        for threshold in THRESHOLDS:
            calibration, means = calibrate(months, threshold)
            candidates.append({"calibration": calibration.to_json(), **{k: round(v, 3) for k, v in means.items()}})
            if best is None or means["width"] + means["slack"] < best[1]["width"] + best[1]["slack"]:
                best = (calibration, means)
        calibration, means = best
        likely = [m.dates(1, 1.0) - m.actual for m in months]
        chosen[moment] = {
            "calibration": calibration.to_json(), **{k: round(v, 4) for k, v in means.items()},
            "mae_days": round(float(np.mean([np.abs(e).mean() for e in likely])), 3),
            "within_2d": round(float(np.mean([(np.abs(e) <= 2).mean() for e in likely])), 4),
            "strained_share": round(float(np.mean(strained_share(everything.share, calibration.strained_below))), 3),
            **by_class(everything, calibration),
            "width_plus_slack_per_month": per_month(months, calibration),
            "promise_in_hindsight": hindsight(months, calibration),
            "candidates": candidates,
        }
    return chosen


def judged(folds: list[dict[str, Sample]], given: dict[str, Calibration]) -> dict:
    """The means and per-class figures of calibrations given, not chosen: to compare with the choice."""
    out = {}
    for moment, calibration in given.items():
        months = [f[moment] for f in folds]
        means = {k: round(float(np.mean([scores(m, calibration)[k] for m in months])), 4) for k in KEYS}
        out[moment] = {"calibration": calibration.to_json(), **means, **by_class(pooled(months), calibration),
                       "width_plus_slack_per_month": per_month(months, calibration),
                       "promise_in_hindsight": hindsight(months, calibration)}
    return out


def hindsight(months: list[Sample], calibration: Calibration) -> dict:
    """How much promise slack a recalibration could save if it knew each month's outcomes: per month and
    regime, the smallest promise scale met by 95% of that month's orders (windows and powers as given).
    A rule that sets the promise scales anew each month and holds each month to 95% can at best match
    this mean slack: a yardstick for what month-by-month recalibration is worth."""
    slack, on_time, scales = [], [], []
    for month in months:
        found = [smallest_promise(r, calibration.promise_power) if len(r.actual) else None
                 for r in month.regimes(calibration.strained_below)]
        score = scores(month, with_promises(calibration, found))
        slack.append(score["slack"])
        on_time.append(score["on_time"])
        scales.append(found)  # None: the month had no order in that regime
    return {"slack": round(float(np.mean(slack)), 4), "on_time": round(float(np.mean(on_time)), 4),
            "scales_per_month": scales}


def per_month(months: list[Sample], calibration: Calibration) -> list[float]:
    """Mean window width plus mean promise slack in each month, in the order of --months."""
    return [round(score["width"] + score["slack"], 2) for score in (scores(m, calibration) for m in months)]
