"""Carrier adapters: each carrier's tracking API turned into parceltrail's one language.

``CARRIERS`` maps a carrier code to a ``Carrier`` (``code``, ``name``, ``parse``, ``fetch``,
``supports`` ...). ``parse(body)`` is pure; ``fetch(number, credentials, client)`` needs a
``parceltrail.carriers.transport.CarrierClient`` (imported lazily, so parsing never loads httpx).
"""

from parceltrail.carriers.base import (
    Carrier,
    CarrierFetchError,
    CarrierShapeError,
    CarrierTracking,
    EstimatedDelivery,
)
from parceltrail.carriers.credentials import (
    ApiKeyCredentials,
    Credentials,
    OAuthCredentials,
    TikTokCredentials,
    credentials_from_env,
)
from parceltrail.carriers.mapping import UNMAPPED
from parceltrail.carriers.registry import CARRIERS, get_carrier

__all__ = [
    "CARRIERS",
    "UNMAPPED",
    "ApiKeyCredentials",
    "Carrier",
    "CarrierFetchError",
    "CarrierShapeError",
    "CarrierTracking",
    "Credentials",
    "EstimatedDelivery",
    "OAuthCredentials",
    "TikTokCredentials",
    "credentials_from_env",
    "get_carrier",
]
