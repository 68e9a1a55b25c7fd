"""Olist public e-commerce orders turned into delivery history rows (parsing only, no file access).

The CLI reads the gzipped CSVs and hands their bytes here, so this module stays pure and its tests
feed it small in-memory CSVs. Olist times are local Brazilian times without offset; they are given
America/Sao_Paulo so their calendar dates stay exactly as in the data.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from parceltrail.eta.history import HistoryRow, Place

BRAZIL = ZoneInfo("America/Sao_Paulo")
FILES = {
    "orders": "olist_orders_dataset.csv.gz",
    "customers": "olist_customers_dataset.csv.gz",
    "items": "olist_order_items_dataset.csv.gz",
    "sellers": "olist_sellers_dataset.csv.gz",
    "products": "olist_products_dataset.csv.gz",
    "geolocation": "olist_geolocation_by_prefix.csv.gz",
}


@dataclass(frozen=True)
class OlistOrders:
    rows: list[HistoryRow]  # delivered orders, purchase order
    shop_estimates: dict[str, date]  # order_id -> the date Olist promised the buyer


def _records(data: bytes) -> Iterator[dict[str, str]]:
    text = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    yield from csv.DictReader(io.StringIO(text.decode("utf-8")))


def _time(value: str) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=BRAZIL) if value else None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _product_sizes(data: bytes) -> dict[str, tuple[float | None, float | None]]:
    sizes = {}
    for r in _records(data):
        dims = [_float(r[k]) for k in ("product_length_cm", "product_height_cm", "product_width_cm")]
        volume = dims[0] * dims[1] * dims[2] if all(d is not None for d in dims) else None  # type: ignore[operator]
        sizes[r["product_id"]] = (_float(r["product_weight_g"]), volume)
    return sizes


def parse_olist(files: Mapping[str, bytes]) -> OlistOrders:
    """``files`` maps the keys of FILES to each file's raw (gzipped or plain) bytes."""
    coords = {
        r["geolocation_zip_code_prefix"]: (float(r["geolocation_lat"]), float(r["geolocation_lng"]))
        for r in _records(files["geolocation"])
    }

    def place(prefix: str, state: str) -> Place:
        lat, lon = coords.get(prefix, (None, None))
        return Place(country="BR", region=state, postal_code=prefix, lat=lat, lon=lon)

    sellers = {r["seller_id"]: place(r["seller_zip_code_prefix"], r["seller_state"]) for r in _records(files["sellers"])}
    customers = {
        r["customer_id"]: place(r["customer_zip_code_prefix"], r["customer_state"])
        for r in _records(files["customers"])
    }
    sizes = _product_sizes(files["products"])
    items: dict[str, list[dict[str, str]]] = {}
    for r in _records(files["items"]):
        items.setdefault(r["order_id"], []).append(r)
    rows, estimates = [], {}
    for r in _records(files["orders"]):
        delivered = _time(r["order_delivered_customer_date"])
        lines = sorted(items.get(r["order_id"], []), key=lambda line: int(line["order_item_id"]))
        if r["order_status"] != "delivered" or delivered is None or not lines:
            continue
        seller_id = lines[0]["seller_id"]
        weights = [sizes.get(line["product_id"], (None, None)) for line in lines]
        rows.append(HistoryRow(
            package_id=r["order_id"],
            purchased_at=_time(r["order_purchase_timestamp"]),  # type: ignore[arg-type]
            delivered_at=delivered,
            origin=sellers[seller_id],
            destination=customers[r["customer_id"]],
            handed_over_at=_time(r["order_delivered_carrier_date"]),
            seller_id=seller_id,
            weight_g=_sum(w for w, _ in weights),
            volume_cm3=_sum(v for _, v in weights),
            items=len(lines),
            shipping_cost=_sum(_float(line["freight_value"]) for line in lines),
        ))
        estimates[r["order_id"]] = datetime.fromisoformat(r["order_estimated_delivery_date"]).date()
    rows.sort(key=lambda row: row.purchased_at)
    return OlistOrders(rows, estimates)


def _sum(values: Iterator[float | None] | object) -> float | None:
    known = [v for v in values if v is not None]  # type: ignore[attr-defined]
    return sum(known) if known else None
