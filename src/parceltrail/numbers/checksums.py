"""Check-digit algorithms used by tracking-number formats.

Each algorithm turns a payload (the characters the check covers) into the check character it expects;
verifying and generating are then the same computation. They are written for speed (precomputed
weights, ``map`` over strings) because ``detect`` runs them on every candidate format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import cycle, islice
from operator import mul
from typing import Protocol

_MAX = 64
_ALNUM36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# UPS gives letters digit values: A=2 ... H=9, I=0 ... : the value is (ASCII code - 3) mod 10.
_UPS_LETTER_VALUES = str.maketrans({chr(c): str((c - 3) % 10) for c in range(ord("A"), ord("Z") + 1)})
_ZERO = ord("0")
# Luhn's doubled digit, indexed by the ASCII code of the digit character.
_LUHN_DOUBLED = tuple(
    (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)[c - _ZERO] if _ZERO <= c < _ZERO + 10 else 0 for c in range(128)
)


class Checksum(Protocol):
    """A check-digit rule: the character it expects after ``payload``, and its strength in bits."""

    name: str
    bits: float

    def expected(self, payload: str) -> str: ...


def _weights(pattern: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(islice(cycle(pattern), _MAX))


def _totals(weights: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sum(weights[:size]) for size in range(_MAX + 1))


@dataclass(frozen=True, slots=True)
class _WeightedSum:
    """A digit sum with weights cycling from the rightmost payload digit, the weights precomputed once."""

    weights_from_right: tuple[int, ...]
    _w: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _totals: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_w", _weights(self.weights_from_right))
        object.__setattr__(self, "_totals", _totals(self._w))

    def weighted_sum(self, payload: str) -> int:
        """Works on the ASCII codes and subtracts '0' times the weights used, once."""
        data = payload.encode()[::-1]
        return sum(map(mul, data, self._w)) - _ZERO * self._totals[len(data)]


@dataclass(frozen=True, slots=True)
class WeightedMod10(_WeightedSum):
    """Weighted sum mod 10 (check = 10 - sum mod 10), weights cycling from the rightmost payload digit.

    Covers the UPS, USPS, FedEx Ground, Canada Post, OnTrac and GS1/SSCC variants, which differ only
    in weights; ``letter_values="ups"`` lets letters count as digits the way UPS shipper numbers need.
    """

    letter_values: str | None = None
    name: str = "mod10"
    bits: float = math.log2(10)

    def expected(self, payload: str) -> str:
        if self.letter_values == "ups":
            payload = payload.translate(_UPS_LETTER_VALUES)
        return str(-self.weighted_sum(payload) % 10)


@dataclass(frozen=True, slots=True)
class Luhn:
    """Luhn (ISO/IEC 7812): double every second digit from the right, add the digits of the products."""

    name: str = "luhn"
    bits: float = math.log2(10)

    def expected(self, payload: str) -> str:
        data = payload.encode()[::-1]
        kept = data[1::2]
        total = sum(map(_LUHN_DOUBLED.__getitem__, data[0::2])) + sum(kept) - _ZERO * len(kept)
        return str(-total % 10)


@dataclass(frozen=True, slots=True)
class WeightedMod11Mod10(_WeightedSum):
    """Weighted sum, mod 11, then mod 10 (FedEx Express): weights cycle 1, 3, 7 from the right."""

    name: str = "mod11_mod10"
    bits: float = math.log2(10)

    def expected(self, payload: str) -> str:
        return str(self.weighted_sum(payload) % 11 % 10)


@dataclass(frozen=True, slots=True)
class Mod7:
    """The whole serial as a number, mod 7 (DHL Express waybills)."""

    name: str = "mod7"
    bits: float = math.log2(7)

    def expected(self, payload: str) -> str:
        return str(int(payload) % 7)


_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


@dataclass(frozen=True, slots=True)
class S10:
    """UPU S10: weights 8 6 4 2 3 5 9 7, check = 11 - sum mod 11, with 10 -> 0 and 11 -> 5."""

    name: str = "s10"
    bits: float = math.log2(10)

    def expected(self, payload: str) -> str:
        check = 11 - sum(map(mul, map(int, payload), _S10_WEIGHTS)) % 11
        return "0" if check == 10 else "5" if check == 11 else str(check)


@dataclass(frozen=True, slots=True)
class Mod37_36:
    """ISO/IEC 7064 MOD 37,36 hybrid system over 0-9A-Z (DPD parcel numbers)."""

    name: str = "mod37_36"
    bits: float = math.log2(36)

    def expected(self, payload: str) -> str:
        product = 36
        for char in payload:
            total = (product + _ALNUM36.index(char)) % 36 or 36
            product = total * 2 % 37
        return _ALNUM36[(37 - product) % 36]


def checksum_from(spec: dict) -> Checksum:
    """Builds the rule a format file names, e.g. ``{algorithm = "mod10", weights = [3, 1]}``."""
    algorithm = spec["algorithm"]
    if algorithm == "mod10":
        return WeightedMod10(tuple(spec["weights"]), spec.get("letter_values"))
    if algorithm == "mod11_mod10":
        return WeightedMod11Mod10(tuple(spec["weights"]))
    simple = {"luhn": Luhn, "mod7": Mod7, "s10": S10, "mod37_36": Mod37_36}
    if algorithm in simple:
        return simple[algorithm]()
    raise ValueError(f"unknown check-digit algorithm {algorithm!r}")
