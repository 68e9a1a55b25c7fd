"""Use cases: one function each, one transaction each. Callers pass a ``UnitOfWork``."""

from parceltrail.services.errors import Conflict, FieldError, InvalidInput, NotFound
from parceltrail.services.expiry import expire_quiet_packages
from parceltrail.services.ingest import IngestResult, ingest_events, ingest_many
from parceltrail.services.listing import PackagePage, list_packages
from parceltrail.services.packages import (
    PackageDetail,
    Registration,
    current_estimate,
    get_package,
    package_warnings,
    register_package,
)
from parceltrail.services.scans import record_scans
from parceltrail.services.shops import (
    NewKey,
    NewShop,
    authenticate,
    create_api_key,
    create_shop,
    list_keys,
    list_shops,
    mint_key,
    revoke_key,
    roll_key,
)

__all__ = [
    "Conflict",
    "FieldError",
    "IngestResult",
    "InvalidInput",
    "NewKey",
    "NewShop",
    "NotFound",
    "PackageDetail",
    "PackagePage",
    "Registration",
    "authenticate",
    "create_api_key",
    "create_shop",
    "current_estimate",
    "expire_quiet_packages",
    "get_package",
    "ingest_events",
    "ingest_many",
    "list_keys",
    "list_packages",
    "list_shops",
    "mint_key",
    "package_warnings",
    "record_scans",
    "register_package",
    "revoke_key",
    "roll_key",
]
