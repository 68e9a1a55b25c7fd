"""Seller Center's order export (CSV, one row per line item) read into core orders (pure: a text stream in).

Column names are Seller Center's (``COLUMNS`` lists those used, with the other spellings exports use).
The row after the header is skipped when it is Seller Center's column-description row. Values lose
the tab Excel-safe exports put before long numbers. Rows of one order are grouped; if any row of an
order is bad, the whole order is left out and every bad row is reported as (row, column, reason): an
order is never half-imported. Times carry no zone in the export: ``tz`` says which (default UTC), and
the date order is month first for 12-hour (AM/PM) times as US exports write them, day first for
24-hour times as other regions' exports write them, unless a day above 12 says otherwise or
``date_order`` is given.

An order's ``updated_at`` is the latest time its rows show (delivered, cancelled, shipped, paid,
created), so an export never overwrites newer news a sync or webhook brought.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from parceltrail.core.model import Address
from parceltrail.core.orders import Buyer, LineItem, Order, OrderPackage, OrderStatus, order_status
from parceltrail.platforms.tiktok.orders import carrier_for

COLUMNS: dict[str, tuple[str, ...]] = {
    "order_id": ("Order ID",), "status": ("Order Status",), "substatus": ("Order Substatus",),
    "tracking": ("Tracking ID", "Tracking Number"), "provider": ("Shipping Provider Name", "Shipping Provider"),
    "package": ("Package ID",), "created": ("Created Time",), "paid": ("Paid Time",), "rts": ("RTS Time",),
    "shipped": ("Shipped Time",), "delivered": ("Delivered Time",), "cancelled": ("Cancelled Time",),
    "recipient": ("Recipient",), "zip": ("Zipcode", "Zip Code", "Postal Code", "Post Code"),
    "country": ("Country",), "state": ("State", "Province"), "city": ("City", "Post Town"),
    "line1": ("Address Line 1", "Detail Address"), "line2": ("Address Line 2", "Additional address information"),
    "product": ("Product Name",), "sku": ("Seller SKU",), "sku_id": ("SKU ID",), "quantity": ("Quantity",),
}
REQUIRED = ("order_id", "status", "created")
TIMES = ("created", "paid", "rts", "shipped", "delivered", "cancelled")
STATUS_WORDS = {
    "unpaid": OrderStatus.UNPAID, "on hold": OrderStatus.ON_HOLD, "to ship": OrderStatus.AWAITING_SHIPMENT,
    "awaiting shipment": OrderStatus.AWAITING_SHIPMENT, "awaiting collection": OrderStatus.AWAITING_COLLECTION,
    "partially shipped": OrderStatus.PARTIALLY_SHIPPING, "shipped": OrderStatus.IN_TRANSIT,
    "in transit": OrderStatus.IN_TRANSIT, "delivered": OrderStatus.DELIVERED, "completed": OrderStatus.COMPLETED,
    "cancelled": OrderStatus.CANCELLED, "canceled": OrderStatus.CANCELLED,
}
"""Seller Center's words (Order Status, refined by Order Substatus) -> the API's statuses."""
COUNTRIES = {"united states": "US", "usa": "US", "united kingdom": "GB", "malaysia": "MY", "vietnam": "VN",
             "indonesia": "ID", "thailand": "TH", "philippines": "PH", "singapore": "SG", "mexico": "MX"}
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?")


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ExportBatch:
    orders: list[Order] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0


class ExportFileError(ValueError):
    """The file is not a Seller Center export at all (no header, required columns missing)."""


def status_of(status: str, substatus: str) -> OrderStatus:
    for text in (substatus, status):
        word = " ".join(text.lower().split())
        if word in STATUS_WORDS:
            return STATUS_WORDS[word]
    return order_status(status)


def _clean(value: str | None) -> str:
    return (value or "").strip().lstrip("\t").strip()


class ExportReader:
    """Reads one export; ``batches(size)`` yields complete orders in groups, errors with their rows."""

    def __init__(self, lines: Iterable[str], shop_id: str, tz: str = "UTC", date_order: str = "auto") -> None:
        self.rows = csv.reader(lines)
        self.shop_id = shop_id
        self.zone = ZoneInfo(tz)
        if date_order not in ("auto", "mdy", "dmy"):
            raise ExportFileError(f"date order {date_order!r}: expected auto, mdy or dmy")
        self.date_order = date_order
        header = next(self.rows, None)
        if not header:
            raise ExportFileError("the file is empty; expected Seller Center's order export with a header row")
        names = [_clean(h).lstrip("\ufeff") for h in header]
        self.index = {key: names.index(alias) for key, aliases in COLUMNS.items()
                      for alias in aliases if alias in names}
        missing = [COLUMNS[k][0] for k in REQUIRED if k not in self.index]
        if missing:
            raise ExportFileError(f"not a Seller Center order export: missing column(s) {', '.join(missing)}")

    def _get(self, row: list[str], key: str) -> str:
        i = self.index.get(key)
        return _clean(row[i]) if i is not None and i < len(row) else ""

    def _time(self, text: str) -> datetime | None:
        if not text:
            return None
        m = _DATE.fullmatch(text)
        if m is None:
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(f"{text!r} is not a time; expected e.g. 09/25/2026 08:12:43 AM or 2026-09-25 08:12:43")
            return (value if value.tzinfo else value.replace(tzinfo=self.zone)).astimezone(self.zone)
        a, b, year, hour, minute, second, half = m.groups()
        first, other = int(a), int(b)
        order = self.date_order
        if order == "auto":  # US exports use a 12-hour clock (month first), the others 24 hours (day first)
            order = "dmy" if first > 12 else "mdy" if other > 12 else ("mdy" if half else "dmy")
        month, day = (first, other) if order == "mdy" else (other, first)
        h = int(hour) % 12 + (12 if half.lower() == "pm" else 0) if half else int(hour)
        try:
            return datetime(int(year), month, day, h, int(minute), int(second or 0), tzinfo=self.zone)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a valid time ({error})") from None

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        for number, row in enumerate(self.rows, start=2):
            if not any(_clean(v) for v in row):
                continue
            if number == 2 and not self._get(row, "order_id").isdigit() and " " in self._get(row, "order_id"):
                continue  # Seller Center's description row under the header
            yield number, row

    def batches(self, size: int = 500) -> Iterator[ExportBatch]:
        """Complete orders in groups of about ``size``; an order's rows must be adjacent (as exported)."""
        batch = ExportBatch()
        group: list[tuple[int, list[str]]] = []
        for number, row in self._records():
            batch.rows += 1
            if group and self._get(row, "order_id") != self._get(group[0][1], "order_id"):
                self._finish(group, batch)
                group = []
                if len(batch.orders) >= size:
                    yield batch
                    batch = ExportBatch()
            group.append((number, row))
        if group:
            self._finish(group, batch)
        yield batch

    def _finish(self, group: list[tuple[int, list[str]]], batch: ExportBatch) -> None:
        errors: list[RowError] = []
        order = self._order(group, errors)
        if errors:
            batch.errors += errors
        elif order is not None:
            batch.orders.append(order)

    def _order(self, group: list[tuple[int, list[str]]], errors: list[RowError]) -> Order | None:
        first_row, first = group[0]
        order_id = self._get(first, "order_id")
        if not order_id.isdigit():
            errors.append(RowError(first_row, "Order ID", f"{order_id!r} is not a TikTok order id (digits)"))
            return None
        try:
            status = status_of(self._get(first, "status"), self._get(first, "substatus"))
        except ValueError:
            errors.append(RowError(first_row, "Order Status", f"{self._get(first, 'status')!r} is not a Seller Center "
                                                              f"status; expected one of: {', '.join(STATUS_WORDS)}"))
            return None
        times: dict[str, datetime | None] = {}
        items, parcels = [], {}
        for number, row in group:
            for key in TIMES:
                try:
                    value = self._time(self._get(row, key))
                except ValueError as error:
                    errors.append(RowError(number, COLUMNS[key][0], str(error)))
                    continue
                times[key] = times.get(key) or value
            quantity = self._get(row, "quantity") or "1"
            if not quantity.isdigit() or int(quantity) < 1:
                errors.append(RowError(number, "Quantity", f"{quantity!r} is not a whole number of items"))
            tracking = self._get(row, "tracking") or None
            package_id = self._get(row, "package") or None
            if tracking and not re.fullmatch(r"[A-Za-z0-9._/ -]{4,64}", tracking):
                errors.append(RowError(number, "Tracking ID", f"{tracking!r} is not a tracking number"))
            items.append(LineItem(self._get(row, "sku_id") or str(number), self._get(row, "product"),
                                  self._get(row, "sku") or None, int(quantity) if quantity.isdigit() else 1, package_id))
            if tracking or package_id:
                key = package_id or f"trk:{tracking}"
                provider = self._get(row, "provider") or None
                carrier = carrier_for(tracking.replace(" ", ""), provider)[0] if tracking else None
                parcels.setdefault(key, OrderPackage(package_id, tracking, carrier, None, provider))
        if errors:
            return None
        if times.get("created") is None:
            errors.append(RowError(first_row, "Created Time", "the order's creation time is missing"))
            return None
        country = self._get(first, "country")
        address = Address(postal_code=self._get(first, "zip") or None,
                          country=COUNTRIES.get(country.lower(), country.upper() if len(country) == 2 else None),
                          line1=self._get(first, "line1") or None, line2=self._get(first, "line2") or None,
                          city=self._get(first, "city") or None, region=self._get(first, "state") or None)
        stamps = [t for t in times.values() if t is not None]
        return Order(self.shop_id, order_id, status, times["created"], max(stamps), paid_at=times.get("paid"),
                     buyer=Buyer(self._get(first, "recipient") or None, address), line_items=tuple(items),
                     packages=tuple(parcels.values()))
