"""Use cases: one function each, one transaction each. Callers pass a ``UnitOfWork``."""

from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.expiry import expire_quiet_packages
from parceltrail.services.ingest import IngestResult, ingest_events, ingest_many
from parceltrail.services.packages import (
    PackageDetail,
    PackagePage,
    Registration,
    current_estimate,
    get_package,
    list_packages,
    register_package,
)
from parceltrail.services.scans import record_scans
from parceltrail.services.shops import NewShop, authenticate, create_api_key, create_shop

__all__ = [
    "FieldError", "IngestResult", "InvalidInput", "NewShop", "NotFound", "PackageDetail", "PackagePage",
    "Registration", "authenticate", "create_api_key", "create_shop", "current_estimate", "expire_quiet_packages", "get_package",
    "ingest_events", "ingest_many", "list_packages", "record_scans", "register_package",
]
