"""Tracking numbers: validate, detect the carrier, decode, generate, and catch numbers that don't belong.

Pure: no I/O beyond reading the package's own format files (``formats/*.toml``) once.

    >>> from parceltrail.numbers import detect
    >>> detect("1Z5R89390357567127").carrier
    'ups'
"""

from parceltrail.numbers.catalogue import Carrier, Format, UnknownCarrier, UnknownFormat, catalogue
from parceltrail.numbers.detect import Candidate, Detection, NearMiss, detect, detection_json, normalize
from parceltrail.numbers.generate import generate, tracking_url
from parceltrail.numbers.hints import Hint, hints_for, looks_like_tiktok_order_id
from parceltrail.numbers.trust import (
    TrustFinding,
    carrier_mismatch,
    destination_zip_mismatch,
    reused_numbers,
    scan_before_order,
)

__all__ = [
    "Candidate",
    "Carrier",
    "Detection",
    "Format",
    "Hint",
    "NearMiss",
    "TrustFinding",
    "UnknownCarrier",
    "UnknownFormat",
    "carrier_mismatch",
    "catalogue",
    "destination_zip_mismatch",
    "detect",
    "detection_json",
    "generate",
    "hints_for",
    "looks_like_tiktok_order_id",
    "normalize",
    "reused_numbers",
    "scan_before_order",
    "tracking_url",
]
