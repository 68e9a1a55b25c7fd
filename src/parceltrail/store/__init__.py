"""Storage: SQLAlchemy tables, repositories and the unit of work. Every query lives in this package."""

from parceltrail.store.engine import make_engine
from parceltrail.store.migrate import upgrade as migrate
from parceltrail.store.packages import PackageFilter
from parceltrail.store.shops import Shop
from parceltrail.store.uow import UnitOfWork

__all__ = ["PackageFilter", "Shop", "UnitOfWork", "make_engine", "migrate"]
