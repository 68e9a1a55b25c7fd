"""A trained delivery-date model and its file format.

The file is one JSON document: a versioned header (vocabularies, the history snapshot, training
facts) plus each LightGBM booster as LightGBM's own model text. No pickle: a file
from an untrusted shop cannot run code, and a newer parceltrail can refuse an unknown version clearly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parceltrail.eta.calibration import IDENTITY, Calibration
from parceltrail.eta.features import MOMENTS, TARGETS
from parceltrail.eta.prior import delivers_saturday
from parceltrail.eta.single_row import SingleRow
from parceltrail.eta.stats import StatsSnapshot

FORMAT = "parceltrail-eta-model"
# 2: the "target" field (what the boosters learn); 3: flow features and the pace they give;
# 4: boosters always at QUANTILES, moved by a per-regime "calibration"; 5: the calibration's powers
# (a version 4 file reads as powers of 1, exactly as it predicted before); 6: Saturdays are working
# days for services that deliver on them (eta.calendar), so an older file that learned from such a
# service counted its days differently and is refused; one without any is read as it was; 7: a history
# with too few handoffs has no handoff boosters (its handoff estimates use carrier standards)
VERSION = 7
READABLE = (4, 5, 6, 7)
SATURDAYS_SINCE = 6  # files before this counted every service's days Monday to Friday
QUANTILES = (0.1, 0.5, 0.9, 0.95)


class ModelFileError(ValueError):
    """The file is not a delivery-date model this version can read."""


def check_header(data: Any) -> None:
    """Refuse anything but a model file of a version this one reads (READABLE), before any booster is parsed."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelFileError("not a parceltrail delivery-date model")
    if data.get("version") not in READABLE:
        raise ModelFileError(f"model file version {data.get('version')} is not supported (expected {' or '.join(map(str, READABLE))})")
    if tuple(data["quantiles"]) != QUANTILES:
        raise ModelFileError("model file has unexpected quantiles")
    if data.get("target") not in TARGETS:
        raise ModelFileError(f"model file has an unknown target {data.get('target')!r}")
    calibration = data.get("calibration")
    if not isinstance(calibration, dict) or set(calibration) != set(MOMENTS):
        raise ModelFileError(f"model file needs a calibration for each of {', '.join(MOMENTS)}")
    if data["version"] < SATURDAYS_SINCE:
        saturday = sorted(k for k in data.get("vocab", {}).get("carrier_service", {})
                          if delivers_saturday(*k.split("/", 1)))
        if saturday:
            raise ModelFileError(f"model file version {data['version']} counted days without Saturdays for "
                                 f"{', '.join(saturday)}, which deliver on them: train the model again")


@dataclass
class Model:
    """Quantile boosters per moment (business days from the moment's clock start) and what they need."""

    boosters: dict[str, list[Any]]  # moment -> one lightgbm.Booster per output in QUANTILES order (placed always)
    vocab: dict[str, dict[str, int]]
    snapshot: StatsSnapshot
    cutoff_hour: int
    target: str
    n_rows: int
    trained_as_of: str
    facts: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Calibration] = field(default_factory=lambda: dict(IDENTITY))
    _single_row: dict[str, SingleRow] = field(default_factory=dict, init=False, repr=False, compare=False)

    def single_row(self, moment: str) -> SingleRow:
        """The moment's boosters behind LightGBM's single-row entry point (made on first use)."""
        scorer = self._single_row.get(moment)
        if scorer is None:
            boosters = self.boosters[moment]
            scorer = self._single_row[moment] = SingleRow(boosters, boosters[0].num_feature())
        return scorer

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "quantiles": list(QUANTILES),
            "cutoff_hour": self.cutoff_hour,
            "target": self.target,
            "n_rows": self.n_rows,
            "trained_as_of": self.trained_as_of,
            "facts": self.facts,
            "calibration": {m: c.to_json() for m, c in self.calibration.items()},
            "vocab": self.vocab,
            "snapshot": self.snapshot.to_json(),
            "boosters": {m: [b.model_to_string() for b in bs] for m, bs in self.boosters.items()},
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), separators=(",", ":")), encoding="utf-8")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        import lightgbm

        check_header(data)
        try:
            calibration = {m: Calibration.from_json(c) for m, c in data["calibration"].items()}
        except ValueError as error:
            raise ModelFileError(f"model file {error}") from None
        boosters = {
            m: [lightgbm.Booster(model_str=text) for text in texts] for m, texts in data["boosters"].items()
        }
        return cls(
            boosters=boosters,
            vocab=data["vocab"],
            snapshot=StatsSnapshot.from_json(data["snapshot"]),
            cutoff_hour=int(data["cutoff_hour"]),
            target=str(data["target"]),
            n_rows=int(data["n_rows"]),
            trained_as_of=str(data["trained_as_of"]),
            facts=dict(data.get("facts", {})),
            calibration=calibration,
        )

    @classmethod
    def load(cls, path: str | Path) -> Model:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelFileError(f"not a parceltrail delivery-date model: {error}") from None
        return cls.from_json(data)
