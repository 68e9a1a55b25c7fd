"""What registration checks before it follows a number: a known carrier, and a number that is that carrier's.

A declared carrier parceltrail does not know is refused (nothing could ever follow it). A number that fails
its check digit, or that is another carrier's, is refused too, because a typo found at upload costs the
seller nothing and the same typo found by TikTok costs a valid-tracking strike, unless the caller says
``force``: then the package is kept with a warning that says what is wrong. Findings that are true but not
fatal (a carrier whose formats we know only partly, a number that fits several carriers) are warnings
without asking. Warnings are ``PackageWarning``s (code + message), stored with the package by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from parceltrail.carriers import CARRIERS
from parceltrail.core import Address, PackageWarning
from parceltrail.numbers import carrier_mismatch, catalogue, detect
from parceltrail.numbers.hints import TIKTOK_ORDER_ID
from parceltrail.services.errors import FieldError, InvalidInput

FORCE_HINT = 'send "force": true to register it anyway, with a warning'

CHECK_CODES = ("carrier_mismatch", "check_digit_failed", "unrecognised_number", "carrier_ambiguous", TIKTOK_ORDER_ID)
"""The warning codes registration owns: re-checking a package (a carrier correction) replaces exactly these."""


@cache
def known_carriers() -> frozenset[str]:
    """Every carrier code parceltrail knows: a number format, a tracking adapter, or both."""
    return frozenset(catalogue().carriers) | frozenset(CARRIERS)


def carrier_name(code: str) -> str:
    if code in CARRIERS:
        return CARRIERS[code].name
    found = catalogue().carriers.get(code)
    return found.name if found else code


@dataclass(frozen=True, slots=True)
class CheckedNumber:
    carrier: str | None
    warnings: list[PackageWarning] = field(default_factory=list)
    refusal: str | None = None
    """Why the number is refused unless the caller forces it (the warnings then say it was forced)."""

    def require(self, force: bool) -> None:
        """Raise ``InvalidInput`` on the tracking number when it is refused and not forced."""
        if self.refusal is not None and not force:
            raise InvalidInput("tracking number does not check out",
                               [FieldError("tracking_number", f"{self.refusal} ({FORCE_HINT})")])


def _unknown_carrier(code: str) -> InvalidInput:
    shown = ", ".join(c for c in ("ups", "usps", "fedex", "dhl", "tiktok") if c in known_carriers())
    return InvalidInput("carrier is not known", [FieldError(
        "carrier", f"{code!r} is not a carrier parceltrail knows; expected a code such as {shown} "
                   "(GET /v1/carriers lists them all), or leave carrier out to detect it")])


def _declared(number: str, carrier: str) -> CheckedNumber:
    if carrier not in known_carriers():
        raise _unknown_carrier(carrier)
    if carrier not in catalogue().carriers:  # tracked by another key (TikTok order ids): no number format
        return CheckedNumber(carrier)
    finding = carrier_mismatch(number, carrier)
    if finding is None:
        return CheckedNumber(carrier)
    if finding.check != "carrier_mismatch":  # the carrier's formats are known only in part
        return CheckedNumber(carrier, [PackageWarning(finding.check, finding.reason)])
    # The declared carrier's own format with a wrong check digit is a typo, not another carrier's number;
    # an order id in the tracking field is neither (the finding says what it is).
    found = detect(number)
    typo = not found.hints and any(m.carrier == carrier for m in found.near_misses)
    code = "check_digit_failed" if typo else "carrier_mismatch"
    return CheckedNumber(carrier, [PackageWarning(code, f"Registered with force: {finding.reason}")],
                         refusal=finding.reason)


def _detected(number: str, destination: Address | None) -> CheckedNumber:
    found = detect(number, country=destination.country if destination else None)
    if found.hints:  # a TikTok Shop order id where the tracking number belongs, whatever check it passes by chance
        reason = " ".join(h.message for h in found.hints)
        return CheckedNumber(None, [PackageWarning(found.hints[0].code, f"Registered with force: {reason}")],
                             refusal=reason)
    if found.valid and not found.ambiguous:
        return CheckedNumber(found.carrier)
    if found.valid:
        names = sorted({carrier_name(c.carrier) for c in found.candidates})
        return CheckedNumber(None, [PackageWarning(
            "carrier_ambiguous",
            f"{number} fits the formats of {' and '.join(names)}; set the carrier so parceltrail can follow it")])
    if found.near_misses:
        miss = found.near_misses[0]
        fmt = catalogue().format(miss.carrier, miss.format)
        reason = (f"{number} has the shape of a {fmt.name} number but is not one: {miss.reason}. "
                  "It is probably mistyped; copy it again from the label.")
        return CheckedNumber(None, [PackageWarning("check_digit_failed", f"Registered with force: {reason}")],
                             refusal=reason)
    return CheckedNumber(None, [PackageWarning(
        "unrecognised_number",
        f"{number} matches no tracking-number format parceltrail knows, so the carrier is unknown; set the "
        "carrier if you know it, or post its scans to /v1/packages/{id}/events")])


def check_number(number: str, carrier: str | None, destination: Address | None) -> CheckedNumber:
    """The carrier to follow ``number`` with, the warnings to store and, when the number does not check out,
    why (``CheckedNumber.require`` refuses it unless forced). An unknown carrier is ``InvalidInput`` at once.

    ``number`` and ``carrier`` are already normalised. Without a carrier, detection picks one when exactly
    one carrier's format fits.
    """
    if carrier is not None:
        return _declared(number, carrier)
    return _detected(number, destination)
