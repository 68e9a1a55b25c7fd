"""Importing Seller Center's order export: complete orders in batches through ``upsert_orders``.

Each batch (500 orders) is one transaction, so an interrupted import keeps whole batches and a re-run
finishes it; importing the same file again changes nothing. Bad rows are reported with row, column
and reason and their orders left out whole (``platforms/tiktok/export_csv.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from parceltrail.platforms.tiktok.export_csv import ExportFileError, ExportReader, RowError
from parceltrail.services.errors import FieldError, InvalidInput, NotFound
from parceltrail.services.orders import UpsertReport, upsert_orders
from parceltrail.store import UnitOfWork


@dataclass
class ImportReport(UpsertReport):
    rows: int = 0
    orders_read: int = 0
    row_errors: list[RowError] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = super().to_dict()
        out["errors"] = [e.to_dict() for e in self.row_errors] + out["errors"]
        return {"rows": self.rows, "orders_read": self.orders_read, **out}


def import_orders_csv(uow: UnitOfWork, shop_id: str, lines: Iterable[str], tz: str = "UTC",
                      date_order: str = "auto", progress: Callable[[int], None] | None = None,
                      batch: int = 500) -> ImportReport:
    """Import an export; ``progress(rows)`` is called after each batch with the rows read so far."""
    with uow.read():
        if uow.shops.get(shop_id) is None:
            raise NotFound("shop", shop_id)
    try:
        reader = ExportReader(lines, shop_id, tz, date_order)
    except ExportFileError as error:
        field = "date_order" if str(error).startswith("date order") else "file"
        raise InvalidInput(str(error), [FieldError(field, "a CSV exported from Seller Center → Orders" if field == "file"
                                                   else "auto, mdy or dmy")]) from None
    except (KeyError, ValueError) as error:
        raise InvalidInput(f"time zone {tz!r} is not known ({error})",
                           [FieldError("timezone", "an IANA zone such as America/Los_Angeles")]) from None
    report = ImportReport()
    for chunk in reader.batches(batch):
        report.rows += chunk.rows
        report.orders_read += len(chunk.orders)
        report.row_errors += chunk.errors
        if chunk.orders:
            report.add(upsert_orders(uow, shop_id, chunk.orders, "csv"))
        if progress is not None:
            progress(report.rows)
    return report
